package dev.fleetpress.media;

import dev.fleetpress.Settings;
import dev.fleetpress.aws.DependencyFactory;
import dev.fleetpress.aws.S3Ledger;
import dev.fleetpress.aws.S3ObjectStore;
import dev.fleetpress.json.JsonException;
import dev.fleetpress.ledger.Ledger;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The import's two entry points, one per key the bucket notifies about. Idempotent: S3 delivers each
 * event at least once and in any order.
 * <ul>
 *   <li>{@link #onShardCreated}: if the shard already has a result (a duplicate event) nothing is
 *   imported; otherwise the shard is imported against its manifest, the ETags of its objects recorded
 *   ({@link StoredEntries}) and its result written with create-if-absent. A crash before the result leaves none, so the retried event imports the shard
 *   again, skipping the files already stored with their sha256. Then the migration is checked for
 *   completion.</li>
 *   <li>{@link #onMigrationCreated}: checks for completion, since migration.json may arrive after the
 *   last shard's result.</li>
 * </ul>
 * Store and ledger failures propagate ({@link ObjectStoreException}, {@code LedgerException}).
 */
public final class MediaImport {
    private final ObjectStore store;
    private final Ledger ledger;
    private final ShardImporter importer;
    private final MigrationVerifier verifier;
    private final Clock clock;

    public MediaImport(ObjectStore store, Ledger ledger, MediaConfig config, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.importer = new ShardImporter(store, config, clock);
        this.verifier = new MigrationVerifier(store, ledger, config, clock);
        this.clock = clock;
    }

    /** Over the media bucket named by MEDIA_BUCKET (see {@link MediaConfig#from}); calls no AWS. */
    public static MediaImport create(DependencyFactory deps, Settings settings) {
        MediaConfig config = MediaConfig.from(settings);
        return new MediaImport(S3ObjectStore.create(deps.s3(), config.bucket()),
                S3Ledger.create(deps.s3(), config.bucket(), MigrationKeys.ROOT), config, Clock.systemUTC());
    }

    public MediaOutcome onShardCreated(String migrationId, int shard) {
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("migration", migrationId);
        keys.put("shard", shard);
        String resultKey = MigrationKeys.resultLedgerKey(migrationId, shard);
        if (ledger.read(resultKey).isPresent()) {
            keys.put("report", completion(migrationId));
            return new MediaOutcome("DUPLICATE", "shard " + shard + " already has a result; nothing imported", keys);
        }
        ShardResult result;
        try {
            ShardImporter.Imported imported = importShard(migrationId, shard);
            record(imported.stored());
            result = imported.result();
        } catch (JsonException e) {
            // The export wrote a manifest this import cannot read: record it, so the report shows the loss.
            result = unreadable(migrationId, shard, e.getMessage());
        }
        boolean recorded = ledger.createIfAbsent(resultKey, result.toJson());
        keys.put("imported", result.imported());
        keys.put("skipped", result.skipped());
        keys.put("rejected", result.rejected().size());
        keys.put("bytes", result.bytes());
        keys.put("report", completion(migrationId));
        if (!recorded) {
            return new MediaOutcome("DUPLICATE", "shard " + shard + " was imported concurrently; its first result stands",
                    keys);
        }
        return new MediaOutcome("IMPORTED", "shard " + shard + " imported: " + result.imported() + " files, "
                + result.skipped() + " already present, " + result.rejected().size() + " rejected", keys);
    }

    public MediaOutcome onMigrationCreated(String migrationId) {
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("migration", migrationId);
        String report = completion(migrationId);
        keys.put("report", report);
        return new MediaOutcome("CHECKED", "migration.json arrived; report " + report, keys);
    }

    /** Before the result, so that a result always has its record (a crash in between leaves no result). */
    private void record(StoredEntries stored) {
        byte[] json = stored.toJson().getBytes(StandardCharsets.UTF_8);
        store.put(MigrationKeys.storedEntries(stored.migrationId(), stored.shard()), json,
                new ObjectStore.UploadHeaders("application/json", "no-store", ShardImporter.sha256(json)));
    }

    private ShardImporter.Imported importShard(String migrationId, int shard) {
        String manifestKey = MigrationKeys.shardManifest(migrationId, shard);
        ShardManifest manifest = StoredJson.read(store, manifestKey, MigrationVerifier.MAX_MANIFEST_BYTES)
                .map(json -> ShardManifest.parse(json, migrationId, shard))
                .orElseThrow(() -> new ObjectStoreException(manifestKey + " does not exist, though the export writes "
                        + "it before the shard; the event's retry will look again"));
        String tarKey = MigrationKeys.shardTar(migrationId, shard);
        InputStream tar = store.open(tarKey).orElseThrow(() -> new ObjectStoreException(tarKey
                + " was announced but cannot be found; the event's retry will look again"));
        try (tar) {
            return importer.importShard(manifest, tar);
        } catch (IOException e) {
            throw new ObjectStoreException("closing " + tarKey + " failed: " + e.getMessage(), e);
        }
    }

    private ShardResult unreadable(String migrationId, int shard, String reason) {
        Instant now = clock.instant();
        return new ShardResult(shard, 0, 0, List.of(new Rejection(MigrationKeys.shardManifest(migrationId, shard),
                "shard manifest unreadable, nothing imported: " + reason)), 0, now, now);
    }

    private String completion(String migrationId) {
        MigrationVerifier.Completion completion = verifier.completeIfReady(migrationId);
        if (completion instanceof MigrationVerifier.Reported r) {
            return "WRITTEN (" + r.verified() + " verified, " + r.rejected() + " rejected, " + r.missing() + " missing)";
        }
        if (completion instanceof MigrationVerifier.Waiting w) {
            return "WAITING: " + w.reason();
        }
        return "ALREADY_WRITTEN";
    }
}

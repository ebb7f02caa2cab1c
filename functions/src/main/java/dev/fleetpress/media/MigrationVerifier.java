package dev.fleetpress.media;

import dev.fleetpress.json.Json;
import dev.fleetpress.json.JsonException;
import dev.fleetpress.ledger.Ledger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Closes a migration: once {@code migration.json} exists and every one of its shards has a result, checks
 * every manifest entry (present under the uploads prefix with the manifest's size and sha256, see
 * {@link EntryCheck}, or listed as rejected in its shard's result) and writes
 * {@code _migration/<id>/report.json} once, through the ledger's create-if-absent. Safe to call any
 * number of times, concurrently and in any order of arrival: until the last result exists it answers
 * {@link Waiting}, afterwards {@link AlreadyReported}.
 *
 * <p>The report: {@code {"formatVersion":1,"migrationId","environment","exportedAt","shards","files",
 * "entries","verified","imported","skipped","rejected":[{"shard","path","reason"}],"missing":[{"shard",
 * "path","reason"}],"bytes","verifiedBy":{"listing","headObject","listings","listedKeys"},"startedAt",
 * "finishedAt","durationSeconds","complete"}}. {@code missing} must be empty: an entry there was neither
 * imported nor rejected (or a shard manifest was unreadable, or the manifests list fewer files than
 * migration.json counts), and {@code complete} is then false. {@code verifiedBy} says how many entries a
 * listing verified and how many a HeadObject did, over how many listings reading how many keys.
 */
public final class MigrationVerifier {
    /** Shard manifests list a few thousand entries; this bound only stops a runaway object. */
    static final int MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

    private final ObjectStore store;
    private final Ledger ledger;
    private final MediaConfig config;
    private final Clock clock;

    public MigrationVerifier(ObjectStore store, Ledger ledger, MediaConfig config, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What {@link #completeIfReady} found. */
    public sealed interface Completion permits Waiting, AlreadyReported, Reported {
    }

    /** Not every result is there yet (or migration.json is not). */
    public record Waiting(String reason) implements Completion {
    }

    public record AlreadyReported() implements Completion {
    }

    /** This call wrote the report (or lost the race to an identical one). */
    public record Reported(long verified, int rejected, int missing) implements Completion {
    }

    public Completion completeIfReady(String migrationId) {
        if (ledger.read(MigrationKeys.reportLedgerKey(migrationId)).isPresent()) {
            return new AlreadyReported();
        }
        Optional<Json.Node> migrationJson = StoredJson.read(store, MigrationKeys.migrationManifest(migrationId),
                1024 * 1024);
        if (migrationJson.isEmpty()) {
            return new Waiting("migration.json is not there yet; the export writes it after its last shard");
        }
        MigrationManifest migration = MigrationManifest.parse(migrationJson.get(), migrationId);
        Map<Integer, ShardResult> results = new LinkedHashMap<>();
        for (int shard = 1; shard <= migration.shards(); shard++) {
            Optional<String> result = ledger.read(MigrationKeys.resultLedgerKey(migrationId, shard));
            if (result.isEmpty()) {
                return new Waiting("shard " + shard + " of " + migration.shards() + " has no result yet");
            }
            results.put(shard, ShardResult.parse(result.get()));
        }
        return report(migration, results);
    }

    private Completion report(MigrationManifest migration, Map<Integer, ShardResult> results) {
        List<Object> rejected = new ArrayList<>();
        List<Object> missing = new ArrayList<>();
        List<EntryCheck.Entry> toCheck = new ArrayList<>();
        long entries = 0;
        EntryCheck.Outcome checked;
        ExecutorService pool = Executors.newFixedThreadPool(config.parallelism(), r -> {
            Thread t = new Thread(r, "media-verify");
            t.setDaemon(true);
            return t;
        });
        try {
            // Each shard's manifest and ETag record, read side by side: two GETs per shard.
            Map<Integer, Future<ShardRecords>> records = new LinkedHashMap<>();
            for (int shard : results.keySet()) {
                records.put(shard, pool.submit(() -> records(migration.migrationId(), shard)));
            }
            for (Map.Entry<Integer, ShardResult> e : results.entrySet()) {
                int shard = e.getKey();
                Map<String, String> rejectedPaths = new HashMap<>();
                for (Rejection r : e.getValue().rejected()) {
                    rejected.add(Json.object("shard", shard, "path", r.path(), "reason", r.reason()));
                    rejectedPaths.putIfAbsent(r.path(), r.reason());
                }
                ShardRecords shardRecords = EntryCheck.await(records.get(shard));
                if (!shardRecords.unreadable().isEmpty()) {
                    missing.add(Json.object("shard", shard,
                            "path", MigrationKeys.shardManifest(migration.migrationId(), shard),
                            "reason", "cannot check this shard's entries: " + shardRecords.unreadable()));
                    continue;
                }
                for (ManifestEntry entry : shardRecords.manifest().entries()) {
                    entries++;
                    if (!rejectedPaths.containsKey(entry.path())) {
                        toCheck.add(new EntryCheck.Entry(shard, entry, shardRecords.stored().eTag(entry.path()),
                                e.getValue().finishedAt()));
                    }
                }
            }
            checked = new EntryCheck(store, config.rules(), pool).check(toCheck);
        } finally {
            pool.shutdownNow();
        }
        for (EntryCheck.Problem p : checked.problems()) {
            missing.add(Json.object("shard", p.entry().shard(), "path", p.entry().manifest().path(), "reason", p.reason()));
        }
        if (entries != migration.files()) {
            missing.add(Json.object("shard", 0, "path", MigrationKeys.migrationManifest(migration.migrationId()),
                    "reason", "migration.json counts " + migration.files() + " files but the shard manifests list "
                            + entries));
        }
        Instant finished = clock.instant();
        Instant started = results.values().stream().map(ShardResult::startedAt).min(Instant::compareTo).orElse(finished);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("formatVersion", 1);
        report.put("migrationId", migration.migrationId());
        report.put("environment", migration.environment());
        report.put("exportedAt", migration.exportedAt());
        report.put("shards", migration.shards());
        report.put("files", migration.files());
        report.put("entries", entries);
        report.put("verified", checked.verified());
        report.put("imported", results.values().stream().mapToLong(ShardResult::imported).sum());
        report.put("skipped", results.values().stream().mapToLong(ShardResult::skipped).sum());
        report.put("rejected", rejected);
        report.put("missing", missing);
        report.put("bytes", results.values().stream().mapToLong(ShardResult::bytes).sum());
        report.put("verifiedBy", Json.object("listing", checked.byListing(), "headObject", checked.byHeadObject(),
                "listings", checked.listings(), "listedKeys", checked.listedKeys()));
        report.put("startedAt", started.toString());
        report.put("finishedAt", finished.toString());
        report.put("durationSeconds", Duration.between(started, finished).toSeconds());
        report.put("complete", missing.isEmpty());
        if (!ledger.createIfAbsent(MigrationKeys.reportLedgerKey(migration.migrationId()), Json.write(report))) {
            return new AlreadyReported();
        }
        return new Reported(checked.verified(), rejected.size(), missing.size());
    }

    /** A shard's manifest (unless {@code unreadable} says why not) and recorded ETags. */
    private record ShardRecords(ShardManifest manifest, StoredEntries stored, String unreadable) {
    }

    private ShardRecords records(String migrationId, int shard) {
        try {
            ShardManifest manifest = StoredJson.read(store, MigrationKeys.shardManifest(migrationId, shard), MAX_MANIFEST_BYTES)
                    .map(json -> ShardManifest.parse(json, migrationId, shard))
                    .orElseThrow(() -> new JsonException("the shard manifest is gone"));
            return new ShardRecords(manifest, stored(migrationId, shard), "");
        } catch (JsonException e) {
            return new ShardRecords(new ShardManifest(migrationId, shard, List.of()), StoredEntries.none(migrationId, shard),
                    e.getMessage());
        }
    }

    /** The shard's recorded ETags; none (every entry then costs a HeadObject) when absent or unreadable. */
    private StoredEntries stored(String migrationId, int shard) {
        try {
            return StoredJson.read(store, MigrationKeys.storedEntries(migrationId, shard), MAX_MANIFEST_BYTES)
                    .map(json -> StoredEntries.parse(json, migrationId, shard))
                    .orElse(StoredEntries.none(migrationId, shard));
        } catch (JsonException e) {
            return StoredEntries.none(migrationId, shard);
        }
    }
}

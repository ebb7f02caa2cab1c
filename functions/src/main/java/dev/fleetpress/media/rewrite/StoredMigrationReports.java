package dev.fleetpress.media.rewrite;

import dev.fleetpress.json.Json;
import dev.fleetpress.json.JsonException;
import dev.fleetpress.media.MigrationKeys;
import dev.fleetpress.media.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link MigrationReports} read from the media bucket through the import's own {@link ObjectStore} (on AWS
 * {@code S3ObjectStore}): {@code _migration/<id>/report.json} as MediaFunction writes it, and
 * {@code started.json} (written by {@code fleetpress media migrate}) for the environment when the report does
 * not name one. Reading needs s3:GetObject on {@code _migration/*} and s3:ListBucket on the bucket.
 */
public final class StoredMigrationReports implements MigrationReports {
    /** A report is a few KiB per rejected entry; more than this is not MediaFunction's. */
    private static final int MAX_BYTES = 64 * 1024 * 1024;

    private final ObjectStore store;

    public StoredMigrationReports(ObjectStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public Optional<MigrationReport> report(String migrationId) {
        String key = MigrationKeys.ROOT + MigrationKeys.reportLedgerKey(migrationId);
        return read(key).map(root -> {
            try {
                String environment = root.findText("environment").filter(e -> !e.isEmpty())
                        .orElseGet(() -> startedEnvironment(migrationId));
                return new MigrationReport(migrationId, environment, root.get("complete").asBoolean(),
                        root.get("entries").asLong(), root.get("verified").asLong(), root.get("rejected").elements().size(),
                        root.get("missing").elements().size(), root.findText("finishedAt").orElse(""));
            } catch (JsonException e) {
                throw new IllegalStateException(key + " is not what MediaFunction writes: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public boolean exists(String migrationId) {
        AtomicBoolean any = new AtomicBoolean();
        store.list(MigrationKeys.ROOT + MigrationKeys.requireId(migrationId) + "/", "", o -> {
            any.set(true);
            return false;
        });
        return any.get();
    }

    private String startedEnvironment(String migrationId) {
        try {
            return read(MigrationKeys.started(migrationId)).flatMap(n -> n.findText("environment")).orElse("");
        } catch (IllegalStateException e) {
            // started.json only helps to name the environment; a broken one names none.
            return "";
        }
    }

    private Optional<Json.Node> read(String key) {
        Optional<InputStream> body = store.open(key);
        if (body.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream in = body.get()) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new IllegalStateException(key + " is larger than " + MAX_BYTES + " bytes; MediaFunction did not write it");
            }
            return Optional.of(Json.parse(bytes));
        } catch (JsonException e) {
            throw new IllegalStateException(key + " is not JSON: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + key + ": " + e.getMessage(), e);
        }
    }
}

package dev.fleetpress.cli.bench;

import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.LocalCloud;
import dev.fleetpress.localcloud.ec2.Instances;
import dev.fleetpress.media.MigrationKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The FleetPress side: the real export document ({@code export-media.sh} through SSM) on a localcloud
 * instance, whose shards S3's notifications hand to MediaFunction, and replays of those very shards
 * under a fresh migration id, so that an import can be measured without its export competing for the
 * CPU. A replay puts each shard's {@code .json} (its migration id rewritten) then its {@code .tar}, one
 * shard after the other as the export does (or staged first with the notifications held, see
 * {@link #replay}), and {@code migration.json} last.
 */
final class MediaMigration {
    static final String UPLOADS = "wp-content/uploads/";
    private static final Pattern ID_FIELD = Pattern.compile("(\"migrationId\"\\s*:\\s*\")([^\"]+)(\")");
    private static final Duration PATIENCE = Duration.ofMinutes(15);

    /**
     * An import's figures: from report.json's startedAt (earliest shard start) to its finishedAt, of which
     * {@code verifySeconds} came after the last shard's result (the verification and the report), and how
     * the entries were verified (by a listing that shows the ETag the import recorded, or by HeadObject).
     */
    record Import(int shards, long imported, long skipped, long bytes, double windowSeconds, double wallSeconds,
                  double heapPeakMb, double verifySeconds, long byListing, long byHeadObject, double cpuSeconds) {
    }

    /**
     * CPU seconds this JVM has used: S3Proxy, the function and the benchmark all run in it, so what a
     * variant consumed is told apart from the wall time the machine's other load adds.
     */
    static double processCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    /** The shards of one export, kept on disk for replays. */
    record Shards(int shardMegabytes, String migrationId, Path dir, int count, double exportSeconds, Import duringExport) {
    }

    private final LocalCloud cloud;
    private final Instances.Instance instance;
    private final MediaBucket bucket;

    MediaMigration(LocalCloud cloud, Instances.Instance instance, MediaBucket bucket) {
        this.cloud = cloud;
        this.instance = instance;
        this.bucket = bucket;
    }

    /**
     * Runs the export with {@code shardMegabytes}; its import runs meanwhile (that is how the system
     * works) and is awaited. Then the uploads prefix is emptied and the shards are downloaded.
     */
    Shards export(int shardMegabytes, Path dir) throws Exception {
        String id = "m-bench-export-" + shardMegabytes;
        long start = System.nanoTime();
        String commandId = cloud.ssm().sendCommand(b -> b.documentName("fleetpress-local-media-export")
                .instanceIds(instance.id())
                .parameters(Map.of("MigrationId", List.of(id), "MediaBucket", List.of(bucket.name()),
                        "ShardMegabytes", List.of(String.valueOf(shardMegabytes)))))
                .command().commandId();
        String status = "Pending";
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline && List.of("Pending", "InProgress", "Delayed").contains(status)) {
            Thread.sleep(100);
            status = cloud.ssm().getCommandInvocation(b -> b.commandId(commandId).instanceId(instance.id())).statusAsString();
        }
        double exportSeconds = (System.nanoTime() - start) / 1e9;
        if (!"Success".equals(status)) {
            throw new IllegalStateException("the media export with ShardMegabytes " + shardMegabytes + " ended " + status);
        }
        Import during = awaitReport(id, start, null, processCpuSeconds());
        bucket.delete(UPLOADS);
        Files.createDirectories(dir);
        int count = (int) Json.parse(get(MigrationKeys.migrationManifest(id))).get("shards").asLong();
        for (int n = 1; n <= count; n++) {
            String tarKey = MigrationKeys.shardTar(id, n);
            Files.write(dir.resolve(file(n, "json")), get(MigrationKeys.shardManifest(id, n)));
            cloud.s3().getObject(b -> b.bucket(bucket.name()).key(tarKey), dir.resolve(file(n, "tar")));
        }
        Files.write(dir.resolve("migration.json"), get(MigrationKeys.migrationManifest(id)));
        return new Shards(shardMegabytes, id, dir, count, exportSeconds, during);
    }

    /**
     * Puts {@code shards} under {@code newId} and measures the import they trigger; the uploads prefix must
     * be empty. {@code staged}: every shard is uploaded first with localcloud's S3 notifications held, then
     * the notifications are released at once, so the import has its shards at once and the benchmark's own
     * uploads (which on AWS an instance makes, not the function's CPU) run before the window. Otherwise
     * each shard is uploaded in turn as the export does, overlapping the import of those before it.
     */
    Import replay(Shards shards, String newId, boolean staged) throws Exception {
        Import imported;
        if (staged) {
            // Every shard in place first, its notifications held; released at once when the clock starts, so the
            // window holds only the import (on AWS the uploads are an instance's work, not the function's).
            AutoCloseable held = cloud.localS3().holdNotifications();
            try {
                putShards(shards, newId);
            } catch (Exception e) {
                held.close();
                throw e;
            }
            try (HeapSampler heap = HeapSampler.start()) {
                double cpu = processCpuSeconds();
                long start = System.nanoTime();
                held.close();
                imported = awaitReport(newId, start, heap, cpu);
            }
            return imported;
        }
        try (HeapSampler heap = HeapSampler.start()) {
            double cpu = processCpuSeconds();
            long start = System.nanoTime();
            putShards(shards, newId);
            imported = awaitReport(newId, start, heap, cpu);
        }
        return imported;
    }

    /** Each shard's manifest and tar in order, as the export uploads them, then migration.json. */
    private void putShards(Shards shards, String newId) throws IOException {
        for (int n = 1; n <= shards.count(); n++) {
            put(MigrationKeys.shardManifest(newId, n), renamed(shards.dir().resolve(file(n, "json")), newId));
            String tarKey = MigrationKeys.shardTar(newId, n);
            cloud.s3().putObject(b -> b.bucket(bucket.name()).key(tarKey), RequestBody.fromFile(shards.dir().resolve(file(n, "tar"))));
        }
        put(MigrationKeys.migrationManifest(newId), renamed(shards.dir().resolve("migration.json"), newId));
    }

    private Import awaitReport(String id, long start, HeapSampler heap, double cpuAtStart) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            try {
                Json.Node report = Json.parse(get(MigrationKeys.ROOT + MigrationKeys.reportLedgerKey(id)));
                double wall = (System.nanoTime() - start) / 1e9;
                double cpu = processCpuSeconds() - cpuAtStart;
                if (!report.get("complete").asBoolean()) {
                    throw new IllegalStateException("migration " + id + " is incomplete: " + report);
                }
                Instant finished = Instant.parse(report.text("finishedAt"));
                double window = Duration.between(Instant.parse(report.text("startedAt")), finished).toNanos() / 1e9;
                int shards = (int) report.get("shards").asLong();
                Instant lastResult = Instant.MIN;
                for (int n = 1; n <= shards; n++) {
                    Instant result = Instant.parse(Json.parse(get(MigrationKeys.ROOT + MigrationKeys.resultLedgerKey(id, n))).text("finishedAt"));
                    lastResult = result.isAfter(lastResult) ? result : lastResult;
                }
                return new Import(shards, report.get("imported").asLong(), report.get("skipped").asLong(),
                        report.get("bytes").asLong(), window, wall, heap == null ? Double.NaN : heap.peakAboveBaselineMb(),
                        Duration.between(lastResult, finished).toNanos() / 1e9,
                        report.find("verifiedBy", "listing").map(Json.Node::asLong).orElse(0L),
                        report.find("verifiedBy", "headObject").map(Json.Node::asLong).orElse(report.get("verified").asLong()), cpu);
            } catch (NoSuchKeyException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no report for migration " + id + " after " + PATIENCE.toMinutes() + " minutes");
                }
                Thread.sleep(50);
            }
        }
    }

    private byte[] get(String key) {
        return cloud.s3().getObjectAsBytes(b -> b.bucket(bucket.name()).key(key)).asByteArray();
    }

    private void put(String key, byte[] bytes) {
        cloud.s3().putObject(b -> b.bucket(bucket.name()).key(key).contentType("application/json"), RequestBody.fromBytes(bytes));
    }

    private static byte[] renamed(Path json, String newId) throws IOException {
        Matcher m = ID_FIELD.matcher(Files.readString(json, StandardCharsets.UTF_8));
        if (!m.find()) {
            throw new IllegalStateException(json + " names no migrationId");
        }
        return m.replaceFirst("$1" + Matcher.quoteReplacement(newId) + "$3").getBytes(StandardCharsets.UTF_8);
    }

    private static String file(int n, String extension) {
        return String.format("shard-%05d.%s", n, extension);
    }
}

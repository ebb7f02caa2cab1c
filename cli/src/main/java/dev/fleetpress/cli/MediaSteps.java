package dev.fleetpress.cli;

import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.LocalCloud;
import dev.fleetpress.localcloud.autoscaling.InstanceView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The demo's media part: an instance's uploads folder (a few hundred generated images, awkward
 * names included) is exported by the media export document into shards, S3 notifications drive
 * MediaFunction, and the verification report says what was imported, rejected or missing.
 */
final class MediaSteps {
    private static final Duration LIMIT = Duration.ofMinutes(3);
    private static final List<String> AWKWARD = List.of("2026/11/team photo + logo.jpg", "2026/11/menü café.png",
            "2025/02/100% organic.jpg", "2024/07/a&b (final) v2.jpeg");

    private final LocalCloud cloud;
    private final Timeline timeline;

    MediaSteps(LocalCloud cloud, Timeline timeline) {
        this.cloud = cloud;
        this.timeline = timeline;
    }

    void run(InstanceView instance) throws IOException, InterruptedException {
        long t = System.nanoTime();
        Path uploads = instance.root().resolve("var/www/fleetpress/current/wp-content/uploads");
        Random random = new Random(7);
        int files = 0;
        for (int i = 0; i < 300; i++) {
            byte[] image = new byte[2048 + random.nextInt(8192)];
            random.nextBytes(image);
            Path file = uploads.resolve(String.format("20%02d/%02d/image-%03d.jpg", 20 + i % 7, 1 + i % 12, i));
            Files.createDirectories(file.getParent());
            Files.write(file, image);
            files++;
        }
        for (String name : AWKWARD) {
            Path file = uploads.resolve(name);
            Files.createDirectories(file.getParent());
            Files.writeString(file, "awkward " + name, StandardCharsets.UTF_8);
            files++;
        }
        String bucket = cloud.template().outputs().get("MediaBucketName");
        String migration = "m-demo-" + Long.toString(System.currentTimeMillis(), 36);
        String commandId = cloud.ssm().sendCommand(b -> b.documentName(cloud.template().context().stackName() + "-media-export")
                .instanceIds(instance.id())
                .parameters(Map.of("MigrationId", List.of(migration), "MediaBucket", List.of(bucket), "ShardMegabytes", List.of("1"))))
                .command().commandId();
        String status = awaitCommand(commandId, instance.id());
        Json.Node exported = read(bucket, "_migration/" + migration + "/migration.json");
        long shards = exported == null ? 0 : exported.get("shards").asLong();
        timeline.step("media export on " + instance.id(), "Success".equals(status) && exported != null
                && exported.get("files").asLong() == files, t, status + ": " + files + " files → " + shards + " shards in s3://" + bucket
                + "/_migration/" + migration + "/");

        t = System.nanoTime();
        long deadline = System.nanoTime() + LIMIT.toNanos();
        Json.Node report = null;
        while (report == null && System.nanoTime() < deadline) {
            Thread.sleep(100);
            report = read(bucket, "_migration/" + migration + "/report.json");
        }
        boolean verified = report != null && report.get("missing").elements().isEmpty()
                && report.get("verified").asLong() == files;
        timeline.step("import driven by S3 events, verified", verified, t, report == null ? "no report"
                : report.text("verified") + " verified, " + report.get("rejected").elements().size() + " rejected, "
                + report.get("missing").elements().size() + " missing; e.g. s3://" + bucket + "/wp-content/uploads/" + AWKWARD.get(0));
    }

    private String awaitCommand(String commandId, String instanceId) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        String status = "Pending";
        while (System.nanoTime() < deadline && List.of("Pending", "InProgress", "Delayed").contains(status)) {
            Thread.sleep(100);
            status = cloud.ssm().getCommandInvocation(b -> b.commandId(commandId).instanceId(instanceId)).statusAsString();
        }
        return status;
    }

    private Json.Node read(String bucket, String key) {
        try {
            return Json.parse(cloud.s3().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
        } catch (NoSuchKeyException e) {
            return null;
        }
    }
}

package dev.fleetpress.cli;

import dev.fleetpress.fleet.FleetGroups;
import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.LocalCloud;
import dev.fleetpress.localcloud.autoscaling.InstanceView;
import dev.fleetpress.localcloud.wordpress.LocalDatabase;
import dev.fleetpress.media.rewrite.Pause;
import dev.fleetpress.media.rewrite.RewriteConfig;
import dev.fleetpress.media.rewrite.RewriteOutcome;
import dev.fleetpress.media.rewrite.RewriteRequest;
import dev.fleetpress.media.rewrite.RewriteState;
import dev.fleetpress.media.rewrite.UrlRewrite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The demo's media part: an instance's uploads folder (a few hundred generated images, awkward
 * names included) is exported by the media export document into shards, S3 notifications drive
 * MediaFunction, and the verification report says what was imported, rejected or missing. Then the old
 * URLs of imported files in production's database are rewritten once (dry run, real run, repeat).
 */
final class MediaSteps {
    private static final Duration LIMIT = Duration.ofMinutes(3);
    /** The site's uploads URL before the migration, and the CDN's that serves the media bucket after it. */
    private static final String OLD_BASE = "https://www.example.com/wp-content/uploads";
    private static final String NEW_BASE = "https://cdn.example.com/wp-content/uploads";
    private static final long POST = 101;
    private static final long META = 201;
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

        rewriteUrls(bucket, migration);
    }

    /**
     * The migrated files' old URLs in production's database (a post and a featured image linking imported
     * files) rewritten by {@code fleetpress media rewrite-urls}' own wiring: a dry run, the real run, a repeat
     * that answers "already done", then the rows link the new base, whose keys are the imported objects.
     */
    private void rewriteUrls(String bucket, String migration) {
        long t = System.nanoTime();
        LocalDatabase database = cloud.database("localdb", "wordpress");
        List<String> linked = List.of(AWKWARD.get(0), "2020/01/image-000.jpg", AWKWARD.get(2));
        database.putRow("wp_posts", "post_content", POST, "<p>Team day</p>\n<img src=\"" + OLD_BASE + "/" + linked.get(0)
                + "\" alt=\"team\">\n<a href=\"" + OLD_BASE + "/" + linked.get(1) + "\">the first image</a>");
        database.putRow("wp_posts", "guid", POST, OLD_BASE + "/" + linked.get(0));
        database.putRow("wp_postmeta", "meta_value", META, OLD_BASE + "/" + linked.get(2));
        MediaCommand.Cloud connected = new MediaCommand.Cloud(cloud.template().context().stackName(), bucket,
                FleetGroups.parse(cloud.environmentOf("RolloutFunction").get("FLEET_GROUPS")), cloud.s3(), cloud.ssm(),
                cloud.autoScaling(), false, List.of());
        UrlRewrite rewrite = MediaRewriteCommand.rewriting(connected, cloud.releaseBucket(), cloud.parameterPrefix(), "",
                RewriteConfig.of(cloud.template().context().stackName() + "-rewrite-urls").withPollInterval(Duration.ofMillis(100)),
                Pause.SLEEP, Clock.systemUTC(), "").rewrite();
        RewriteRequest request = new RewriteRequest("production", migration, OLD_BASE, NEW_BASE);
        RewriteOutcome dry = rewrite.dryRun(request);
        boolean unchanged = database.row("wp_posts", "post_content", POST).orElse("").contains(OLD_BASE);
        timeline.step("rewrite-urls dry run: " + dry.replacements() + " to replace", dry.kind() == RewriteOutcome.Kind.DRY_RUN
                && dry.replacements() == 2 && unchanged, t, dry.kind() + " on " + dry.instanceId() + ": " + columns(dry)
                + "; nothing changed");

        t = System.nanoTime();
        RewriteOutcome real = rewrite.apply(request, false);
        boolean recorded = rewrite.records().rewrite("production", migration).map(r -> r.state() == RewriteState.SUCCEEDED)
                .orElse(false);
        timeline.step("rewrite-urls --apply: " + real.replacements() + " replaced, once", real.kind() == RewriteOutcome.Kind.APPLIED
                && real.replacements() == 2 && recorded, t, real.kind() + ": " + columns(real) + ", recorded in s3://"
                + cloud.releaseBucket() + "/upgrades/production/rewrite-" + migration + ".json");

        t = System.nanoTime();
        RewriteOutcome again = rewrite.apply(request, false);
        long realRuns = database.history().stream().filter(h -> h.command().startsWith("search-replace ")
                && !h.command().endsWith("--dry-run")).count();
        timeline.step("rewrite-urls --apply again: already done", again.kind() == RewriteOutcome.Kind.ALREADY_DONE
                && realRuns == 1, t, again.message().split(" \\(", 2)[0] + "; wp search-replace ran "
                + realRuns + "× for real");

        t = System.nanoTime();
        String post = database.row("wp_posts", "post_content", POST).orElse("");
        String meta = database.row("wp_postmeta", "meta_value", META).orElse("");
        boolean rewritten = !post.contains(OLD_BASE) && !meta.contains(OLD_BASE)
                && post.contains(NEW_BASE + "/" + linked.get(0)) && post.contains(NEW_BASE + "/" + linked.get(1))
                && meta.equals(NEW_BASE + "/" + linked.get(2))
                && database.row("wp_posts", "guid", POST).orElse("").startsWith(OLD_BASE)
                && linked.stream().allMatch(path -> exists(bucket, "wp-content/uploads/" + path));
        timeline.step("post links the new base; its files are in S3", rewritten, t, NEW_BASE + "/" + linked.get(0)
                + " → s3://" + bucket + "/wp-content/uploads/" + linked.get(0) + " (GUIDs kept)");
    }

    private static String columns(RewriteOutcome outcome) {
        return outcome.report().rows().stream().map(r -> r.table() + "." + r.column() + " " + r.replacements())
                .collect(Collectors.joining(", "));
    }

    private boolean exists(String bucket, String key) {
        try {
            cloud.s3().headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
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

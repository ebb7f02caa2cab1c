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
import java.util.stream.Collectors;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * The demo's fleet part: scale production to three instances, show each one bootstrapped with the
 * release before it went InService, then terminate one and show what its drain saved.
 */
final class FleetSteps {
    static final String GROUP = "fleetpress-production";
    private static final Duration LIMIT = Duration.ofMinutes(3);

    private final LocalCloud cloud;
    private final Timeline timeline;

    FleetSteps(LocalCloud cloud, Timeline timeline) {
        this.cloud = cloud;
        this.timeline = timeline;
    }

    void run(String release) throws IOException, InterruptedException {
        long t = System.nanoTime();
        String prefix = cloud.parameterPrefix() + "/config/production/";
        cloud.ssm().putParameter(b -> b.name(prefix + "DB_NAME").value("wordpress").type(ParameterType.STRING).overwrite(true));
        cloud.ssm().putParameter(b -> b.name(prefix + "DB_PASSWORD").value("demo-only-password").type(ParameterType.SECURE_STRING).overwrite(true));
        cloud.autoScaling().scale(GROUP, 3);
        boolean steady = cloud.autoScaling().awaitSteady(GROUP, LIMIT);
        List<InstanceView> instances = cloud.autoScaling().instances(GROUP);
        timeline.step("scale production to 3 instances", steady && instances.size() == 3
                && instances.stream().allMatch(i -> i.state() == LifecycleState.IN_SERVICE), t,
                instances.size() + " InService after lifecycle hook → SSM bootstrap → CONTINUE");

        for (InstanceView instance : instances) {
            t = System.nanoTime();
            String running = readRelease(instance.root());
            String state = recordState(instance.id());
            timeline.step("  " + instance.id() + " runs " + running, release.equals(running) && "BOOTSTRAPPED".equals(state), t,
                    "record " + state + ", current → " + currentLink(instance.root()));
        }

        t = System.nanoTime();
        InstanceView victim = instances.get(0);
        Path web = victim.root().resolve("var/www/fleetpress/current");
        Path upload = web.resolve("wp-content/uploads/2026/11/contact-form-entry.pdf");
        Files.createDirectories(upload.getParent());
        Files.writeString(upload, "written by a visitor on this instance only", StandardCharsets.UTF_8);
        Path cache = web.resolve("wp-content/cache/page-index.html");
        Files.createDirectories(cache.getParent());
        Files.writeString(cache, "<html>cached</html>", StandardCharsets.UTF_8);
        cloud.autoScaling().terminateInstanceInAutoScalingGroup(b -> b.instanceId(victim.id()).shouldDecrementDesiredCapacity(true));
        boolean gone = cloud.autoScaling().awaitSteady(GROUP, LIMIT) && cloud.awaitIdle(LIMIT);
        List<String> saved = drainedFiles(victim.id());
        timeline.step("terminate " + victim.id() + ": drain saved its files", gone && saved.contains("current/wp-content/uploads/2026/11/contact-form-entry.pdf")
                && cloud.autoScaling().instances(GROUP).size() == 2, t, "s3://" + cloud.releaseBucket() + "/drains/" + victim.id() + "/ ← "
                + String.join(", ", saved));

        new MediaSteps(cloud, timeline).run(cloud.autoScaling().instances(GROUP).get(0));
    }

    private static String readRelease(Path root) throws IOException {
        Path record = root.resolve("var/lib/fleetpress/release");
        return Files.isRegularFile(record) ? Files.readString(record).trim() : "(nothing)";
    }

    private static String currentLink(Path root) {
        try {
            return Files.readSymbolicLink(root.resolve("var/www/fleetpress/current")).toString();
        } catch (IOException e) {
            return "(no link)";
        }
    }

    private String recordState(String instanceId) {
        try {
            return Json.parse(cloud.s3().getObjectAsBytes(b -> b.bucket(cloud.releaseBucket())
                    .key("fleet/instances/" + instanceId + ".json")).asByteArray()).text("state");
        } catch (NoSuchKeyException e) {
            return "(no record)";
        }
    }

    private List<String> drainedFiles(String instanceId) {
        List<S3Object> objects = cloud.s3().listObjectsV2(b -> b.bucket(cloud.releaseBucket()).prefix("drains/" + instanceId + "/")).contents();
        return objects.stream().filter(o -> o.key().endsWith(".json")).findFirst()
                .map(listing -> Json.parse(cloud.s3().getObjectAsBytes(b -> b.bucket(cloud.releaseBucket()).key(listing.key())).asByteArray())
                        .get("files").elements().stream().map(f -> f.text("path")).collect(Collectors.toList()))
                .orElse(List.of());
    }
}

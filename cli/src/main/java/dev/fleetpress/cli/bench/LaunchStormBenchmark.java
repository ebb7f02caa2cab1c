package dev.fleetpress.cli.bench;

import dev.fleetpress.cli.FunctionLogs;
import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.GitHubPush;
import dev.fleetpress.localcloud.LocalCloud;
import dev.fleetpress.localcloud.LocalGit;
import dev.fleetpress.localcloud.autoscaling.InstanceView;
import dev.fleetpress.localcloud.autoscaling.Settings;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Many simultaneous launches with SSM throttled: every instance must end InService with its
 * lifecycle action completed (none lost, none timed out, none abandoned), and the makespan is
 * compared with the minimum the throttle allows for the SSM calls each launch needs. Everything is
 * real on localcloud: lifecycle events, FleetFunction, SendCommand (throttled, retried through the
 * SQS delay queue), the bootstrap document run with bash and the aws CLI in each sandbox.
 */
public final class LaunchStormBenchmark {
    private static final String GROUP = "fleetpress-production";
    // SSM calls one launch needs at the least: GetParameter (the environment's release), SendCommand,
    // and the instance's GetParametersByPath (site configuration).
    private static final int SSM_CALLS_PER_LAUNCH = 3;

    private final Path root;
    private final int instances;
    private final double ssmRate;

    public LaunchStormBenchmark(Path root, int instances, double ssmRate) {
        this.root = root;
        this.instances = instances;
        this.ssmRate = ssmRate;
    }

    public int run() throws Exception {
        Path tmp = Files.createTempDirectory("fleetpress-launch-storm-");
        try {
            LocalGit site = LocalGit.copyOf(root.resolve("examples/site"), tmp.resolve("site"));
            try (LocalCloud cloud = LocalCloud.builder().projectRoot(root).dataDir(tmp.resolve("cloud")).siteRepository(site.dir())
                    .timeScale(0.1).autoScaling(Settings.defaults().withMaxSize(Math.max(10, instances))).build()) {
                promote(cloud, site.head());
                cloud.ssm().setThrottle(ssmRate);
                Path log = tmp.resolve("functions.log");
                return FunctionLogs.into(log, console -> () -> storm(cloud, console));
            }
        } finally {
            LocalCloud.deleteRecursively(tmp);
        }
    }

    private int storm(LocalCloud cloud, PrintStream out) throws InterruptedException {
        out.printf("%d simultaneous launches into %s, SSM throttled to %.0f calls/s (localcloud time scale 0.1 for SQS delays and agent registration)%n",
                instances, GROUP, ssmRate);
        long start = System.nanoTime();
        cloud.autoScaling().scale(GROUP, instances);
        boolean steady = cloud.autoScaling().awaitSteady(GROUP, Duration.ofMinutes(30));
        double makespan = (System.nanoTime() - start) / 1e9;
        cloud.awaitIdle(Duration.ofMinutes(5));
        return report(cloud, steady, makespan, out);
    }

    private int report(LocalCloud cloud, boolean steady, double makespan, PrintStream out) {
        List<InstanceView> group = cloud.autoScaling().instances(GROUP);
        long inService = group.stream().filter(i -> i.state() == LifecycleState.IN_SERVICE).count();
        Map<String, Long> records = new TreeMap<>(group.stream().collect(Collectors.groupingBy(i -> recordState(cloud, i.id()), Collectors.counting())));
        var counters = cloud.autoScaling().counters();
        double minimum = instances * SSM_CALLS_PER_LAUNCH / ssmRate;
        out.printf("InService: %d of %d (steady: %s)%n", inService, instances, steady);
        out.printf("instance records: %s%n", records);
        out.printf("Auto Scaling: launched %d, abandoned %d, heartbeat timeouts %d (a lost lifecycle action ends in a timeout)%n",
                counters.launched(), counters.abandoned(), counters.timeouts());
        out.printf("agent/throttle retries through SQS: %d messages; dead letters: %d%n",
                cloud.sqs().counters().sent(), cloud.sqs().deadLetters().size());
        out.printf("makespan %.1f s; throttle-bound minimum %.1f s (%d launches x %d SSM calls / %.0f per s); ratio %.2fx%n",
                makespan, minimum, instances, SSM_CALLS_PER_LAUNCH, ssmRate, makespan / minimum);
        boolean ok = steady && inService == instances && counters.abandoned() == 0 && counters.timeouts() == 0
                && records.getOrDefault("BOOTSTRAPPED", 0L) == instances;
        out.println(ok ? "OK: every launch completed with CONTINUE, none lost" : "FAILED: see the counts above");
        return ok ? 0 : 1;
    }

    private static String recordState(LocalCloud cloud, String instanceId) {
        try {
            return Json.parse(cloud.s3().getObjectAsBytes(b -> b.bucket(cloud.releaseBucket())
                    .key("fleet/instances/" + instanceId + ".json")).asByteArray()).text("state");
        } catch (NoSuchKeyException e) {
            return "(no record)";
        }
    }

    private static void promote(LocalCloud cloud, String commit) {
        GitHubPush.Response response = GitHubPush.push(cloud, "refs/heads/main", GitHubPush.ZERO, commit);
        if (response.status() != 202 || !cloud.awaitIdle(Duration.ofMinutes(3))) {
            throw new IllegalStateException("the release was not built and promoted: " + response.status() + " " + response.body());
        }
    }
}

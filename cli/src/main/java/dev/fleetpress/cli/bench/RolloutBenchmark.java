package dev.fleetpress.cli.bench;

import dev.fleetpress.aws.S3Ledger;
import dev.fleetpress.cli.FunctionLogs;
import dev.fleetpress.localcloud.GitHubPush;
import dev.fleetpress.localcloud.LocalCloud;
import dev.fleetpress.localcloud.LocalGit;
import dev.fleetpress.localcloud.autoscaling.InstanceView;
import dev.fleetpress.localcloud.autoscaling.Settings;
import dev.fleetpress.localcloud.wordpress.LocalDatabase;
import dev.fleetpress.release.ReleaseId;
import dev.fleetpress.upgrade.UpgradeRecords;
import dev.fleetpress.upgrade.UpgradeState;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * A release with a database change reaching a running fleet: from the moment the environment's
 * pointer moves to every instance running it and the database upgrade done, for a small and a larger
 * fleet. FleetPress's rolling activation (the template's RolloutMaxConcurrency, 50%) runs side by side
 * with the same rollout one instance at a time (MaxConcurrency 1, the "server by server" baseline of
 * teams updating behind sticky sessions), and both are compared with the floor: the same rollout on a
 * fleet of one, the critical path if every instance switched at once. Everything is real on localcloud:
 * the Parameter Store Change event, RolloutFunction, the bootstrap document on each instance sandbox
 * (bash and the aws CLI), the upgrade document with the wp stand-in. The two cores of this machine run
 * every instance's scripts, so larger fleets measure the machine too; nothing here is asserted.
 */
public final class RolloutBenchmark {
    private static final String GROUP = "fleetpress-production";
    private static final String ENV = "production";
    private static final Duration LIMIT = Duration.ofMinutes(20);

    private final Path root;
    private final List<Integer> fleetSizes;

    public RolloutBenchmark(Path root, List<Integer> fleetSizes) {
        this.root = root;
        this.fleetSizes = List.copyOf(fleetSizes);
    }

    /** One measured rollout. */
    record Run(int instances, String maxConcurrency, double promotedToActivated, double promotedToUpgraded,
               boolean complete, int upgradeRuns) {
    }

    public int run() throws Exception {
        Path tmp = Files.createTempDirectory("fleetpress-rollout-bench-");
        try {
            return FunctionLogs.into(tmp.resolve("functions.log"), console -> () -> measureAll(tmp, console));
        } finally {
            LocalCloud.deleteRecursively(tmp);
        }
    }

    private int measureAll(Path tmp, PrintStream out) throws Exception {
        out.println("promotion → every instance on the new release → database upgrade done (seconds), localcloud, time scale 0.1");
        Run floor = measure(tmp.resolve("floor"), 1, "1");
        print(out, floor);
        List<Run> runs = new ArrayList<>();
        int index = 0;
        for (int n : fleetSizes) {
            for (String concurrency : List.of("50%", "1")) {
                Run run = measure(tmp.resolve("run-" + index++), n, concurrency);
                runs.add(run);
                print(out, run);
            }
        }
        out.println();
        out.printf("floor (a fleet of one): %.1f s%n", floor.promotedToUpgraded());
        out.println("| instances | FleetPress (50%) | one at a time | one at a time / FleetPress | FleetPress / floor |");
        out.println("|---|---|---|---|---|");
        boolean ok = floor.complete() && floor.upgradeRuns() == 1;
        for (int i = 0; i < runs.size(); i += 2) {
            Run fast = runs.get(i);
            Run slow = runs.get(i + 1);
            out.printf("| %d | %.1f s | %.1f s | %.2f× faster | %.2f× |%n", fast.instances(), fast.promotedToUpgraded(),
                    slow.promotedToUpgraded(), slow.promotedToUpgraded() / fast.promotedToUpgraded(),
                    fast.promotedToUpgraded() / floor.promotedToUpgraded());
            ok &= fast.complete() && slow.complete() && fast.upgradeRuns() == 1 && slow.upgradeRuns() == 1;
        }
        out.println(ok ? "every rollout complete, exactly one upgrade run each" : "SOME ROLLOUT DID NOT COMPLETE: see above");
        return ok ? 0 : 1;
    }

    private static void print(PrintStream out, Run run) {
        out.printf("  %2d instance(s), MaxConcurrency %-3s: all on the release after %6.1f s, upgrade done after %6.1f s; "
                        + "complete %s, upgrade runs %d%n", run.instances(), run.maxConcurrency(), run.promotedToActivated(),
                run.promotedToUpgraded(), run.complete(), run.upgradeRuns());
    }

    private Run measure(Path dir, int instances, String maxConcurrency) throws Exception {
        LocalGit site = LocalGit.copyOf(root.resolve("examples/site"), dir.resolve("site"));
        try (LocalCloud cloud = LocalCloud.builder().projectRoot(root).dataDir(dir.resolve("cloud")).siteRepository(site.dir())
                .parameter("RolloutMaxConcurrency", maxConcurrency).timeScale(0.1)
                .autoScaling(Settings.defaults().withMaxSize(Math.max(10, instances))).build()) {
            String config = cloud.parameterPrefix() + "/config/" + ENV + "/";
            cloud.ssm().putParameter(b -> b.name(config + "DB_HOST").value("localdb").type(ParameterType.STRING));
            cloud.ssm().putParameter(b -> b.name(config + "DB_NAME").value("wp_production").type(ParameterType.STRING));
            LocalDatabase database = cloud.database("localdb", "wp_production");
            database.install(60421);
            String first = site.head();
            push(cloud, GitHubPush.ZERO, first);
            // Launches before the first promotion would be abandoned (no release to install).
            await(() -> ("r-" + first.substring(0, 12)).equals(pointer(cloud)));
            cloud.autoScaling().scale(GROUP, instances);
            if (!cloud.autoScaling().awaitSteady(GROUP, LIMIT) || !cloud.awaitIdle(LIMIT)) {
                throw new IllegalStateException("the fleet of " + instances + " did not settle");
            }
            UpgradeRecords upgrades = new UpgradeRecords(S3Ledger.create(cloud.s3(), cloud.releaseBucket(), UpgradeRecords.PREFIX));
            // The first release's gate waited for an instance; settle it before the clock runs.
            cloud.scheduler().tick("RolloutFunction");
            String firstRelease = "r-" + first.substring(0, 12);
            await(() -> upgrades.gate(ENV, ReleaseId.of(firstRelease)).filter(g -> g.state().isFinal()).isPresent());
            long before = upgradeRuns(database);

            String second = site.commitUpdate(root.resolve("examples/site-updates/2-wordpress-6.9-hello-fleet-1.1"),
                    "WordPress 6.9 and Hello Fleet 1.1");
            String release = "r-" + second.substring(0, 12);
            push(cloud, first, second);
            // The pointer moves when the build is verified; the clock starts there.
            await(() -> release.equals(pointer(cloud)));
            long promoted = System.nanoTime();
            await(() -> cloud.autoScaling().instances(GROUP).stream().allMatch(i -> release.equals(running(i))));
            double activated = (System.nanoTime() - promoted) / 1e9;
            await(() -> upgrades.gate(ENV, ReleaseId.of(release)).filter(g -> g.state().isFinal()).isPresent());
            double upgraded = (System.nanoTime() - promoted) / 1e9;
            cloud.awaitIdle(LIMIT);
            boolean complete = upgrades.gate(ENV, ReleaseId.of(release)).orElseThrow().state() == UpgradeState.SUCCEEDED
                    && cloud.autoScaling().instances(GROUP).size() == instances;
            return new Run(instances, maxConcurrency, activated, upgraded, complete, (int) (upgradeRuns(database) - before));
        }
    }

    private static long upgradeRuns(LocalDatabase database) {
        return database.history().stream().filter(e -> e.command().contains("core update-db") && e.exitCode() == 0).count();
    }

    private static void push(LocalCloud cloud, String before, String after) {
        GitHubPush.Response pushed = GitHubPush.push(cloud, "refs/heads/main", before, after);
        if (pushed.status() != 202) {
            throw new IllegalStateException("push answered " + pushed.status() + ": " + pushed.body());
        }
    }

    private static String pointer(LocalCloud cloud) {
        try {
            return cloud.ssm().getParameter(b -> b.name(cloud.parameterPrefix() + "/env/" + ENV + "/release")).parameter().value();
        } catch (ParameterNotFoundException e) {
            return "";
        }
    }

    private static String running(InstanceView instance) {
        try {
            Path record = instance.root().resolve("var/lib/fleetpress/release");
            return Files.isRegularFile(record) ? Files.readString(record).trim() : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not done within " + LIMIT);
            }
            Thread.sleep(20);
        }
    }
}

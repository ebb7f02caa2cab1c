package dev.fleetpress.cli;

import dev.fleetpress.aws.S3Ledger;
import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.GitHubPush;
import dev.fleetpress.localcloud.LocalCloud;
import dev.fleetpress.localcloud.LocalGit;
import dev.fleetpress.localcloud.autoscaling.InstanceView;
import dev.fleetpress.localcloud.wordpress.LocalDatabase;
import dev.fleetpress.release.PromotionResult;
import dev.fleetpress.release.ReleaseId;
import dev.fleetpress.rollout.RolloutRecord;
import dev.fleetpress.rollout.RolloutRecords;
import dev.fleetpress.rollout.RolloutState;
import dev.fleetpress.upgrade.UpgradeRecord;
import dev.fleetpress.upgrade.UpgradeRecords;
import dev.fleetpress.upgrade.UpgradeState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * The demo's rollout part: production is back at three instances on the first release; a push with a
 * database change (WordPress 6.9, Hello Fleet 1.1) rolls over them and the upgrade gate runs the
 * database upgrade once; repeated events change nothing; a rollback to the first release is refused by
 * the guard; a compatible push and a rollback to the 6.9 release succeed without a second upgrade.
 */
final class RolloutSteps {
    static final String PLUGIN_UPGRADERS = "woocommerce=wc update,hello-fleet=hello-fleet upgrade";
    private static final String GROUP = FleetSteps.GROUP;
    private static final String ENV = "production";
    private static final Duration LIMIT = Duration.ofMinutes(3);

    private final LocalCloud cloud;
    private final LocalGit git;
    private final String repository;
    private final Timeline timeline;
    private final ReleaseOperations operations;
    private final UpgradeRecords upgrades;
    private final RolloutRecords rollouts;

    RolloutSteps(LocalCloud cloud, LocalGit git, String repository, Timeline timeline) {
        this.cloud = cloud;
        this.git = git;
        this.repository = repository;
        this.timeline = timeline;
        this.operations = ReleaseOperations.of(cloud.s3(), cloud.ssm(), cloud.releaseBucket(), cloud.parameterPrefix(),
                Clock.systemUTC());
        this.upgrades = new UpgradeRecords(S3Ledger.create(cloud.s3(), cloud.releaseBucket(), UpgradeRecords.PREFIX));
        this.rollouts = new RolloutRecords(S3Ledger.create(cloud.s3(), cloud.releaseBucket(), RolloutRecords.PREFIX));
    }

    /**
     * Production's database, as it exists before anything is deployed: the one the instances'
     * wp-config.php names (localcloud's stand-in for RDS), installed at WordPress 6.8.3's schema, with
     * the Hello Fleet plugin active. Every release's upgrade gate runs against it.
     */
    static LocalDatabase prepareDatabase(LocalCloud cloud) {
        String config = cloud.parameterPrefix() + "/config/" + ENV + "/";
        cloud.ssm().putParameter(b -> b.name(config + "DB_HOST").value("localdb").type(ParameterType.STRING).overwrite(true));
        cloud.ssm().putParameter(b -> b.name(config + "DB_NAME").value("wordpress").type(ParameterType.STRING).overwrite(true));
        LocalDatabase database = cloud.database("localdb", "wordpress");
        database.install(60421);
        database.activatePlugin("hello-fleet");
        return database;
    }

    /** @param head the commit the site repository's main is at (the last one pushed) */
    void run(String first, String head) {
        long t = System.nanoTime();
        LocalDatabase database = cloud.database("localdb", "wordpress");
        cloud.autoScaling().scale(GROUP, 3);
        boolean three = cloud.autoScaling().awaitSteady(GROUP, LIMIT) && cloud.awaitIdle(LIMIT);
        // The first release's gate waited while no instance ran it (the first push came before the
        // fleet); the rollout schedule runs it once instances do. Ticking it keeps the demo short.
        cloud.scheduler().tick("RolloutFunction");
        boolean firstGate = await(() -> gateIs(first, UpgradeState.SUCCEEDED));
        long baseline = runs(database, "core update-db");
        long pluginBaseline = runs(database, "hello-fleet upgrade");
        timeline.step("production back to 3 instances on " + first + ", its upgrade gate done", three && allRun(first)
                && firstGate && baseline == 1, t, "database localdb/wordpress at db version " + database.dbVersion().orElse(-1)
                + " (wp core update-db ran once, on " + upgrades.gate(ENV, ReleaseId.of(first)).map(UpgradeRecord::instanceId).orElse("?") + ")");

        // 1. A release with a database change rolls over the fleet; the upgrade runs once.
        t = System.nanoTime();
        String second = git.commitUpdate(Workspace.root().resolve("examples/site-updates/2-wordpress-6.9-hello-fleet-1.1"),
                "WordPress 6.9 and Hello Fleet 1.1 (a database change)");
        String r2 = "r-" + second.substring(0, 12);
        push(head, second);
        boolean promoted = await(() -> r2.equals(pointer()));
        long promotedAt = System.nanoTime();
        timeline.step("push WordPress 6.9 + Hello Fleet 1.1 → production → " + r2, promoted, t, "built, verified, pointer moved");

        t = System.nanoTime();
        boolean rolled = await(() -> allRun(r2));
        timeline.step("  rolled over " + instances().size() + " instances (MaxConcurrency 50%)", rolled, t, runningList());

        t = System.nanoTime();
        boolean upgraded = await(() -> gateIs(r2, UpgradeState.SUCCEEDED));
        Duration promotionToDone = Duration.ofNanos(System.nanoTime() - promotedAt);
        Optional<UpgradeRecord> gate = upgrades.gate(ENV, ReleaseId.of(r2));
        long coreRuns = runs(database, "core update-db") - baseline;
        timeline.step("  database upgraded once, on one instance", upgraded && coreRuns == 1 && runs(database, "hello-fleet upgrade") == pluginBaseline + 1
                        && database.dbVersion().orElse(-1) == 60717, t,
                "wp core update-db 60421 → " + database.dbVersion().orElse(-1) + " and wp hello-fleet upgrade on "
                        + gate.map(UpgradeRecord::instanceId).orElse("?") + " (runs: " + coreRuns + ")");
        timeline.note("promotion → 3 instances on " + r2 + " and the upgrade done: " + Timeline.format(promotionToDone));

        t = System.nanoTime();
        String activation = rollouts.current(ENV).map(RolloutRecord::commandId).orElse("");
        for (int i = 0; i < 20; i++) {
            cloud.events().put(statusEvent(activation));
        }
        cloud.awaitIdle(LIMIT);
        timeline.step("  20 duplicate activation events: nothing changes", runs(database, "core update-db") == baseline + 1
                && gateIs(r2, UpgradeState.SUCCEEDED), t, "still one upgrade run");

        // 2. Rolling back below the upgraded database is refused.
        t = System.nanoTime();
        PromotionResult refused = rollback();
        timeline.step("rollback production → " + first + " refused by the guard", refused.kind() == PromotionResult.Kind.REFUSED
                && r2.equals(pointer()), t, shorten(refused.message()));

        // 3. A compatible release, then a rollback to the 6.9 release: allowed, and no second upgrade of it.
        t = System.nanoTime();
        String third = git.commitUpdate(Workspace.root().resolve("examples/site-updates/3-theme-1.0.1"), "Theme 1.0.1");
        String r3 = "r-" + third.substring(0, 12);
        push(second, third);
        boolean thirdDone = await(() -> r3.equals(pointer()) && allRun(r3) && gateIs(r3, UpgradeState.SUCCEEDED));
        timeline.step("push theme 1.0.1 → " + r3 + " rolled out, its upgrade ran once", thirdDone, t,
                "db version stays " + database.dbVersion().orElse(-1) + " (core update-db runs: " + runs(database, "core update-db") + ")");

        t = System.nanoTime();
        long before = runs(database, "core update-db");
        PromotionResult back = rollback();
        boolean backDone = back.kind() == PromotionResult.Kind.PROMOTED && await(() -> allRun(r2)
                && rollouts.current(ENV).filter(r -> r.release().equals(r2) && r.state() == RolloutState.ACTIVATED).isPresent());
        cloud.awaitIdle(LIMIT);
        timeline.step("rollback production → " + r2 + " (compatible): rolled back, no second upgrade", backDone
                && runs(database, "core update-db") == before, t, shorten(back.message()));
    }

    /** {@code fleetpress rollback production}; a refusal of the input itself is a failed step, not a crash. */
    private PromotionResult rollback() {
        try {
            return operations.rollback(ENV, Optional.empty(), false, "demo");
        } catch (IllegalArgumentException e) {
            return new PromotionResult(ENV, ReleaseId.of(pointer()), PromotionResult.Kind.ALREADY_CURRENT, e.getMessage());
        }
    }

    private void push(String before, String after) {
        GitHubPush.Response response = GitHubPush.send(cloud.webhookUrl("github"), cloud.webhookSecret(),
                GitHubPush.payload(repository, "file://" + git.dir(), "refs/heads/main", before, after));
        if (response.status() != 202) {
            throw new IllegalStateException("the webhook answered " + response.status() + ": " + response.body());
        }
    }

    private List<InstanceView> instances() {
        return cloud.autoScaling().instances(GROUP);
    }

    private boolean allRun(String release) {
        List<InstanceView> all = instances();
        return !all.isEmpty() && all.stream().allMatch(i -> release.equals(running(i)));
    }

    private String runningList() {
        return instances().stream().map(i -> i.id() + " " + running(i)).collect(Collectors.joining(", "));
    }

    private boolean gateIs(String release, UpgradeState state) {
        return upgrades.gate(ENV, ReleaseId.of(release)).filter(g -> g.state() == state).isPresent();
    }

    private static long runs(LocalDatabase database, String words) {
        return database.history().stream().filter(e -> e.command().contains(words) && e.exitCode() == 0).count();
    }

    private String pointer() {
        return cloud.ssm().getParameter(b -> b.name(cloud.parameterPrefix() + "/env/" + ENV + "/release")).parameter().value();
    }

    private static String running(InstanceView instance) {
        try {
            Path record = instance.root().resolve("var/lib/fleetpress/release");
            return Files.isRegularFile(record) ? Files.readString(record).trim() : "(nothing)";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The activation command's status event, as SSM would deliver it again. */
    private static String statusEvent(String commandId) {
        return Json.write(Json.object("version", "0", "id", UUID.randomUUID().toString(),
                "detail-type", "EC2 Command Status-change Notification", "source", "aws.ssm", "account", "000000000000",
                "time", "2026-11-27T15:20:41Z", "region", "us-east-1", "resources", List.of(),
                "detail", Json.object("command-id", commandId, "document-name", "fleetpress-local-bootstrap",
                        "requested-date-time", "2026-11-27T15:20:05.120Z", "status", "Success")));
    }

    private static String shorten(String text) {
        return text.length() > 160 ? text.substring(0, 159) + "…" : text;
    }

    private static boolean await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}

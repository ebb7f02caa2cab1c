package dev.fleetpress.localcloud.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.Settings;
import dev.fleetpress.aws.S3Ledger;
import dev.fleetpress.fleet.FleetRecords;
import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.GitHubPush;
import dev.fleetpress.localcloud.LocalCloud;
import dev.fleetpress.localcloud.LocalGit;
import dev.fleetpress.localcloud.autoscaling.InstanceView;
import dev.fleetpress.localcloud.sns.Published;
import dev.fleetpress.localcloud.wordpress.LocalDatabase;
import dev.fleetpress.release.PromotionResult;
import dev.fleetpress.release.ReleaseId;
import dev.fleetpress.release.ReleasePipeline;
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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * Releases on a running fleet, end to end on localcloud: three instances run a release; pushes of a
 * release with a database change and of a compatible one roll over them through the template's
 * bootstrap document (activated by the pointer's Parameter Store Change event), and the upgrade
 * document runs {@code wp core update-db} (localcloud's wp stand-in, against a folder database) once
 * per release; the rollback guard refuses old code on the upgraded database; a failed upgrade blocks
 * the environment until acknowledged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RolloutFlowTest {
    private static final Path ROOT = Flows.ROOT;
    private static final Duration LIMIT = Duration.ofMinutes(3);
    private static final String GROUP = "fleetpress-production";
    private static final String ENV = "production";

    private Path tmp;
    private LocalCloud cloud;
    private LocalGit site;
    private LocalDatabase database;
    private UpgradeRecords upgrades;
    private RolloutRecords rollouts;
    private FleetRecords fleet;
    private ReleasePipeline operator;
    private String r1;
    private String r2;
    private String r3;

    @BeforeAll
    void threeInstancesRunTheFirstRelease() {
        tmp = createTempDirectory();
        site = LocalGit.copyOf(ROOT.resolve("examples/site"), tmp.resolve("site"));
        cloud = LocalCloud.builder().projectRoot(ROOT).dataDir(tmp.resolve("cloud")).siteRepository(site.dir())
                .parameter("PluginUpgraders", "woocommerce=wc update,hello-fleet=hello-fleet upgrade")
                .timeScale(0.1).build();
        String config = cloud.parameterPrefix() + "/config/" + ENV + "/";
        cloud.ssm().putParameter(b -> b.name(config + "DB_HOST").value("localdb").type(ParameterType.STRING));
        cloud.ssm().putParameter(b -> b.name(config + "DB_NAME").value("wp_production").type(ParameterType.STRING));
        database = cloud.database("localdb", "wp_production");
        database.install(60421);
        database.activatePlugin("hello-fleet");
        upgrades = new UpgradeRecords(S3Ledger.create(cloud.s3(), cloud.releaseBucket(), UpgradeRecords.PREFIX));
        rollouts = new RolloutRecords(S3Ledger.create(cloud.s3(), cloud.releaseBucket(), RolloutRecords.PREFIX));
        fleet = new FleetRecords(S3Ledger.create(cloud.s3(), cloud.releaseBucket(), "fleet/"));
        operator = ReleasePipeline.create(cloud.dependencies(), Settings.of(cloud.environmentOf("ReleaseFunction")));

        r1 = Flows.promote(cloud, site);
        cloud.autoScaling().scale(GROUP, 3);
        assertThat(cloud.autoScaling().awaitSteady(GROUP, LIMIT)).isTrue();
        assertThat(cloud.awaitIdle(LIMIT)).isTrue();
        // r1 was promoted before any instance ran it, so its gate waited; the schedule's reconciliation
        // runs its upgrade once the instances do (a no-op for the database: it is already at 60421).
        cloud.scheduler().tick("RolloutFunction");
        awaitGate(r1, UpgradeState.SUCCEEDED);
        assertThat(upgradeRuns("core update-db")).hasSize(1);
    }

    @AfterAll
    void stop() {
        if (cloud != null) {
            cloud.close();
        }
        LocalCloud.deleteRecursively(tmp);
    }

    @Test
    @Order(1)
    void pushWithADatabaseChange_rollsOverEveryInstanceThenUpgradesOnce() {
        r2 = push("2-wordpress-6.9-hello-fleet-1.1");

        UpgradeRecord gate = awaitGate(r2, UpgradeState.SUCCEEDED);

        List<InstanceView> instances = cloud.autoScaling().instances(GROUP);
        assertThat(instances).hasSize(3).allSatisfy(i -> {
            assertThat(runningRelease(i)).isEqualTo(r2);
            assertThat(fleet.instance(i.id()).orElseThrow().release()).isEqualTo(r2);
        });
        RolloutRecord rollout = rollouts.current(ENV).orElseThrow();
        assertThat(rollout.release()).isEqualTo(r2);
        assertThat(rollout.state()).isEqualTo(RolloutState.ACTIVATED);
        assertThat(rollout.instances()).hasSize(3).containsOnlyKeys(instances.stream().map(InstanceView::id).toList());
        assertThat(gate.attempt()).isEqualTo(1);
        assertThat(database.dbVersion()).hasValue(60717);
        assertThat(upgradeRuns("core update-db")).hasSize(2).last()
                .satisfies(e -> assertThat(e.instanceId()).isEqualTo(gate.instanceId()));
        // The plugin's upgrader ran with each gate: r1's (schema already current for 1.0) and r2's.
        assertThat(upgradeRuns("hello-fleet upgrade")).hasSize(2);
        assertThat(upgrades.database(ENV).dbVersion()).isEqualTo(60717);
    }

    @Test
    @Order(2)
    void fiftyDuplicateActivationEvents_changeNothing() throws Exception {
        String event = commandStatusEvent(rollouts.current(ENV).orElseThrow().commandId(), "fleetpress-local-bootstrap");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < 50; i++) {
                pool.submit(() -> cloud.events().put(event));
            }
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        }
        assertThat(cloud.awaitIdle(LIMIT)).isTrue();

        assertThat(upgradeRuns("core update-db")).hasSize(2);
        assertThat(upgrades.gate(ENV, ReleaseId.of(r2)).orElseThrow().state()).isEqualTo(UpgradeState.SUCCEEDED);
    }

    @Test
    @Order(3)
    void rollbackBelowTheUpgradedDatabase_isRefusedUnlessForced() {
        PromotionResult refused = operator.promote(ENV, ReleaseId.of(r1), "test");

        assertThat(refused.kind()).isEqualTo(PromotionResult.Kind.REFUSED);
        assertThat(refused.message()).contains("db version 60421").contains("60717").contains("--force");
        assertThat(currentPointer()).isEqualTo(r2);
    }

    @Test
    @Order(4)
    void compatiblePush_thenRollbackToIt_runsNoSecondUpgradeForTheSameRelease() {
        r3 = push("3-theme-1.0.1");
        awaitGate(r3, UpgradeState.SUCCEEDED);
        assertThat(upgradeRuns("core update-db")).hasSize(3);

        PromotionResult back = operator.promote(ENV, ReleaseId.of(r2), "test");
        assertThat(back.kind()).isEqualTo(PromotionResult.Kind.PROMOTED);
        await(() -> rollouts.current(ENV).filter(r -> r.release().equals(r2) && r.state() == RolloutState.ACTIVATED).isPresent());
        assertThat(cloud.awaitIdle(LIMIT)).isTrue();

        assertThat(cloud.autoScaling().instances(GROUP)).allSatisfy(i -> assertThat(runningRelease(i)).isEqualTo(r2));
        assertThat(upgradeRuns("core update-db")).hasSize(3);
        assertThat(database.dbVersion()).hasValue(60717);
    }

    @Test
    @Order(5)
    void failedUpgrade_blocksPromotionsAndAlertsUntilAcknowledged() {
        database.failNextUpgrade("Table 'wp_production.wp_options' is marked as crashed");
        site.run("commit", "--allow-empty", "-m", "an empty commit is a new release too");
        String r4 = pushHead();

        UpgradeRecord failed = awaitGate(r4, UpgradeState.FAILED);
        assertThat(cloud.awaitIdle(LIMIT)).isTrue();

        assertThat(failed.reason()).contains("Failed");
        List<Published> alerts = cloud.sns().published("AlertTopic");
        assertThat(alerts).filteredOn(a -> a.subject().contains("database upgrade failed")).hasSize(1);
        PromotionResult blocked = operator.promote(ENV, ReleaseId.of(r3), "test", true);
        assertThat(blocked.kind()).isEqualTo(PromotionResult.Kind.REFUSED);
        assertThat(blocked.message()).contains("blocked").contains("fleetpress upgrade ack " + ENV);

        upgrades.acknowledge(ENV, "test");

        assertThat(operator.promote(ENV, ReleaseId.of(r3), "test").kind()).isEqualTo(PromotionResult.Kind.PROMOTED);
    }

    /** Lays an update from examples/site-updates over the site, commits and pushes it; its release id. */
    private String push(String update) {
        site.commitUpdate(ROOT.resolve("examples/site-updates").resolve(update), "apply " + update);
        return pushHead();
    }

    private String pushHead() {
        String before = site.run("rev-parse", "HEAD~1");
        String commit = site.head();
        GitHubPush.Response pushed = GitHubPush.push(cloud, "refs/heads/main", before, commit);
        assertThat(pushed.status()).as(pushed.body()).isEqualTo(202);
        assertThat(cloud.awaitIdle(LIMIT)).isTrue();
        return "r-" + commit.substring(0, 12);
    }

    private UpgradeRecord awaitGate(String release, UpgradeState state) {
        await(() -> upgrades.gate(ENV, ReleaseId.of(release)).filter(g -> g.state() == state).isPresent());
        return upgrades.gate(ENV, ReleaseId.of(release)).orElseThrow();
    }

    /** Run Command executions are not part of awaitIdle: poll for the outcome they lead to. */
    private static void await(Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.get()) {
            assertThat(System.nanoTime()).as("condition not met within " + LIMIT).isLessThan(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private List<LocalDatabase.HistoryEntry> upgradeRuns(String words) {
        return database.history().stream().filter(e -> e.command().contains(words) && e.exitCode() == 0).toList();
    }

    private String currentPointer() {
        return cloud.ssm().getParameter(b -> b.name(cloud.parameterPrefix() + "/env/" + ENV + "/release")).parameter().value();
    }

    private static String runningRelease(InstanceView instance) {
        try {
            return Files.readString(instance.root().resolve("var/lib/fleetpress/release")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String commandStatusEvent(String commandId, String document) {
        return Json.write(Json.object("version", "0", "id", java.util.UUID.randomUUID().toString(),
                "detail-type", "EC2 Command Status-change Notification", "source", "aws.ssm",
                "account", "000000000000", "time", "2026-11-27T15:20:41Z", "region", "us-east-1",
                "resources", List.of(), "detail", Json.object("command-id", commandId, "document-name", document,
                        "requested-date-time", "2026-11-27T15:20:05.120Z", "status", "Success")));
    }

    private static Path createTempDirectory() {
        try {
            return Files.createTempDirectory("rollout-flow-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

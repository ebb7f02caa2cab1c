package dev.fleetpress.localcloud.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.LocalCloud;
import dev.fleetpress.localcloud.LocalGit;
import dev.fleetpress.localcloud.autoscaling.InstanceView;
import dev.fleetpress.localcloud.events.FaultPlan;
import dev.fleetpress.localcloud.events.SourceFaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;

/**
 * The fleet when things go wrong or get clever: lost lifecycle and command events healed by the
 * scheduled reconciliation, and a warm pool whose instances are prepared in the pool and brought up
 * to date when they leave it.
 */
class FleetFaultsTest {
    private static final Path ROOT = Flows.ROOT;
    private static final String GROUP = "fleetpress-production";

    @TempDir
    Path tmp;

    private LocalCloud cloud;

    @AfterEach
    void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void scaleOut_whenLifecycleAndCommandEventsAreLost_reconciliationCompletesEveryLaunch() throws Exception {
        LocalGit site = LocalGit.copyOf(ROOT.resolve("examples/site"), tmp.resolve("site"));
        FaultPlan faults = FaultPlan.seeded(7)
                .with("aws.autoscaling", SourceFaults.drop(0.5))
                .with("aws.ssm", SourceFaults.drop(0.5));
        cloud = LocalCloud.builder().projectRoot(ROOT).dataDir(tmp.resolve("cloud")).siteRepository(site.dir())
                .timeScale(0.1).faults(faults).schedules(false).build();
        String release = promote(site);

        cloud.autoScaling().scale(GROUP, 4);
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!cloud.autoScaling().awaitSteady(GROUP, Duration.ofSeconds(2)) && System.nanoTime() < deadline) {
            cloud.scheduler().tick("FleetFunction");
        }
        cloud.awaitIdle(Duration.ofMinutes(1));

        List<InstanceView> instances = cloud.autoScaling().instances(GROUP);
        assertThat(cloud.events().counters().dropped()).isPositive();
        assertThat(instances).hasSize(4).allSatisfy(i -> assertThat(i.state()).isEqualTo(LifecycleState.IN_SERVICE));
        assertThat(instances).allSatisfy(i -> assertThat(record(i.id())).isEqualTo("BOOTSTRAPPED " + release));
        assertThat(cloud.autoScaling().counters().timeouts()).isZero();
    }

    @Test
    void scaleOut_fromAWarmPool_installsTheReleaseCurrentWhenTheInstanceLeavesThePool() throws Exception {
        LocalGit site = LocalGit.copyOf(ROOT.resolve("examples/site"), tmp.resolve("site"));
        cloud = LocalCloud.builder().projectRoot(ROOT).dataDir(tmp.resolve("cloud")).siteRepository(site.dir())
                .timeScale(0.1).parameter("ProductionWarmPoolSize", "1").build();
        String first = promote(site);
        assertThat(cloud.autoScaling().awaitSteady(GROUP, Duration.ofMinutes(2))).isTrue();
        InstanceView warmed = cloud.autoScaling().instances(GROUP).get(0);
        assertThat(warmed.state()).isEqualTo(LifecycleState.WARMED_STOPPED);

        Files.writeString(site.dir().resolve("wp-content/themes/fleet-theme/footer.php"), "<?php // a new footer\n");
        site.run("add", "-A");
        site.run("commit", "--quiet", "-m", "New footer");
        String second = promote(site);
        assertThat(second).isNotEqualTo(first);

        cloud.autoScaling().scale(GROUP, 1);
        assertThat(cloud.autoScaling().awaitSteady(GROUP, Duration.ofMinutes(2))).isTrue();
        cloud.awaitIdle(Duration.ofMinutes(1));

        InstanceView served = cloud.autoScaling().instances(GROUP).stream()
                .filter(i -> i.state() == LifecycleState.IN_SERVICE).findFirst().orElseThrow();
        assertThat(served.id()).isEqualTo(warmed.id());
        assertThat(Files.readString(served.root().resolve("var/lib/fleetpress/release")).trim()).isEqualTo(second);
    }

    private String record(String instanceId) {
        Json.Node record = Json.parse(cloud.s3().getObjectAsBytes(b -> b.bucket(cloud.releaseBucket())
                .key("fleet/instances/" + instanceId + ".json")).asByteArray());
        return record.text("state") + " " + record.text("release");
    }

    private String promote(LocalGit site) {
        String release = Flows.promote(cloud, site);
        assertThat(cloud.ssm().getParameter(b -> b.name(cloud.parameterPrefix() + "/env/production/release")).parameter().value())
                .isEqualTo(release);
        return release;
    }
}

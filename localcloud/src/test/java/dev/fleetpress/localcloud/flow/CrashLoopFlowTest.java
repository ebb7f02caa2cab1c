package dev.fleetpress.localcloud.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.localcloud.LocalCloud;
import dev.fleetpress.localcloud.LocalGit;
import dev.fleetpress.localcloud.autoscaling.InstanceView;
import dev.fleetpress.localcloud.sns.Published;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;

/**
 * The crash-loop breaker, for real: a release that cannot bootstrap (it ships its own wp-config.php,
 * which the bootstrap refuses) fails on instance after instance; after three failures in a row the
 * environment goes back to its last good release, one alert goes out, and the group recovers.
 */
class CrashLoopFlowTest {
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
    void scaleOut_whenTheReleaseKeepsFailingToBootstrap_rollsBackToTheLastGoodReleaseAndAlertsOnce() throws Exception {
        LocalGit site = LocalGit.copyOf(ROOT.resolve("examples/site"), tmp.resolve("site"));
        cloud = LocalCloud.builder().projectRoot(ROOT).dataDir(tmp.resolve("cloud")).siteRepository(site.dir())
                .timeScale(0.1).build();
        String good = promote(site);
        cloud.autoScaling().scale(GROUP, 1);
        assertThat(cloud.autoScaling().awaitSteady(GROUP, Duration.ofMinutes(2))).isTrue();

        Files.writeString(site.dir().resolve("wp-config.php"), "<?php // a config that must not ship in a release\n");
        site.run("add", "-A");
        site.run("commit", "--quiet", "-m", "Ship a wp-config.php by mistake");
        String bad = promote(site);

        cloud.autoScaling().scale(GROUP, 2);
        assertThat(cloud.autoScaling().awaitSteady(GROUP, Duration.ofMinutes(4))).isTrue();
        cloud.awaitIdle(Duration.ofMinutes(1));

        assertThat(cloud.ssm().getParameter(b -> b.name(cloud.parameterPrefix() + "/env/production/release")).parameter().value())
                .isEqualTo(good);
        List<Published> alerts = cloud.sns().published("AlertTopic");
        assertThat(alerts).filteredOn(a -> a.subject().contains("rolled back")).singleElement()
                .satisfies(a -> assertThat(a.subject()).contains(bad, good));
        assertThat(cloud.autoScaling().counters().abandoned()).isGreaterThanOrEqualTo(3);
        List<InstanceView> serving = cloud.autoScaling().instances(GROUP);
        assertThat(serving).hasSize(2).allSatisfy(i -> {
            assertThat(i.state()).isEqualTo(LifecycleState.IN_SERVICE);
            assertThat(Files.readString(i.root().resolve("var/lib/fleetpress/release")).trim()).isEqualTo(good);
        });
    }

    private String promote(LocalGit site) {
        return Flows.promote(cloud, site);
    }
}

package dev.fleetpress.localcloud.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.GitHubPush;
import dev.fleetpress.localcloud.LocalCloud;
import dev.fleetpress.localcloud.LocalGit;
import dev.fleetpress.localcloud.autoscaling.InstanceView;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * The fleet on localcloud, end to end and for real: a release is promoted, the production group
 * scales to three instances, each is bootstrapped by the template's bootstrap document (run with
 * bash in its sandbox, downloading through the aws CLI from local S3) before it goes InService,
 * and a terminating instance drains what was written on it to S3.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetFlowTest {
    private static final Path ROOT = Flows.ROOT;
    private static final Duration LIMIT = Duration.ofMinutes(3);
    private static final String GROUP = "fleetpress-production";

    private Path tmp;
    private LocalCloud cloud;
    private String release;
    private List<InstanceView> launched;

    @BeforeAll
    void promoteAndScaleOut() throws Exception {
        tmp = Files.createTempDirectory("fleet-flow-");
        LocalGit site = LocalGit.copyOf(ROOT.resolve("examples/site"), tmp.resolve("site"));
        cloud = LocalCloud.builder().projectRoot(ROOT).dataDir(tmp.resolve("cloud")).siteRepository(site.dir()).timeScale(0.1).build();
        String prefix = cloud.parameterPrefix() + "/config/production/";
        cloud.ssm().putParameter(b -> b.name(prefix + "DB_NAME").value("wordpress").type(ParameterType.STRING));
        cloud.ssm().putParameter(b -> b.name(prefix + "DB_PASSWORD").value("s3cr'et\\pw").type(ParameterType.SECURE_STRING));

        String commit = site.head();
        release = "r-" + commit.substring(0, 12);
        GitHubPush.Response pushed = GitHubPush.push(cloud, "refs/heads/main", GitHubPush.ZERO, commit);
        assertThat(pushed.status()).as(pushed.body()).isEqualTo(202);
        assertThat(cloud.awaitIdle(LIMIT)).isTrue();

        cloud.autoScaling().scale(GROUP, 3);
        assertThat(cloud.autoScaling().awaitSteady(GROUP, LIMIT)).isTrue();
        launched = cloud.autoScaling().instances(GROUP);
    }

    @AfterAll
    void stop() {
        if (cloud != null) {
            cloud.close();
        }
        LocalCloud.deleteRecursively(tmp);
    }

    @Test
    void scaleOut_whenAReleaseIsCurrent_putsThreeInstancesInService() {
        assertThat(launched).hasSize(3).allSatisfy(i -> assertThat(i.state()).isEqualTo(LifecycleState.IN_SERVICE));
    }

    @Test
    void scaleOut_whenAReleaseIsCurrent_runsTheReleaseOnEveryInstance() throws Exception {
        for (InstanceView instance : launched) {
            Path web = instance.root().resolve("var/www/fleetpress");
            assertThat(Files.readSymbolicLink(web.resolve("current")).toString()).isEqualTo("releases/" + release);
            assertThat(Files.readString(instance.root().resolve("var/lib/fleetpress/release")).trim()).isEqualTo(release);
            assertThat(web.resolve("current/vendor/autoload.php")).exists();
        }
    }

    @Test
    void scaleOut_whenAReleaseIsCurrent_recordsEachInstanceAsBootstrapped() {
        for (InstanceView instance : launched) {
            Json.Node record = Json.parse(cloud.s3().getObjectAsBytes(b -> b.bucket(cloud.releaseBucket())
                    .key("fleet/instances/" + instance.id() + ".json")).asByteArray());
            assertThat(record.text("state")).isEqualTo("BOOTSTRAPPED");
            assertThat(record.text("release")).isEqualTo(release);
        }
    }

    @Test
    void scaleOut_whenConfigurationIsInSsm_writesItIntoWpConfig() throws Exception {
        String config = Files.readString(launched.get(0).root().resolve("var/www/fleetpress/shared/wp-config.php"));
        assertThat(config).contains("define('DB_NAME', 'wordpress');", "define('DB_PASSWORD', 's3cr\\'et\\\\pw');");
    }

    @Test
    @Order(Integer.MAX_VALUE) // changes the fleet the other tests look at, so it runs last
    void terminate_whenFilesWereWrittenOnTheInstance_savesThemToS3BeforeItGoes() throws Exception {
        InstanceView victim = launched.get(0);
        Path upload = victim.root().resolve("var/www/fleetpress/current/wp-content/uploads/2026/11/form-entry.txt");
        Files.createDirectories(upload.getParent());
        Files.writeString(upload, "a contact form upload", StandardCharsets.UTF_8);

        cloud.autoScaling().terminateInstanceInAutoScalingGroup(b -> b.instanceId(victim.id()).shouldDecrementDesiredCapacity(true));
        assertThat(cloud.autoScaling().awaitSteady(GROUP, LIMIT)).isTrue();
        assertThat(cloud.awaitIdle(LIMIT)).isTrue();

        List<S3Object> drained = cloud.s3().listObjectsV2(b -> b.bucket(cloud.releaseBucket()).prefix("drains/" + victim.id() + "/")).contents();
        S3Object listing = drained.stream().filter(o -> o.key().endsWith(".json")).findFirst().orElseThrow();
        Json.Node json = Json.parse(cloud.s3().getObjectAsBytes(b -> b.bucket(cloud.releaseBucket()).key(listing.key())).asByteArray());
        assertThat(json.get("files").elements()).extracting(f -> f.text("path"))
                .contains("current/wp-content/uploads/2026/11/form-entry.txt");
        assertThat(cloud.autoScaling().instances(GROUP)).hasSize(2);
    }
}

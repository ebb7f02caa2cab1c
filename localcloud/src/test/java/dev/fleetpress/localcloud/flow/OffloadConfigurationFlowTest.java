package dev.fleetpress.localcloud.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.aws.SsmSiteConfiguration;
import dev.fleetpress.localcloud.LocalCloud;
import dev.fleetpress.localcloud.LocalGit;
import dev.fleetpress.localcloud.autoscaling.InstanceView;
import dev.fleetpress.media.offload.OffloadPlugin;
import dev.fleetpress.media.offload.OffloadSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * The offload plugin's configuration reaches WordPress the way every site setting does: written as SSM
 * parameters under {@code <prefix>/config/<env>/} (what {@code fleetpress media configure} writes), turned into
 * {@code define()} lines of wp-config.php by the real bootstrap document of the next instance that launches.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OffloadConfigurationFlowTest {
    private static final Duration LIMIT = Duration.ofMinutes(3);
    private static final String GROUP = "fleetpress-production";
    private static final String CDN = "https://cdn.example.com";

    private Path tmp;
    private LocalCloud cloud;
    private SsmSiteConfiguration configuration;
    private String bucket;

    @BeforeAll
    void promote() throws Exception {
        tmp = Files.createTempDirectory("offload-configuration-");
        LocalGit site = LocalGit.copyOf(Flows.ROOT.resolve("examples/site"), tmp.resolve("site"));
        cloud = LocalCloud.builder().projectRoot(Flows.ROOT).dataDir(tmp.resolve("cloud")).siteRepository(site.dir())
                .timeScale(0.1).build();
        cloud.ssm().putParameter(b -> b.name(cloud.parameterPrefix() + "/config/production/DB_NAME").value("wordpress")
                .type(ParameterType.STRING));
        Flows.promote(cloud, site);
        configuration = SsmSiteConfiguration.create(cloud.ssm(), cloud.parameterPrefix());
        bucket = cloud.template().outputs().get("MediaBucketName");
    }

    @AfterAll
    void stop() {
        if (cloud != null) {
            cloud.close();
        }
        LocalCloud.deleteRecursively(tmp);
    }

    /** Launches one more production instance (its bootstrap writes wp-config.php) and returns its wp-config.php. */
    private String launchAndReadConfig() throws Exception {
        List<String> before = cloud.autoScaling().instances(GROUP).stream().map(InstanceView::id).toList();
        cloud.autoScaling().scale(GROUP, before.size() + 1);
        assertThat(cloud.autoScaling().awaitSteady(GROUP, LIMIT)).isTrue();
        InstanceView launched = cloud.autoScaling().instances(GROUP).stream().filter(i -> !before.contains(i.id()))
                .findFirst().orElseThrow();
        return Files.readString(launched.root().resolve("var/www/fleetpress/shared/wp-config.php"), StandardCharsets.UTF_8);
    }

    @Test
    @Order(1)
    void bootstrap_afterS3UploadsIsConfigured_definesItsConstantsInWpConfig() throws Exception {
        new OffloadSettings(OffloadPlugin.S3_UPLOADS, bucket, "us-east-1", CDN).applyTo(configuration, "production");

        String config = launchAndReadConfig();

        assertThat(config).contains("define('DB_NAME', 'wordpress');",
                "define('S3_UPLOADS_BUCKET', '" + bucket + "/wp-content');",
                "define('S3_UPLOADS_REGION', 'us-east-1');",
                "define('S3_UPLOADS_USE_INSTANCE_PROFILE', 'true');",
                "define('S3_UPLOADS_OBJECT_ACL', 'private');",
                "define('S3_UPLOADS_BUCKET_URL', 'https://cdn.example.com/wp-content');");
    }

    @Test
    @Order(2)
    void bootstrap_afterSwitchingToWpOffloadMedia_definesTheSettingsPhpUnserializesAndDropsS3Uploads() throws Exception {
        new OffloadSettings(OffloadPlugin.WP_OFFLOAD_MEDIA, bucket, "us-east-1", CDN).applyTo(configuration, "production");

        String config = launchAndReadConfig();

        assertThat(config).contains("define('AS3CF_SETTINGS', 'a:14:{s:8:\"provider\";s:3:\"aws\";")
                .doesNotContain("S3_UPLOADS_");
        assertThat(phpSettings(config)).isEqualTo("{\"provider\":\"aws\",\"use-server-roles\":true,\"bucket\":\"" + bucket
                + "\",\"region\":\"us-east-1\",\"copy-to-s3\":true,\"serve-from-s3\":true,\"enable-object-prefix\":true,"
                + "\"object-prefix\":\"wp-content\\/uploads\\/\",\"use-yearmonth-folders\":true,\"object-versioning\":false,"
                + "\"force-https\":true,\"delivery-provider\":\"aws\",\"enable-delivery-domain\":true,"
                + "\"delivery-domain\":\"cdn.example.com\"}");
    }

    /** What PHP makes of AS3CF_SETTINGS in the generated wp-config.php (WordPress itself left out), as JSON. */
    private String phpSettings(String config) throws Exception {
        Path file = tmp.resolve("wp-config-copy.php");
        Files.writeString(file, config.replaceAll("(?m)^require_once .*$", ""), StandardCharsets.UTF_8);
        Process p = new ProcessBuilder("php", "-r", "define('ABSPATH', '/nowhere/'); require $argv[1]; "
                + "echo json_encode(unserialize(AS3CF_SETTINGS));", "--", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    @Order(3)
    void configure_isIdempotent_andLeavesOtherSettingsAlone() {
        OffloadSettings settings = new OffloadSettings(OffloadPlugin.WP_OFFLOAD_MEDIA, bucket, "us-east-1", CDN);

        OffloadSettings.Applied again = settings.applyTo(configuration, "production");

        assertThat(again.removed()).isEmpty();
        List<String> names = cloud.ssm().getParametersByPath(b -> b.path(cloud.parameterPrefix() + "/config/production/"))
                .parameters().stream().map(p -> p.name().substring(p.name().lastIndexOf('/') + 1)).sorted().toList();
        assertThat(names).containsExactly("AS3CF_SETTINGS", "DB_NAME");
    }
}

package dev.fleetpress.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.aws.SsmEnvironmentPointers;
import dev.fleetpress.cli.MediaCommand.Cloud;
import dev.fleetpress.cli.MediaCommand.MediaException;
import dev.fleetpress.fleet.FleetGroups;
import dev.fleetpress.localcloud.ssm.LocalSsm;
import dev.fleetpress.media.offload.OffloadPlugin;
import dev.fleetpress.release.ReleaseId;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.ssm.model.ParameterType;

class MediaConfigureCommandTest {
    private static final String PREFIX = "/fleetpress/fp-test";
    private static final String BUCKET = "fp-test-media-123456789012";

    @TempDir
    Path dir;

    private LocalSsm ssm;
    private Cloud cloud;

    @BeforeEach
    void setUp() {
        ssm = LocalSsm.open(dir.resolve("ssm"));
        cloud = new Cloud("fp-test", BUCKET, FleetGroups.parse("production=fp-production,staging=fp-staging"), null, ssm,
                MediaCommand.unavailable(software.amazon.awssdk.services.autoscaling.AutoScalingClient.class, "not here"),
                false, List.of());
        ssm.putParameter(b -> b.name(PREFIX + "/config/production/DB_NAME").value("wordpress").type(ParameterType.STRING));
        SsmEnvironmentPointers.create(ssm, PREFIX).set("production", ReleaseId.of("r-0123456789ab"));
    }

    @AfterEach
    void tearDown() {
        ssm.close();
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result run(Path home, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
        ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
        String previous = System.getProperty("fleetpress.home");
        int exit;
        try {
            System.setProperty("fleetpress.home", home.toString());
            System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
            exit = Main.run(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
            if (previous == null) {
                System.clearProperty("fleetpress.home");
            } else {
                System.setProperty("fleetpress.home", previous);
            }
        }
        return new Result(exit, capturedOut.toString(StandardCharsets.UTF_8), capturedErr.toString(StandardCharsets.UTF_8));
    }

    private MediaConfigureCommand command(String environment, String plugin, String cdn) {
        MediaConfigureCommand c = new MediaConfigureCommand();
        c.environment = environment;
        c.plugin = plugin;
        c.cdn = cdn;
        c.region = "eu-west-1";
        return c;
    }

    private String configure(String environment, String plugin, String cdn) {
        MediaConfigureCommand c = command(environment, plugin, cdn);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(c.configure(cloud, c.validate(), new PrintStream(out, true, StandardCharsets.UTF_8))).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    private Map<String, String> parameters(String environment) {
        Map<String, String> out = new TreeMap<>();
        ssm.getParametersByPath(b -> b.path(PREFIX + "/config/" + environment + "/")).parameters()
                .forEach(p -> out.put(p.name().substring(p.name().lastIndexOf('/') + 1), p.value()));
        return out;
    }

    @Test
    void configure_s3Uploads_writesItsConstantsAndSaysWhatAndHowToApplyThem() {
        String out = configure("production", "s3-uploads", "https://cdn.example.com");

        assertThat(parameters("production")).isEqualTo(Map.of("DB_NAME", "wordpress",
                "S3_UPLOADS_BUCKET", BUCKET + "/wp-content", "S3_UPLOADS_REGION", "eu-west-1",
                "S3_UPLOADS_USE_INSTANCE_PROFILE", "true", "S3_UPLOADS_OBJECT_ACL", "private",
                "S3_UPLOADS_BUCKET_URL", "https://cdn.example.com/wp-content"));
        assertThat(out).contains("production: s3-uploads configured for new uploads (s3://" + BUCKET + "/wp-content/uploads/…",
                "  set    " + PREFIX + "/config/production/S3_UPLOADS_BUCKET = " + BUCKET + "/wp-content",
                "new uploads' URLs start with https://cdn.example.com/wp-content/uploads",
                "aws ssm send-command --document-name fp-test-bootstrap --targets Key=tag:aws:autoscaling:groupName,"
                        + "Values=fp-production --parameters ReleaseId=r-0123456789ab,Environment=production,"
                        + "ReleaseBucket=<ReleaseBucketName>,ParameterPrefix=" + PREFIX);
    }

    @Test
    void configure_switchingToWpOffloadMedia_writesAs3cfSettingsAndRemovesS3Uploads() {
        configure("production", "s3-uploads", "https://cdn.example.com");

        String out = configure("production", "wp-offload-media", "");

        Map<String, String> now = parameters("production");
        assertThat(now).containsOnlyKeys("DB_NAME", "AS3CF_SETTINGS");
        assertThat(now.get("AS3CF_SETTINGS")).startsWith("a:13:{s:8:\"provider\";s:3:\"aws\";s:16:\"use-server-roles\";b:1;")
                .contains("s:6:\"bucket\";s:26:\"" + BUCKET + "\";", "s:6:\"region\";s:9:\"eu-west-1\";");
        assertThat(out).contains("  removed " + PREFIX + "/config/production/S3_UPLOADS_BUCKET_URL", "note: no --cdn");
    }

    @Test
    void configure_leavesOtherEnvironmentsAlone() {
        configure("staging", "s3-uploads", "");

        assertThat(parameters("production")).containsOnlyKeys("DB_NAME");
        assertThat(parameters("staging")).containsKey("S3_UPLOADS_BUCKET");
    }

    @Test
    void configure_whenTheEnvironmentHasNoGroup_exits2AndWritesNothing() {
        MediaConfigureCommand c = command("qa", "s3-uploads", "");

        assertThatThrownBy(() -> c.configure(cloud, c.validate(), new PrintStream(new ByteArrayOutputStream())))
                .isInstanceOfSatisfying(MediaException.class, e -> assertThat(e.exitCode).isEqualTo(2))
                .hasMessageContaining("unknown environment qa");
        assertThat(parameters("qa")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://cdn.example.com", "https://cdn.example.com'); define('X', 1); //", "https://cdn example.com",
            "https://cdn.example.com/$(id)", "https://cdn.example.com/\nx", "https://cdn.example.com/"})
    void configure_whenTheCdnIsHostile_exits2BeforeConnecting(String cdn) {
        Result r = run(dir.resolve("empty-home"), "media", "configure", "production", "--plugin", "s3-uploads", "--cdn", cdn);

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("fleetpress: --cdn").doesNotContain("localcloud");
        assertThat(parameters("production")).containsOnlyKeys("DB_NAME");
    }

    @Test
    void configure_whenThePluginIsUnknown_exits2ListingThem() {
        Result r = run(dir.resolve("empty-home"), "media", "configure", "production", "--plugin", "w3-total-cache");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("must be one of [s3-uploads, wp-offload-media]");
    }

    @Test
    void configure_whenWpOffloadMediaGetsACdnPath_exits2() {
        Result r = run(dir.resolve("empty-home"), "media", "configure", "production", "--plugin", "wp-offload-media", "--cdn",
                "https://cdn.example.com/media");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("delivery domain only");
    }

    @Test
    void configure_whenTheRegionIsHostile_exits2() {
        Result r = run(dir.resolve("empty-home"), "media", "configure", "production", "--plugin", "s3-uploads", "--region",
                "eu-west-1; reboot");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("not an AWS region name");
    }

    @Test
    void plugins_areTheDocumentedOnes() {
        assertThat(OffloadPlugin.values()).extracting(OffloadPlugin::slug).containsExactly("s3-uploads", "wp-offload-media");
    }
}

package dev.fleetpress.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.cli.MediaCommand.Cloud;
import dev.fleetpress.cli.MediaCommand.MediaException;
import dev.fleetpress.fleet.FleetGroups;
import dev.fleetpress.localcloud.GitHubPush;
import dev.fleetpress.localcloud.LocalCloud;
import dev.fleetpress.localcloud.LocalGit;
import dev.fleetpress.localcloud.autoscaling.InstanceView;
import dev.fleetpress.localcloud.wordpress.LocalDatabase;
import dev.fleetpress.media.rewrite.RewriteConfig;
import dev.fleetpress.media.rewrite.RewriteRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ssm.model.ParameterType;

class MediaRewriteCommandTest {
    private static final String OLD = "https://www.example.com/wp-content/uploads";
    private static final String NEW = "https://cdn.example.com/wp-content/uploads";

    private record Result(int exit, String out, String err) {
    }

    /** Runs the CLI with FLEETPRESS_HOME in an empty folder: anything that got as far as connecting would say so. */
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

    // ---- bad input: refused before anything is read or sent

    @ParameterizedTest
    @ValueSource(strings = {"https://www.example.com/wp-content/uploads'; rm -rf / #", "https://www.example.com/$(reboot)",
            "https://www.example.com/`id`", "https://www.example.com/a b", "https://www.example.com/a\nb",
            "https://www.example.com/a\"b", "https://www.example.com/uploads/", "ftp://www.example.com/uploads"})
    void rewriteUrls_whenFromIsHostile_exits2WithTheRuleBeforeConnecting(String hostile, @TempDir Path home) {
        Result r = run(home, "media", "rewrite-urls", "production", "--from", hostile, "--to", NEW);

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("fleetpress: --from").doesNotContain("localcloud");
        assertThat(home).isEmptyDirectory();
    }

    @Test
    void rewriteUrls_whenToIsHostile_exits2(@TempDir Path home) {
        Result r = run(home, "media", "rewrite-urls", "production", "--from", OLD, "--to", NEW + ";reboot");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("fleetpress: --to");
    }

    @Test
    void rewriteUrls_whenTheNewBaseContainsTheOld_exits2(@TempDir Path home) {
        Result r = run(home, "media", "rewrite-urls", "production", "--from", OLD, "--to", OLD + "/s3");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("would rewrite the new URLs again");
    }

    @Test
    void rewriteUrls_whenTheEnvironmentOrMigrationIsNotAName_exits2(@TempDir Path home) {
        assertThat(run(home, "media", "rewrite-urls", "Prod!", "--from", OLD, "--to", NEW).err())
                .contains("not an environment name: 'Prod!'");
        assertThat(run(home, "media", "rewrite-urls", "production", "--from", OLD, "--to", NEW, "--migration", "../x").exit())
                .isEqualTo(2);
    }

    @Test
    void rewriteUrls_whenOptionsDoNotGoTogether_exits2(@TempDir Path home) {
        assertThat(run(home, "media", "rewrite-urls", "production", "--from", OLD, "--to", NEW, "--retry-failed").err())
                .contains("--retry-failed goes with --apply");
        assertThat(run(home, "media", "rewrite-urls", "production", "--from", OLD, "--to", NEW, "--release-bucket", "b-b-b").err())
                .contains("--release-bucket goes with --aws");
        assertThat(run(home, "media", "rewrite-urls", "production", "--from", OLD, "--to", NEW, "--aws", "--stack", "fp",
                "--media-bucket", "fp-media-1").err()).contains("--aws needs --release-bucket");
    }

    @Test
    void rewriteUrls_withoutFromOrTo_exits2WithUsage(@TempDir Path home) {
        Result r = run(home, "media", "rewrite-urls", "production", "--to", NEW);

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required option: '--from=URL'");
    }

    @Test
    void rewriteUrls_whenLocalcloudWasNeverStarted_saysHowToStartIt(@TempDir Path home) {
        Result r = run(home, "media", "rewrite-urls", "production", "--from", OLD, "--to", NEW);

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("no localcloud state", "./fleetpress local up");
    }

    /** Dry run, real run, repeat and refusals on a whole localcloud: the real document, instance and wp stand-in. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class WholeFlow {
        private static final String MIGRATION = "m-20261127-150000-production-test";
        private Path tmp;
        private LocalCloud cloud;
        private LocalDatabase db;
        private Cloud connected;
        private MediaRewriteCommand.Rewriting rewriting;
        private String media;

        @BeforeAll
        void start() throws Exception {
            tmp = Files.createTempDirectory("media-rewrite-command-");
            Path root = Workspace.root();
            LocalGit site = LocalGit.copyOf(root.resolve("examples/site"), tmp.resolve("site"));
            cloud = LocalCloud.builder().projectRoot(root).dataDir(tmp.resolve("cloud")).siteRepository(site.dir()).timeScale(0.1)
                    .build();
            String config = cloud.parameterPrefix() + "/config/production/";
            cloud.ssm().putParameter(b -> b.name(config + "DB_HOST").value("localdb").type(ParameterType.STRING));
            cloud.ssm().putParameter(b -> b.name(config + "DB_NAME").value("wordpress").type(ParameterType.STRING));
            db = cloud.database("localdb", "wordpress");
            db.install(60421);
            db.putRow("wp_posts", "post_content", 5, "<img src=\"" + OLD + "/2026/11/team photo + logo.jpg\"> <a href=\""
                    + OLD + "/2025/02/100% organic.jpg\">x</a>");
            db.putRow("wp_postmeta", "meta_value", 9, OLD + "/2024/07/a.jpeg");
            GitHubPush.Response pushed = GitHubPush.push(cloud, "refs/heads/main", GitHubPush.ZERO, site.head());
            assertThat(pushed.status()).as(pushed.body()).isEqualTo(202);
            assertThat(cloud.awaitIdle(Duration.ofMinutes(3))).isTrue();
            cloud.autoScaling().scale("fleetpress-production", 1);
            assertThat(cloud.autoScaling().awaitSteady("fleetpress-production", Duration.ofMinutes(3))).isTrue();
            media = cloud.template().outputs().get("MediaBucketName");
            report(MIGRATION, "production", true, "");
            connected = new Cloud(cloud.template().context().stackName(), media,
                    FleetGroups.parse("production=fleetpress-production,staging=fleetpress-staging"), cloud.s3(), cloud.ssm(),
                    cloud.autoScaling(), false, List.of());
            rewriting = MediaRewriteCommand.rewriting(connected, cloud.releaseBucket(), cloud.parameterPrefix(), "",
                    RewriteConfig.of("fleetpress-local-rewrite-urls").withPollInterval(Duration.ofMillis(50)),
                    d -> Thread.sleep(d.toMillis()), Clock.systemUTC(), "");
        }

        @AfterAll
        void stop() {
            if (cloud != null) {
                cloud.close();
            }
            LocalCloud.deleteRecursively(tmp);
        }

        private void report(String id, String environment, boolean complete, String missing) {
            cloud.s3().putObject(b -> b.bucket(media).key("_migration/" + id + "/report.json"), RequestBody.fromString(
                    "{\"formatVersion\":1,\"migrationId\":\"" + id + "\",\"environment\":\"" + environment + "\",\"entries\":3,"
                            + "\"verified\":3,\"imported\":3,\"skipped\":0,\"rejected\":[],\"missing\":[" + missing + "],"
                            + "\"finishedAt\":\"2026-11-27T14:59:00Z\",\"complete\":" + complete + "}"));
        }

        private MediaRewriteCommand command(boolean apply) {
            MediaRewriteCommand c = new MediaRewriteCommand();
            c.environment = "production";
            c.from = OLD;
            c.to = NEW;
            c.apply = apply;
            return c;
        }

        private Result rewrite(boolean apply, String migration) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int exit = command(apply).run(rewriting, new RewriteRequest("production", migration, OLD, NEW),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }

        private long realRuns() {
            return db.history().stream().filter(h -> h.command().startsWith("search-replace")
                    && !h.command().endsWith("--dry-run")).count();
        }

        @Test
        @Order(1)
        void apply_beforeADryRun_exits1SayingToRunTheDryRunFirst() {
            Result r = rewrite(true, MIGRATION);

            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.out()).contains("no dry run of this rewrite yet");
            assertThat(db.history()).isEmpty();
        }

        @Test
        @Order(2)
        void dryRun_printsWpClisCountsPerColumnAndTheTotal() {
            Result r = rewrite(false, MIGRATION);

            assertThat(r.exit()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("production, migration " + MIGRATION + ": dry run on i-", "2 replacements to be made")
                    .containsPattern("wp_postmeta +meta_value +1\n").containsPattern("wp_posts +post_content +1\n")
                    .containsPattern("total +2\n");
            assertThat(db.row("wp_posts", "post_content", 5).orElseThrow()).contains(OLD);
        }

        @Test
        @Order(3)
        void apply_afterTheDryRun_rewritesTheRowsOnce() {
            Result r = rewrite(true, MIGRATION);

            assertThat(r.exit()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("rewrote " + OLD + " → " + NEW, "2 replacements, once").containsPattern("total +2\n");
            assertThat(db.row("wp_posts", "post_content", 5)).contains("<img src=\"" + NEW + "/2026/11/team photo + logo.jpg\"> "
                    + "<a href=\"" + NEW + "/2025/02/100% organic.jpg\">x</a>");
            assertThat(db.row("wp_postmeta", "meta_value", 9)).contains(NEW + "/2024/07/a.jpeg");
            assertThat(realRuns()).isEqualTo(1);
        }

        @Test
        @Order(4)
        void apply_again_answersAlreadyDoneAndRunsNothing() {
            Result r = rewrite(true, MIGRATION);

            assertThat(r.exit()).isZero();
            assertThat(r.out()).contains("already done at", "2 replacements");
            assertThat(realRuns()).isEqualTo(1);
        }

        @Test
        @Order(5)
        void dryRunAndApply_whenTheMigrationIsIncomplete_exit1AndRunNothing() {
            report("m-incomplete-test", "production", false, "{\"shard\":1,\"path\":\"2026/11/x.jpg\",\"reason\":\"gone\"}");
            int before = db.history().size();

            Result dry = rewrite(false, "m-incomplete-test");
            Result real = rewrite(true, "m-incomplete-test");

            assertThat(List.of(dry, real)).allSatisfy(r -> {
                assertThat(r.exit()).isEqualTo(1);
                assertThat(r.out()).contains("is not complete (1 of 3 entries missing from S3)");
            });
            assertThat(db.history()).hasSize(before);
        }

        @Test
        @Order(6)
        void rewrite_whenTheMigrationIsUnknownOrAnotherEnvironments_exits2() {
            report("m-staging-test", "staging", true, "");

            assertThatThrownBy(() -> rewrite(false, "m-nosuchmigration"))
                    .isInstanceOfSatisfying(MediaException.class, e -> assertThat(e.exitCode).isEqualTo(2))
                    .hasMessageContaining("there is no migration m-nosuchmigration");
            assertThatThrownBy(() -> rewrite(false, "m-staging-test"))
                    .isInstanceOfSatisfying(MediaException.class, e -> assertThat(e.exitCode).isEqualTo(2))
                    .hasMessageContaining("belongs to environment staging, not production");
        }

        @Test
        @Order(7)
        void rewriting_whenTheEnvironmentHasNoGroup_exits2() {
            MediaRewriteCommand c = command(false);
            c.environment = "qa";

            assertThatThrownBy(() -> c.rewriting(connected)).isInstanceOfSatisfying(MediaException.class,
                    e -> assertThat(e.exitCode).isEqualTo(2)).hasMessageContaining("unknown environment qa");
        }

        @Test
        @Order(8)
        void rewriting_whenTheRequestedInstanceDoesNotRunTheRelease_exits2() {
            MediaRewriteCommand.Rewriting other = MediaRewriteCommand.rewriting(connected, cloud.releaseBucket(),
                    cloud.parameterPrefix(), "i-0123456789abcdef0", RewriteConfig.of("fleetpress-local-rewrite-urls"),
                    d -> { }, Clock.systemUTC(), "");
            report("m-instance-test", "production", true, "");

            assertThatThrownBy(() -> command(false).run(other, new RewriteRequest("production", "m-instance-test", OLD, NEW),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
                    .isInstanceOfSatisfying(MediaException.class, e -> assertThat(e.exitCode).isEqualTo(2))
                    .hasMessageContaining("instance i-0123456789abcdef0 is not InService in production");
            List<InstanceView> instances = cloud.autoScaling().instances("fleetpress-production");
            assertThat(instances).hasSize(1);
        }
    }
}

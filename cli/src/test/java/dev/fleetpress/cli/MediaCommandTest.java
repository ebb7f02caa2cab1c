package dev.fleetpress.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.cli.MediaCommand.Cloud;
import dev.fleetpress.cli.MediaCommand.MediaException;
import dev.fleetpress.cli.MediaCommand.Migrations;
import dev.fleetpress.cli.MediaCommand.Progress;
import dev.fleetpress.cli.MediaCommand.Report;
import dev.fleetpress.cli.MediaCommand.Snapshot;
import dev.fleetpress.fleet.FleetGroups;
import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.LocalCloud;
import dev.fleetpress.localcloud.LocalGit;
import dev.fleetpress.localcloud.ec2.Instances;
import dev.fleetpress.localcloud.s3.LocalS3;
import dev.fleetpress.media.MigrationKeys;
import dev.fleetpress.media.MigrationManifest;
import dev.fleetpress.media.Rejection;
import dev.fleetpress.media.ShardResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingGroupsRequest;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingGroupsResponse;
import software.amazon.awssdk.services.autoscaling.model.Instance;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;

class MediaCommandTest {
    private static final Instant T0 = Instant.parse("2026-05-14T09:30:00Z");
    private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);
    private static final FleetGroups GROUPS = FleetGroups.parse("production=fleetpress-production,staging=fleetpress-staging");

    private static CliRun run(String... args) {
        return CliRun.run(args);
    }

    private static Instance instance(String id, LifecycleState state, String health) {
        return Instance.builder().instanceId(id).lifecycleState(state).healthStatus(health).build();
    }

    /** Auto Scaling with one group holding {@code instances}. */
    private static AutoScalingClient autoScaling(String group, List<Instance> instances) {
        return new AutoScalingClient() {
            @Override
            public DescribeAutoScalingGroupsResponse describeAutoScalingGroups(DescribeAutoScalingGroupsRequest request) {
                List<AutoScalingGroup> groups = request.autoScalingGroupNames().contains(group)
                        ? List.of(AutoScalingGroup.builder().autoScalingGroupName(group).instances(instances).build()) : List.of();
                return DescribeAutoScalingGroupsResponse.builder().autoScalingGroups(groups).build();
            }

            @Override
            public String serviceName() {
                return "autoscaling";
            }

            @Override
            public void close() {
            }
        };
    }

    private static ShardResult result(int shard, long imported, long skipped, List<Rejection> rejected, long bytes) {
        return new ShardResult(shard, imported, skipped, rejected, bytes, T0, T0.plusSeconds(5));
    }

    private static Snapshot snapshot(boolean exported, Set<Integer> uploaded, Map<Integer, ShardResult> results) {
        return new Snapshot("m-2026-test", MediaCommand.NO_START, exported,
                new MigrationManifest("m-2026-test", exported ? 4 : 0, exported ? 400 : 0, exported ? 40_000_000 : 0,
                        exported ? "production" : "", ""), uploaded, results, Report.PENDING);
    }

    // ---- arguments

    @Test
    void migrate_whenTheEnvironmentIsNotAName_exits2WithTheRule() {
        CliRun r = run("media", "migrate", "Prod!");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("not an environment name: 'Prod!'");
    }

    @Test
    void migrate_whenTheShardSizeIsOutOfRange_exits2() {
        CliRun r = run("media", "migrate", "production", "--shard-mb", "0");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--shard-mb must be 1 to 9999");
    }

    @Test
    void migrate_whenTheInstanceIsNotAnId_exits2() {
        CliRun r = run("media", "migrate", "production", "--instance", "web-1");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--instance 'web-1' is not an EC2 instance id");
    }

    @Test
    void migrate_whenTheUploadsPathCouldReachAShell_exits2() {
        CliRun r = run("media", "migrate", "production", "--uploads-path", "/var/www/$(reboot)");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--uploads-path");
    }

    @Test
    void migrate_whenStackIsGivenWithoutAws_exits2() {
        CliRun r = run("media", "migrate", "production", "--stack", "fleetpress");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("go with --aws");
    }

    @Test
    void migrate_whenAwsHasNoMediaBucket_exits2NamingTheOutput() {
        CliRun r = run("media", "migrate", "production", "--aws", "--stack", "fleetpress");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--media-bucket", "MediaBucketName");
    }

    @Test
    void status_whenTheIdIsMalformed_exits2() {
        CliRun r = run("media", "status", "production", "../etc");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("migration id '../etc' must match");
    }

    @Test
    void status_whenTheIntervalIsZero_exits2() {
        CliRun r = run("media", "status", "production", "--watch", "--interval", "0");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--interval");
    }

    @Test
    void status_withoutLocalState_saysHowToStartAndExits2(@TempDir Path empty) {
        String previous = System.getProperty("fleetpress.home");
        System.setProperty("fleetpress.home", empty.toString());
        try {
            CliRun r = run("media", "status", "production");

            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("no localcloud state in", "./fleetpress local up");
        } finally {
            if (previous == null) {
                System.clearProperty("fleetpress.home");
            } else {
                System.setProperty("fleetpress.home", previous);
            }
        }
    }

    // ---- progress

    @Test
    void progress_whileTheExportRuns_countsShardsSoFarWithoutATotal() {
        Progress p = Progress.of(snapshot(false, Set.of(1, 2, 3), Map.of(1, result(1, 100, 0, List.of(), 4_000_000))));

        assertThat(p.shardsTotal()).isEqualTo(-1);
        assertThat(p.shardsUploaded()).isEqualTo(3);
        assertThat(p.shardsDone()).isEqualTo(1);
        assertThat(p.fraction()).isZero();
        assertThat(p.line(10)).contains("shards 1 imported of 3 uploaded so far (export running)", "files 100", "4.0 MB written");
    }

    @Test
    void progress_whenExported_addsUpTheResults() {
        Progress p = Progress.of(snapshot(true, Set.of(1, 2, 3, 4), Map.of(
                1, result(1, 90, 8, List.of(new Rejection("../x.jpg", "'..' segment"), new Rejection("a.php", "PHP")), 9_000_000),
                2, result(2, 100, 0, List.of(), 10_000_000))));

        assertThat(p.shardsDone()).isEqualTo(2);
        assertThat(p.fraction()).isEqualTo(0.5);
        assertThat(p.filesDone()).isEqualTo(200);
        assertThat(p.skipped()).isEqualTo(8);
        assertThat(p.rejected()).isEqualTo(2);
        assertThat(p.bytesWritten()).isEqualTo(19_000_000);
        assertThat(p.line(10)).startsWith("[█████░░░░░]  50%  shards 2/4 · files 200/400 · 19.0 MB/40.0 MB written")
                .endsWith("8 already there · 2 rejected");
    }

    @Test
    void progress_whenTheReportIsWritten_isFull() {
        Report report = new Report(true, true, 400, 398, 390, 8, List.of("../x.jpg: '..'", "a.php: PHP"), List.of(), 12);
        Snapshot s = snapshot(true, Set.of(1, 2, 3, 4), Map.of());
        Progress p = Progress.of(new Snapshot(s.migrationId(), s.started(), true, s.migration(), s.shardsUploaded(),
                s.results(), report));

        assertThat(p.fraction()).isEqualTo(1.0);
        assertThat(Json.write(p.toJson())).contains("\"complete\":true", "\"verified\":398", "\"rejected\":2");
    }

    @Test
    void output_whenTheReportIsIncomplete_listsWhatIsMissing() {
        Report report = new Report(true, false, 3, 2, 2, 0, List.of(), List.of("b.jpg: not in S3"), 1);
        Snapshot s = snapshot(true, Set.of(1), Map.of());
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        MediaCommand.Output output = new MediaCommand.Output(new PrintStream(text, true, StandardCharsets.UTF_8), false, false);
        Progress p = Progress.of(new Snapshot(s.migrationId(), s.started(), true, s.migration(), s.shardsUploaded(), s.results(),
                report));

        output.show(p);
        output.finish(p);

        assertThat(text.toString(StandardCharsets.UTF_8)).contains("report: INCOMPLETE", "missing (neither in S3 as listed nor "
                + "rejected):", "    b.jpg: not in S3");
    }

    // ---- choosing

    @Test
    void newest_picksTheLatestStartOfTheEnvironment() {
        List<Migrations.Candidate> candidates = List.of(
                new Migrations.Candidate("m-old-production", "production", T0),
                new Migrations.Candidate("m-new-staging", "staging", T0.plusSeconds(100)),
                new Migrations.Candidate("m-unknown-env", "", T0.plusSeconds(200)),
                new Migrations.Candidate("m-new-production", "production", T0.plusSeconds(50)));

        assertThat(Migrations.newest(candidates, "production", "bucket")).isEqualTo("m-new-production");
    }

    @Test
    void newest_whenTwoStartedAtOnce_picksTheGreatestId() {
        List<Migrations.Candidate> candidates = List.of(new Migrations.Candidate("m-aaaa", "production", T0),
                new Migrations.Candidate("m-bbbb", "production", T0));

        assertThat(Migrations.newest(candidates, "production", "bucket")).isEqualTo("m-bbbb");
    }

    @Test
    void newest_whenTheEnvironmentHasNone_saysHowToStartOne() {
        assertThatThrownBy(() -> Migrations.newest(List.of(new Migrations.Candidate("m-x-staging", "staging", T0)),
                "production", "media-bucket"))
                .isInstanceOfSatisfying(MediaException.class, e -> {
                    assertThat(e.exitCode).isEqualTo(2);
                    assertThat(e.getMessage()).contains("no migration of production in s3://media-bucket/_migration/",
                            "fleetpress media migrate production");
                });
    }

    @Test
    void choose_takesTheFirstInServiceHealthyInstance() {
        List<Instance> instances = List.of(instance("i-0000000000000000c", LifecycleState.IN_SERVICE, "Healthy"),
                instance("i-0000000000000000a", LifecycleState.PENDING, "Healthy"),
                instance("i-0000000000000000b", LifecycleState.IN_SERVICE, "Unhealthy"),
                instance("i-0000000000000000d", LifecycleState.IN_SERVICE, "Healthy"));

        assertThat(Migrations.choose("g", instances, "")).isEqualTo("i-0000000000000000c");
    }

    @Test
    void choose_whenNoneIsInService_namesTheStates() {
        assertThatThrownBy(() -> Migrations.choose("fleetpress-production",
                List.of(instance("i-0000000000000000a", LifecycleState.PENDING_WAIT, "Healthy")), ""))
                .isInstanceOf(MediaException.class)
                .hasMessageContaining("group fleetpress-production has no InService, healthy instance")
                .hasMessageContaining("i-0000000000000000a Pending:Wait");
    }

    @Test
    void choose_whenTheRequestedInstanceIsNotInService_refusesIt() {
        List<Instance> instances = List.of(instance("i-0000000000000000a", LifecycleState.IN_SERVICE, "Healthy"),
                instance("i-0000000000000000b", LifecycleState.TERMINATING, "Healthy"));

        assertThatThrownBy(() -> Migrations.choose("g", instances, "i-0000000000000000b"))
                .isInstanceOf(MediaException.class).hasMessageContaining("[i-0000000000000000a]");
        assertThat(Migrations.choose("g", instances, "i-0000000000000000a")).isEqualTo("i-0000000000000000a");
    }

    /** What status reads, against localcloud's S3 server (S3Proxy) in this process. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Bucket {
        private static final String BUCKET = "fleetpress-local-media-000000000000";
        private final AtomicInteger ids = new AtomicInteger();
        private LocalS3 s3;
        private Migrations migrations;

        @BeforeAll
        void start(@TempDir Path dir) {
            s3 = LocalS3.start(dir, (target, event) -> { });
            s3.createBucket(BUCKET);
            Cloud cloud = new Cloud("fleetpress-local", BUCKET, GROUPS, s3.client(),
                    MediaCommand.unavailable(SsmClient.class, "no SSM in this test"),
                    MediaCommand.unavailable(AutoScalingClient.class, "no Auto Scaling in this test"), false, List.of());
            migrations = new Migrations(cloud, CLOCK);
        }

        @AfterAll
        void stop() {
            s3.close();
        }

        private String id() {
            return "m-bucket-test-" + ids.incrementAndGet();
        }

        private void put(String key, String content) {
            s3.client().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(content));
        }

        private void migrationJson(String id, String environment, int shards, long files) {
            put(MigrationKeys.migrationManifest(id), Json.write(Json.object("formatVersion", 1, "migrationId", id,
                    "shards", shards, "files", files, "bytes", files * 10, "environment", environment, "exportedAt", "")));
        }

        @Test
        void read_whenNothingIsThere_saysThereIsNoSuchMigration() {
            assertThatThrownBy(() -> migrations.read("m-not-there"))
                    .isInstanceOfSatisfying(MediaException.class, e -> assertThat(e.exitCode).isEqualTo(2))
                    .hasMessageContaining("no migration m-not-there in s3://" + BUCKET + "/_migration/");
        }

        @Test
        void read_whenAResultIsNotJson_namesItsKey() {
            String id = id();
            put(MigrationKeys.shardTar(id, 1), "tar");
            put(MigrationKeys.ROOT + MigrationKeys.resultLedgerKey(id, 1), "{not json");

            assertThatThrownBy(() -> migrations.read(id)).isInstanceOf(MediaException.class)
                    .hasMessageContaining(MigrationKeys.ROOT + MigrationKeys.resultLedgerKey(id, 1) + " is not what MediaFunction writes");
        }

        @Test
        void read_whenShardsResultsAndReportAreThere_showsThemAll() {
            String id = id();
            put(MigrationKeys.shardManifest(id, 1), "{}");
            put(MigrationKeys.shardTar(id, 1), "tar");
            put(MigrationKeys.shardTar(id, 2), "tar");
            migrationJson(id, "production", 2, 3);
            put(MigrationKeys.ROOT + MigrationKeys.resultLedgerKey(id, 1), result(1, 2, 0, List.of(), 20).toJson());
            put(MigrationKeys.ROOT + MigrationKeys.resultLedgerKey(id, 2), result(2, 0, 0,
                    List.of(new Rejection("evil.php", "PHP script")), 0).toJson());
            put(MigrationKeys.ROOT + MigrationKeys.reportLedgerKey(id), Json.write(Json.object("complete", true, "entries", 3,
                    "verified", 2, "imported", 2, "skipped", 0, "rejected", List.of(Json.object("shard", 2, "path", "evil.php",
                            "reason", "PHP script")), "missing", List.of(), "durationSeconds", 4)));

            Snapshot snapshot = migrations.read(id);
            Progress progress = Progress.of(snapshot);

            assertThat(snapshot.environment()).isEqualTo("production");
            assertThat(progress.shardsDone()).isEqualTo(2);
            assertThat(progress.filesDone()).isEqualTo(3);
            assertThat(progress.rejected()).isEqualTo(1);
            assertThat(progress.report().complete()).isTrue();
            assertThat(progress.report().rejected()).containsExactly("evil.php: PHP script");
        }

        @Test
        void newest_prefersStartedJsonAndFallsBackToMigrationJson() throws Exception {
            String older = "m-newest-a";
            put(MigrationKeys.started(older), new dev.fleetpress.media.MigrationStart(older, "staging-x", "g", "i-0000000000000000a",
                    "c-1", "d", T0.plusSeconds(3600)).toJson());
            String exported = "m-newest-b";
            put(MigrationKeys.shardTar(exported, 1), "tar");
            migrationJson(exported, "staging-x", 1, 1);
            String started = "m-newest-c";
            put(MigrationKeys.started(started), new dev.fleetpress.media.MigrationStart(started, "staging-x", "g",
                    "i-0000000000000000a", "c-2", "d", Instant.now().plusSeconds(60)).toJson());

            assertThat(migrations.newest("staging-x")).isEqualTo(started);
            assertThat(migrations.ids()).contains(older, exported, started);
        }
    }

    /** migrate then status --watch on a whole localcloud: the real export document, S3 events, MediaFunction. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class WholeFlow {
        private Path tmp;
        private LocalCloud cloud;
        private Instances.Instance instance;
        private Migrations migrations;

        @BeforeAll
        void start() throws Exception {
            tmp = Files.createTempDirectory("media-command-");
            Path root = Workspace.root();
            LocalGit site = LocalGit.copyOf(root.resolve("examples/site"), tmp.resolve("site"));
            cloud = LocalCloud.builder().projectRoot(root).dataDir(tmp.resolve("cloud")).siteRepository(site.dir()).timeScale(0.1)
                    .build();
            instance = cloud.instances().launch("fleetpress-production");
            Path uploads = instance.root().resolve("var/www/fleetpress/current/wp-content/uploads");
            for (int i = 0; i < 30; i++) {
                Path file = uploads.resolve(String.format("2025/%02d/photo %d.jpg", 1 + i % 12, i));
                Files.createDirectories(file.getParent());
                Files.writeString(file, "jpeg " + i);
            }
            Files.writeString(uploads.resolve("2025/01/shell.php"), "<?php");
            Thread.sleep(500); // the instance's SSM agent registers 0.2 s after launch (time scale 0.1)
            S3Client s3 = cloud.s3();
            Cloud connected = new Cloud(cloud.template().context().stackName(), cloud.template().outputs().get("MediaBucketName"),
                    GROUPS, s3, cloud.ssm(), autoScaling("fleetpress-production",
                    List.of(instance(instance.id(), LifecycleState.IN_SERVICE, "Healthy"))), false, List.of());
            migrations = new Migrations(connected, Clock.systemUTC());
        }

        @AfterAll
        void stop() {
            if (cloud != null) {
                cloud.close();
            }
            LocalCloud.deleteRecursively(tmp);
        }

        private MediaCommand.Status status(boolean watch) {
            MediaCommand.Status status = new MediaCommand.Status();
            status.environment = "production";
            status.watch = watch;
            status.interval = 0.1;
            return status;
        }

        @Test
        void migrateThenWatch_showsProgressUntilTheVerifiedReport() throws Exception {
            dev.fleetpress.media.MigrationStart started = migrations.start(new MediaCommand.Request("production", "", "", "", 1, ""));
            ByteArrayOutputStream text = new ByteArrayOutputStream();

            int exit = status(true).follow(migrations, started.migrationId(), new PrintStream(text, true, StandardCharsets.UTF_8),
                    false);

            String shown = text.toString(StandardCharsets.UTF_8);
            assertThat(exit).as(shown).isZero();
            assertThat(started.instanceId()).isEqualTo(instance.id());
            assertThat(started.documentName()).isEqualTo("fleetpress-local-media-export");
            assertThat(shown).startsWith(started.migrationId() + " (production)\n")
                    .contains("100%", "report: complete — 30 of 31 entries verified in S3", "1 rejected",
                            "2025/01/shell.php: PHP script in uploads");
        }

        @Test
        void watch_whenTheExportFails_stopsWithItsError() {
            dev.fleetpress.media.MigrationStart started = migrations.start(new MediaCommand.Request("production", "", "", "", 1,
                    "/var/www/nothing-here"));

            assertThatThrownBy(() -> status(true).follow(migrations, started.migrationId(), new PrintStream(
                    new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false))
                    .isInstanceOfSatisfying(MediaException.class, e -> assertThat(e.exitCode).isEqualTo(1))
                    .hasMessageContaining("the export (command " + started.commandId() + " on " + instance.id() + ") ended Failed")
                    .hasMessageContaining("--id " + started.migrationId());
        }
    }

    @Test
    void unavailable_refusesEveryCallWithItsReason() {
        SsmClient ssm = MediaCommand.unavailable(SsmClient.class, "start it with ./fleetpress local up");

        assertThatThrownBy(() -> ssm.sendCommand(b -> b.documentName("d"))).isInstanceOf(MediaException.class)
                .hasMessage("start it with ./fleetpress local up");
        ssm.close();
        assertThat(new ArrayList<>(List.of(ssm.serviceName()))).containsExactly("SsmClient");
    }
}

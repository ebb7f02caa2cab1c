package dev.fleetpress.localcloud.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.aws.S3Ledger;
import dev.fleetpress.aws.S3ObjectStore;
import dev.fleetpress.aws.SsmEnvironmentPointers;
import dev.fleetpress.fleet.CommandRunner;
import dev.fleetpress.localcloud.LocalCloud;
import dev.fleetpress.media.rewrite.RewriteConfig;
import dev.fleetpress.media.rewrite.RewriteOutcome;
import dev.fleetpress.media.rewrite.RewriteRecords;
import dev.fleetpress.media.rewrite.RewriteRequest;
import dev.fleetpress.media.rewrite.RewriteState;
import dev.fleetpress.media.rewrite.StoredMigrationReports;
import dev.fleetpress.media.rewrite.UrlRewrite;
import dev.fleetpress.release.EnvironmentPointers;
import dev.fleetpress.release.ReleaseId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The URL rewrite's "exactly once" counted against real conditional writes: its records are in localcloud's
 * S3 (over HTTP, with {@code If-None-Match: *} and {@code If-Match}), the migration reports are read from its
 * media bucket and the pointer is SSM, as on AWS. Only the instance side is counted instead of run: each real
 * SendCommand is one {@code wp search-replace}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UrlRewriteCountTest {
    private static final String ENV = "production";
    private static final String INSTANCE = "i-0a1b2c3d4e5f60718";
    private static final ReleaseId RELEASE = ReleaseId.of("r-c00000000001");
    private static final String FROM = "https://www.example.com/wp-content/uploads";
    private static final String TO = "https://cdn.example.com/wp-content/uploads";
    private static final int CALLERS = 20;
    private static final int ROUNDS = 10;
    private static final Duration CLAIM_LEASE = Duration.ofSeconds(60);

    private Path tmp;
    private LocalCloud cloud;
    private EnvironmentPointers pointers;
    private RewriteRecords records;
    private StoredMigrationReports reports;
    private final SettableClock clock = new SettableClock(Instant.parse("2026-11-27T15:00:00Z"));

    @BeforeAll
    void start() throws Exception {
        tmp = Files.createTempDirectory("url-rewrite-count-");
        cloud = LocalCloud.builder().projectRoot(Flows.ROOT).dataDir(tmp.resolve("cloud")).siteRepository(tmp).build();
        // Pointers outside the stack's prefix, so the stack's RolloutFunction does not react to them.
        pointers = SsmEnvironmentPointers.create(cloud.ssm(), "/rewrite-count-test");
        pointers.set(ENV, RELEASE);
        records = new RewriteRecords(S3Ledger.create(cloud.s3(), cloud.releaseBucket(), RewriteRecords.PREFIX));
        reports = new StoredMigrationReports(S3ObjectStore.create(cloud.s3(), mediaBucket()));
    }

    @AfterAll
    void stop() {
        if (cloud != null) {
            cloud.close();
        }
        LocalCloud.deleteRecursively(tmp);
    }

    private String mediaBucket() {
        return cloud.template().outputs().get("MediaBucketName");
    }

    /** A verified migration's report, as MediaFunction writes it. */
    private String migration(String id) {
        cloud.s3().putObject(b -> b.bucket(mediaBucket()).key("_migration/" + id + "/report.json"), RequestBody.fromString(
                "{\"formatVersion\":1,\"migrationId\":\"" + id + "\",\"environment\":\"" + ENV + "\",\"entries\":2,\"verified\":2,"
                        + "\"imported\":2,\"skipped\":0,\"rejected\":[],\"missing\":[],\"finishedAt\":\"2026-11-27T14:59:00Z\","
                        + "\"complete\":true}"));
        return id;
    }

    @Test
    void apply_when20ConcurrentRealRuns_sendsExactlyOneCommand_10Times() throws Exception {
        CountingRunner runner = new CountingRunner();
        for (int round = 0; round < ROUNDS; round++) {
            RewriteRequest request = new RewriteRequest(ENV, migration(String.format("m-count-%04d", round)), FROM, TO);
            assertThat(rewrite(runner).dryRun(request).kind()).isEqualTo(RewriteOutcome.Kind.DRY_RUN);
            int before = runner.realRuns.get();

            List<RewriteOutcome> outcomes = concurrently(() -> rewrite(runner).apply(request, false));

            assertThat(runner.realRuns.get() - before).as("real runs in round " + round).isEqualTo(1);
            assertThat(outcomes).extracting(RewriteOutcome::kind).contains(RewriteOutcome.Kind.APPLIED)
                    .allMatch(k -> k == RewriteOutcome.Kind.APPLIED || k == RewriteOutcome.Kind.ALREADY_DONE
                            || k == RewriteOutcome.Kind.IN_PROGRESS);
            assertThat(records.rewrite(ENV, request.migrationId()).orElseThrow().state()).isEqualTo(RewriteState.SUCCEEDED);
            assertThat(rewrite(runner).apply(request, false).kind()).isEqualTo(RewriteOutcome.Kind.ALREADY_DONE);
        }
        assertThat(runner.realRuns.get()).isEqualTo(ROUNDS);
    }

    @Test
    void apply_whenTheRunnerIsKilledAfterItsClaim_exactlyOneSuccessorRunsItAfterTheLease() throws Exception {
        RewriteRequest request = new RewriteRequest(ENV, migration("m-count-killed"), FROM, TO);
        CountingRunner runner = new CountingRunner();
        rewrite(runner).dryRun(request);
        UrlRewrite killed = rewrite(new CountingRunner() {
            @Override
            public SendResult send(Command command) {
                throw new IllegalStateException("runner killed after its claim");
            }
        });
        assertThatThrownBy(() -> killed.apply(request, false)).hasMessageContaining("killed");

        List<RewriteOutcome> beforeExpiry = concurrently(() -> rewrite(runner).apply(request, false));
        assertThat(beforeExpiry).allMatch(o -> o.kind() == RewriteOutcome.Kind.IN_PROGRESS);
        assertThat(runner.realRuns.get()).isZero();

        clock.advance(CLAIM_LEASE.plusSeconds(1));
        List<RewriteOutcome> afterExpiry = concurrently(() -> rewrite(runner).apply(request, false));

        assertThat(runner.realRuns.get()).isEqualTo(1);
        assertThat(afterExpiry).extracting(RewriteOutcome::kind).contains(RewriteOutcome.Kind.APPLIED);
        assertThat(records.rewrite(ENV, request.migrationId()).orElseThrow().attempt()).isEqualTo(2);
    }

    private UrlRewrite rewrite(CommandRunner runner) {
        return UrlRewrite.of(new RewriteConfig("fleetpress-local-rewrite-urls", CLAIM_LEASE, Duration.ofSeconds(3900),
                        Duration.ofMillis(10)), records, reports, pointers, (environment, release) -> List.of(INSTANCE), runner,
                () -> UUID.randomUUID().toString(), clock, d -> Thread.sleep(d.toMillis()));
    }

    private static <T> List<T> concurrently(java.util.concurrent.Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < CALLERS; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Each real SendCommand is one rewrite; every command succeeds at once with the script's output. */
    private static class CountingRunner implements CommandRunner {
        final AtomicInteger realRuns = new AtomicInteger();
        private final Map<String, Boolean> dryRuns = new ConcurrentHashMap<>();

        @Override
        public SendResult send(Command command) {
            boolean dry = Boolean.parseBoolean(command.parameters().get("DryRun"));
            if (!dry) {
                realRuns.incrementAndGet();
            }
            String id = UUID.randomUUID().toString();
            dryRuns.put(id, dry);
            return new Sent(id);
        }

        @Override
        public String status(String commandId, String instanceId) {
            return "Success";
        }

        @Override
        public String output(String commandId, String instanceId) {
            boolean dry = dryRuns.getOrDefault(commandId, true);
            return "Table\tColumn\tReplacements\tType\nwp_posts\tpost_content\t2\tPHP\nFLEETPRESS_RESULT replacements=2 dry_run="
                    + dry + "\n";
        }
    }
}

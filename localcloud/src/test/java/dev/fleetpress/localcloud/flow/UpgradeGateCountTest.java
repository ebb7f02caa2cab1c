package dev.fleetpress.localcloud.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.aws.S3Ledger;
import dev.fleetpress.aws.SsmEnvironmentPointers;
import dev.fleetpress.fleet.CommandRunner;
import dev.fleetpress.localcloud.LocalCloud;
import dev.fleetpress.release.EnvironmentPointers;
import dev.fleetpress.release.Manifest;
import dev.fleetpress.release.ReleaseId;
import dev.fleetpress.upgrade.UpgradeGate;
import dev.fleetpress.upgrade.UpgradeGate.UpgradeConfig;
import dev.fleetpress.upgrade.UpgradeOutcome;
import dev.fleetpress.upgrade.UpgradeRecords;
import dev.fleetpress.upgrade.UpgradeState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The upgrade gate's "exactly once" counted against the real conditional writes: its ledger is S3
 * (localcloud's, over HTTP, with {@code If-None-Match: *} and {@code If-Match}) and its pointer is SSM,
 * as on AWS. Only the instance side is counted instead of run: each SendCommand is one upgrade run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpgradeGateCountTest {
    private static final String ENV = "production";
    private static final String INSTANCE = "i-0a1b2c3d4e5f60718";
    private static final int TRIGGERS = 50;
    private static final int ROUNDS = 20;
    private static final Duration CLAIM_LEASE = Duration.ofSeconds(60);

    private Path tmp;
    private LocalCloud cloud;
    private EnvironmentPointers pointers;
    private UpgradeRecords records;
    private final SettableClock clock = new SettableClock(Instant.parse("2026-11-27T15:00:00Z"));

    @BeforeAll
    void start() throws Exception {
        tmp = Files.createTempDirectory("upgrade-gate-count-");
        cloud = LocalCloud.builder().projectRoot(Flows.ROOT).dataDir(tmp.resolve("cloud")).siteRepository(tmp).build();
        // Pointers outside the stack's prefix: the stack's own RolloutFunction must not react to these
        // test promotions (it would trigger the same gates with the wall clock).
        pointers = SsmEnvironmentPointers.create(cloud.ssm(), "/gate-count-test");
        records = new UpgradeRecords(S3Ledger.create(cloud.s3(), cloud.releaseBucket(), UpgradeRecords.PREFIX));
    }

    @AfterAll
    void stop() {
        if (cloud != null) {
            cloud.close();
        }
        LocalCloud.deleteRecursively(tmp);
    }

    @Test
    void trigger_when50ConcurrentDuplicates_runsTheUpgradeExactlyOnce_20Times() throws Exception {
        CountingRunner runner = new CountingRunner();
        UpgradeGate gate = gate(runner);
        ExecutorService pool = Executors.newFixedThreadPool(TRIGGERS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                ReleaseId release = ReleaseId.of(String.format("r-%012x", 0xa00000L + round));
                pointers.set(ENV, release);
                int before = runner.sends.get();

                List<UpgradeOutcome> outcomes = concurrently(pool, () -> gate.trigger(ENV, release));

                assertThat(runner.sends.get() - before).as("upgrade runs in round " + round).isEqualTo(1);
                assertThat(outcomes).filteredOn(o -> o.kind() == UpgradeOutcome.Kind.SENT).hasSize(1);
                String command = records.gate(ENV, release).orElseThrow().commandId();
                List<UpgradeOutcome> statuses = concurrently(pool, () -> gate.onCommandStatus(command, "Success"));
                assertThat(statuses).filteredOn(o -> o.kind() == UpgradeOutcome.Kind.SUCCEEDED).hasSize(1);
                assertThat(records.gate(ENV, release).orElseThrow().state()).isEqualTo(UpgradeState.SUCCEEDED);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(runner.sends.get()).isEqualTo(ROUNDS);
    }

    @Test
    void trigger_whenTheRunnerIsKilledAfterItsClaim_exactlyOneSuccessorCompletesAfterTheLease() throws Exception {
        ReleaseId release = ReleaseId.of("r-b00000000001");
        pointers.set(ENV, release);
        UpgradeGate killed = gate(new CountingRunner() {
            @Override
            public SendResult send(Command command) {
                throw new IllegalStateException("runner killed after its claim");
            }
        });
        assertThatThrownBy(() -> killed.trigger(ENV, release)).hasMessageContaining("killed");
        CountingRunner runner = new CountingRunner();
        UpgradeGate successors = gate(runner);
        ExecutorService pool = Executors.newFixedThreadPool(TRIGGERS);
        try {
            List<UpgradeOutcome> beforeExpiry = concurrently(pool, () -> successors.trigger(ENV, release));
            assertThat(beforeExpiry).allMatch(o -> o.kind() == UpgradeOutcome.Kind.IN_PROGRESS);
            assertThat(runner.sends.get()).isZero();

            clock.advance(CLAIM_LEASE.plusSeconds(1));
            List<UpgradeOutcome> afterExpiry = concurrently(pool, () -> successors.trigger(ENV, release));
            String command = records.gate(ENV, release).orElseThrow().commandId();
            successors.onCommandStatus(command, "Success");

            assertThat(afterExpiry).filteredOn(o -> o.kind() == UpgradeOutcome.Kind.SENT).hasSize(1);
            assertThat(runner.sends.get()).isEqualTo(1);
            assertThat(records.gate(ENV, release).orElseThrow().state()).isEqualTo(UpgradeState.SUCCEEDED);
            assertThat(records.gate(ENV, release).orElseThrow().attempt()).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    private UpgradeGate gate(CommandRunner runner) {
        return UpgradeGate.of(new UpgradeConfig("fleetpress-local-upgrade", "", CLAIM_LEASE, Duration.ofSeconds(3900), 3),
                records, runner, (environment, release) -> List.of(INSTANCE), pointers,
                id -> Optional.of(manifest(id)), (subject, message) -> { }, () -> UUID.randomUUID().toString(), clock);
    }

    private static Manifest manifest(ReleaseId id) {
        return new Manifest(1, id, Manifest.BUILT, "local/example-site", "0".repeat(40), "refs/heads/main", ENV,
                Instant.parse("2026-11-27T15:00:00Z"), "build", new Manifest.WordPress("6.9", 60717), List.of(), List.of(), 1,
                new Manifest.Artifact("release.tar.gz", "a".repeat(64), 1));
    }

    private static <T> List<T> concurrently(ExecutorService pool, java.util.concurrent.Callable<T> task) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < TRIGGERS; i++) {
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
    }

    /** Each SendCommand is one upgrade run; every command is reported a success when asked. */
    private static class CountingRunner implements CommandRunner {
        final AtomicInteger sends = new AtomicInteger();

        @Override
        public SendResult send(Command command) {
            sends.incrementAndGet();
            return new Sent(UUID.randomUUID().toString());
        }

        @Override
        public String status(String commandId, String instanceId) {
            return "Success";
        }
    }
}

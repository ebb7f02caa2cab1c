package dev.fleetpress.rollout;

import static dev.fleetpress.rollout.RolloutWorld.ENV;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.fleet.CommandRunner;
import dev.fleetpress.release.ReleaseId;
import dev.fleetpress.upgrade.DatabaseRecord;
import dev.fleetpress.upgrade.UpgradeGate;
import dev.fleetpress.upgrade.UpgradeOutcome;
import dev.fleetpress.upgrade.UpgradeState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The upgrade gate alone: claims, leases, outcomes, the database record. */
class UpgradeGateTest {
    private final RolloutWorld world = new RolloutWorld();
    private final ReleaseId r1 = world.release("aaaaaaaaaaa1", 60421);

    @Test
    void trigger_whenFirst_sendsTheUpgradeToOneInstanceRunningTheRelease() {
        world.running(r1, "i-0000000000000000a", "i-0000000000000000b");
        world.pointers.set(ENV, r1);

        UpgradeOutcome outcome = world.gate.trigger(ENV, r1);

        assertThat(outcome.kind()).isEqualTo(UpgradeOutcome.Kind.SENT);
        assertThat(world.ssm.upgrades()).singleElement().satisfies(c -> {
            assertThat(c.instanceId()).isEqualTo("i-0000000000000000a");
            assertThat(c.document()).isEqualTo("fleetpress-local-upgrade");
            assertThat(c.parameters()).containsEntry("ReleaseId", r1.value()).containsEntry("Environment", ENV)
                    .containsEntry("PluginUpgraders", "woocommerce=wc update");
        });
        assertThat(world.upgradeRecords.gate(ENV, r1).orElseThrow().state()).isEqualTo(UpgradeState.RUNNING);
    }

    @Test
    void trigger_when50ConcurrentDuplicates_sendsExactlyOnce_20Times() throws Exception {
        world.running(r1, "i-0000000000000000a", "i-0000000000000000b", "i-0000000000000000c");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            for (int round = 0; round < 20; round++) {
                ReleaseId release = world.release(String.format("%012x", 0xbb0000L + round), 60421 + round);
                world.running(release, "i-0000000000000000a", "i-0000000000000000b", "i-0000000000000000c");
                world.pointers.set(ENV, release);
                List<UpgradeOutcome> outcomes = concurrently(pool, 50, () -> world.gate.trigger(ENV, release));

                assertThat(outcomes).filteredOn(o -> o.kind() == UpgradeOutcome.Kind.SENT).hasSize(1);
                assertThat(outcomes).allMatch(o -> o.kind() == UpgradeOutcome.Kind.SENT
                        || o.kind() == UpgradeOutcome.Kind.IN_PROGRESS);
                assertThat(world.ssm.upgrades()).hasSize(round + 1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void trigger_whenTheHolderDiedAfterItsClaim_exactlyOneSuccessorRunsAfterTheLease() throws Exception {
        world.running(r1, "i-0000000000000000a");
        world.pointers.set(ENV, r1);
        // A runner killed between its claim and SendCommand: the claim stays, with its lease.
        UpgradeGate dying = world.gateWith(new CommandRunner() {
            @Override
            public SendResult send(Command command) {
                throw new IllegalStateException("runner killed");
            }

            @Override
            public String status(String commandId, String instanceId) {
                throw new IllegalStateException("runner killed");
            }
        });
        assertThatThrownBy(() -> dying.trigger(ENV, r1)).hasMessage("runner killed");
        assertThat(world.upgradeRecords.gate(ENV, r1).orElseThrow().state()).isEqualTo(UpgradeState.CLAIMED);

        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<UpgradeOutcome> early = concurrently(pool, 50, () -> world.gate.trigger(ENV, r1));
            assertThat(early).allMatch(o -> o.kind() == UpgradeOutcome.Kind.IN_PROGRESS);
            assertThat(world.ssm.upgrades()).isEmpty();

            world.clock.advance(RolloutWorld.CLAIM_LEASE.plusSeconds(1));
            List<UpgradeOutcome> late = concurrently(pool, 50, () -> world.gate.trigger(ENV, r1));

            assertThat(late).filteredOn(o -> o.kind() == UpgradeOutcome.Kind.SENT).hasSize(1);
            assertThat(world.ssm.upgrades()).hasSize(1);
            assertThat(world.upgradeRecords.gate(ENV, r1).orElseThrow().attempt()).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void onCommandStatus_whenSuccess_recordsItOnceAndRaisesTheDatabaseVersion() {
        world.running(r1, "i-0000000000000000a");
        world.pointers.set(ENV, r1);
        world.gate.trigger(ENV, r1);
        String command = world.lastUpgradeCommand();
        world.ssm.finishUpgrade(command, "Success");

        UpgradeOutcome first = world.gate.onCommandStatus(command, "Success");
        UpgradeOutcome repeat = world.gate.onCommandStatus(command, "Success");
        UpgradeOutcome trigger = world.gate.trigger(ENV, r1);

        assertThat(first.kind()).isEqualTo(UpgradeOutcome.Kind.SUCCEEDED);
        assertThat(repeat.kind()).isEqualTo(UpgradeOutcome.Kind.DUPLICATE);
        assertThat(trigger.kind()).isEqualTo(UpgradeOutcome.Kind.DUPLICATE);
        DatabaseRecord db = world.upgradeRecords.database(ENV);
        assertThat(db.dbVersion()).isEqualTo(60421);
        assertThat(db.upgradedBy()).isEqualTo(r1.value());
        assertThat(world.ssm.upgrades()).hasSize(1);
    }

    @Test
    void onCommandStatus_whenFailed_blocksPromotionsAndAlertsUntilAcknowledged() {
        world.running(r1, "i-0000000000000000a");
        world.pointers.set(ENV, r1);
        world.gate.trigger(ENV, r1);
        String command = world.lastUpgradeCommand();

        UpgradeOutcome failed = world.gate.onCommandStatus(command, "Failed");
        UpgradeOutcome repeat = world.gate.onCommandStatus(command, "Failed");

        assertThat(failed.kind()).isEqualTo(UpgradeOutcome.Kind.FAILED);
        assertThat(repeat.kind()).isEqualTo(UpgradeOutcome.Kind.DUPLICATE);
        assertThat(world.alerts).singleElement().asString().contains("database upgrade failed in production");
        ReleaseId next = world.release("aaaaaaaaaaa2", 60500);
        assertThat(world.guard.refusal(ENV, RolloutWorld.manifest(next, 60500), true))
                .hasValueSatisfying(why -> assertThat(why).contains("blocked").contains("fleetpress upgrade ack production"));

        world.gate.acknowledge(ENV, "operator alice");

        assertThat(world.guard.refusal(ENV, RolloutWorld.manifest(next, 60500), false)).isEmpty();
        assertThat(world.upgradeRecords.gate(ENV, r1).orElseThrow().state()).isEqualTo(UpgradeState.FAILED);
    }

    @Test
    void onCommandStatus_whenTheInstanceWasTerminated_retriesOnAnotherInstance() {
        world.running(r1, "i-0000000000000000a", "i-0000000000000000b");
        world.pointers.set(ENV, r1);
        world.gate.trigger(ENV, r1);
        String first = world.lastUpgradeCommand();
        world.ssm.remove(RolloutWorld.GROUP, "i-0000000000000000a");

        UpgradeOutcome outcome = world.gate.onCommandStatus(first, "Terminated");

        assertThat(outcome.kind()).isEqualTo(UpgradeOutcome.Kind.RETRYING);
        assertThat(world.ssm.upgrades()).extracting(c -> c.instanceId())
                .containsExactly("i-0000000000000000a", "i-0000000000000000b");
        assertThat(world.upgradeRecords.gate(ENV, r1).orElseThrow().attempt()).isEqualTo(2);
        assertThat(world.alerts).isEmpty();
    }

    @Test
    void trigger_whenNoInstanceRunsTheRelease_waitsAndClaimsAgainLater() {
        world.pointers.set(ENV, r1);

        UpgradeOutcome waiting = world.gate.trigger(ENV, r1);
        world.running(r1, "i-0000000000000000a");
        UpgradeOutcome later = world.gate.trigger(ENV, r1);

        assertThat(waiting.kind()).isEqualTo(UpgradeOutcome.Kind.WAITING);
        assertThat(later.kind()).isEqualTo(UpgradeOutcome.Kind.SENT);
    }

    @Test
    void trigger_whenTheEnvironmentMovedOn_isSupersededWithoutARun() {
        ReleaseId r2 = world.release("aaaaaaaaaaa2", 60421);
        world.running(r1, "i-0000000000000000a");
        world.pointers.set(ENV, r2);

        assertThat(world.gate.trigger(ENV, r1).kind()).isEqualTo(UpgradeOutcome.Kind.SUPERSEDED);
        assertThat(world.ssm.upgrades()).isEmpty();
    }

    @Test
    void trigger_whenTheRunningLeaseExpired_pollsTheCommandInsteadOfRunningAgain() {
        world.running(r1, "i-0000000000000000a");
        world.pointers.set(ENV, r1);
        world.gate.trigger(ENV, r1);
        world.ssm.finishUpgrade(world.lastUpgradeCommand(), "Success");
        world.clock.advance(RolloutWorld.RUN_LEASE.plus(Duration.ofSeconds(1)));

        assertThat(world.gate.trigger(ENV, r1).kind()).isEqualTo(UpgradeOutcome.Kind.SUCCEEDED);
        assertThat(world.ssm.upgrades()).hasSize(1);
    }

    @Test
    void onCommandStatus_whenTheCommandIsUnknown_isIgnored() {
        assertThat(world.gate.onCommandStatus("11111111-2222-3333-4444-555555555555", "Success").kind())
                .isEqualTo(UpgradeOutcome.Kind.IGNORED);
    }

    @Test
    void trigger_whenTheReleaseIsNotRecorded_isIgnored() {
        ReleaseId unknown = ReleaseId.of("r-cccccccccccc");
        world.pointers.set(ENV, unknown);

        assertThat(world.gate.trigger(ENV, unknown).kind()).isEqualTo(UpgradeOutcome.Kind.IGNORED);
        assertThat(world.upgradeRecords.gate(ENV, unknown)).isEmpty();
    }

    static <T> List<T> concurrently(ExecutorService pool, int n, Callable<T> task) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
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

    @Test
    void trigger_whenAnEnvironmentWaitsForAnInstanceMoreTimesThanMaxAttempts_neverFailsTheGate() {
        world.pointers.set(ENV, r1);

        for (int i = 0; i < 10; i++) {
            assertThat(world.gate.trigger(ENV, r1).kind()).isEqualTo(UpgradeOutcome.Kind.WAITING);
        }
        world.running(r1, "i-0000000000000000a");

        assertThat(world.gate.trigger(ENV, r1).kind()).isEqualTo(UpgradeOutcome.Kind.SENT);
        assertThat(world.upgradeRecords.database(ENV).blocked()).isFalse();
        assertThat(world.alerts).isEmpty();
    }

    @Test
    void onCommandStatus_whenEveryInstanceVanishesMaxAttemptsTimes_failsOnce() {
        world.running(r1, "i-0000000000000000a", "i-0000000000000000b", "i-0000000000000000c");
        world.pointers.set(ENV, r1);
        world.gate.trigger(ENV, r1);
        UpgradeOutcome last = null;
        for (int i = 0; i < 3; i++) {
            last = world.gate.onCommandStatus(world.lastUpgradeCommand(), "Undeliverable");
        }

        assertThat(world.ssm.upgrades()).hasSize(3);
        assertThat(last.message()).contains("no instance completed the upgrade command in 3 attempts");
        assertThat(world.upgradeRecords.gate(ENV, r1).orElseThrow().state()).isEqualTo(UpgradeState.FAILED);
        assertThat(world.alerts).hasSize(1);
    }
}

package dev.fleetpress.rollout;

import static dev.fleetpress.rollout.RolloutWorld.ENV;
import static dev.fleetpress.rollout.RolloutWorld.GROUP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.fleet.InstanceRecord;
import dev.fleetpress.fleet.InstanceState;
import dev.fleetpress.release.ReleaseId;
import dev.fleetpress.upgrade.UpgradeOutcome;
import dev.fleetpress.upgrade.UpgradeState;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** Rolling activation across a group, and how it hands over to the upgrade gate. */
class RolloutsTest {
    private static final String A = "i-0000000000000000a";
    private static final String B = "i-0000000000000000b";
    private static final String C = "i-0000000000000000c";

    private final RolloutWorld world = new RolloutWorld();
    private final ReleaseId r1 = world.release("aaaaaaaaaaa1", 60421);
    private final ReleaseId r2 = world.release("aaaaaaaaaaa2", 60500);

    @Test
    void onPointerChanged_whenTheEnvironmentHasInstances_sendsOneActivationAcrossItsGroup() {
        world.running(r1, A, B, C);

        RolloutOutcome outcome = world.promote(r2);

        assertThat(outcome.kind()).isEqualTo(RolloutOutcome.Kind.ACTIVATION_SENT);
        assertThat(world.ssm.activations()).singleElement().satisfies(c -> {
            assertThat(c.group()).isEqualTo(GROUP);
            assertThat(c.document()).isEqualTo("fleetpress-local-bootstrap");
            assertThat(c.maxConcurrency()).isEqualTo("50%");
            assertThat(c.maxErrors()).isEqualTo("0");
            assertThat(c.parameters()).containsEntry("ReleaseId", r2.value()).containsEntry("Environment", ENV)
                    .containsEntry("ReleaseBucket", "fleetpress-local-releasebucket").containsEntry("ParameterPrefix", "/fleetpress/fleetpress-local");
        });
    }

    @Test
    void onPointerChanged_when50DuplicateEventsArriveAtOnce_activatesOnce() throws Exception {
        world.running(r1, A, B, C);
        world.pointers.set(ENV, r2);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<RolloutOutcome> outcomes = UpgradeGateTest.concurrently(pool, 50, () -> world.rollouts.onPointerChanged(ENV));

            assertThat(outcomes).filteredOn(o -> o.kind() == RolloutOutcome.Kind.ACTIVATION_SENT).hasSize(1);
            assertThat(world.ssm.activations()).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void onActivationStatus_whenEveryInstanceSucceeded_recordsTheirReleaseAndRunsTheUpgradeOnce() {
        world.running(r1, A, B, C);
        world.promote(r2);

        RolloutOutcome done = world.finishActivation();
        String command = world.rolloutRecords.current(ENV).orElseThrow().commandId();
        RolloutOutcome repeat = world.rollouts.onActivationStatus(command, "Success");

        assertThat(done.kind()).isEqualTo(RolloutOutcome.Kind.ACTIVATED);
        assertThat(done.upgrade().kind()).isEqualTo(UpgradeOutcome.Kind.SENT);
        assertThat(repeat.kind()).isEqualTo(RolloutOutcome.Kind.DUPLICATE);
        assertThat(world.ssm.upgrades()).hasSize(1);
        for (String i : List.of(A, B, C)) {
            InstanceRecord record = world.fleet.instance(i).orElseThrow();
            assertThat(record.release()).isEqualTo(r2.value());
            assertThat(record.state()).isEqualTo(InstanceState.ACTIVATED);
        }
    }

    @Test
    void onActivationStatus_whenAnInstanceFailed_alertsAndRunsNoUpgrade() {
        world.running(r1, A, B);
        world.ssm.failActivationOn(B);
        world.promote(r2);

        RolloutOutcome outcome = world.finishActivation();

        assertThat(outcome.kind()).isEqualTo(RolloutOutcome.Kind.ACTIVATION_FAILED);
        assertThat(outcome.message()).contains(B + " Failed");
        assertThat(world.alerts).singleElement().asString().contains("stopped");
        assertThat(world.ssm.upgrades()).isEmpty();
        assertThat(world.fleet.instance(B).orElseThrow().release()).isEqualTo(r1.value());
        assertThat(world.fleet.instance(B).orElseThrow().state()).isEqualTo(InstanceState.ACTIVATION_FAILED);
        assertThat(world.rolloutRecords.current(ENV).orElseThrow().state()).isEqualTo(RolloutState.FAILED);
    }

    @Test
    void onPointerChanged_whenANewerReleaseArrivesMidRoll_cancelsTheOlderAndTheLaterWins() {
        ReleaseId r3 = world.release("aaaaaaaaaaa3", 60500);
        world.running(r1, A, B);
        world.promote(r2);
        String older = world.ssm.activationIds().get(0);

        RolloutOutcome newer = world.promote(r3);
        RolloutOutcome lateStatus = world.rollouts.onActivationStatus(older, world.ssm.finishActivation(older));

        assertThat(newer.kind()).isEqualTo(RolloutOutcome.Kind.ACTIVATION_SENT);
        assertThat(world.ssm.cancelled()).containsExactly(older);
        assertThat(lateStatus.kind()).isEqualTo(RolloutOutcome.Kind.STALE);
        assertThat(world.rolloutRecords.archived(ENV, 1).orElseThrow().state()).isEqualTo(RolloutState.SUPERSEDED);
        assertThat(world.finishActivation().kind()).isEqualTo(RolloutOutcome.Kind.ACTIVATED);
        assertThat(world.ssm.upgrades()).singleElement()
                .satisfies(c -> assertThat(c.parameters()).containsEntry("ReleaseId", r3.value()));
    }

    @Test
    void onPointerChanged_whenTheGroupIsEmpty_isActivatedAndTheGateWaitsForAnInstance() {
        world.ssm.inService(GROUP);

        RolloutOutcome outcome = world.promote(r1);

        assertThat(outcome.kind()).isEqualTo(RolloutOutcome.Kind.ACTIVATED);
        assertThat(outcome.upgrade().kind()).isEqualTo(UpgradeOutcome.Kind.WAITING);
        assertThat(world.ssm.activations()).isEmpty();

        // A launch bootstraps r1; the next reconciliation lets the gate run.
        world.running(r1, A);
        world.rollouts.reconcile();

        assertThat(world.ssm.upgrades()).singleElement().satisfies(c -> assertThat(c.instanceId()).isEqualTo(A));
    }

    @Test
    void reconcile_whenThePointerEventAndTheStatusEventWereLost_finishesTheRollout() {
        world.running(r1, A, B);
        world.pointers.set(ENV, r2);

        world.rollouts.reconcile();
        world.ssm.finishActivation(world.ssm.activationIds().get(0));
        List<RolloutOutcome> outcomes = world.rollouts.reconcile();

        assertThat(outcomes).filteredOn(o -> o.environment().equals(ENV)).singleElement()
                .satisfies(o -> assertThat(o.kind()).isEqualTo(RolloutOutcome.Kind.ACTIVATED));
        assertThat(world.ssm.upgrades()).hasSize(1);
    }

    @Test
    void reconcile_whenTheStarterDiedBeforeSending_takesOverAfterTheLease() {
        world.running(r1, A);
        world.pointers.set(ENV, r2);
        // A starter that wrote STARTING and died: its record without a command.
        world.ledger.put("rollouts/production.json", "{\"environment\":\"production\",\"release\":\"" + r2.value()
                + "\",\"pointerVersion\":1,\"state\":\"STARTING\",\"owner\":\"gone\",\"leaseUntil\":\""
                + world.clock.instant().plus(RolloutWorld.CLAIM_LEASE) + "\",\"commandId\":\"\",\"instances\":{},"
                + "\"reason\":\"\",\"startedAt\":\"" + world.clock.instant() + "\",\"updatedAt\":\"" + world.clock.instant() + "\"}");

        assertThat(world.rollouts.onPointerChanged(ENV).kind()).isEqualTo(RolloutOutcome.Kind.IN_PROGRESS);
        world.clock.advance(RolloutWorld.CLAIM_LEASE.plusSeconds(1));

        assertThat(world.rollouts.onPointerChanged(ENV).kind()).isEqualTo(RolloutOutcome.Kind.ACTIVATION_SENT);
        assertThat(world.ssm.activations()).hasSize(1);
    }

    @Test
    void onPointerChanged_whenThePointerHoldsSomethingElse_isRejected() {
        world.pointers.set(ENV, r1);
        // Hand-edited parameters are possible; their value is never acted on.
        assertThat(world.rollouts.onPointerChanged("staging").kind()).isEqualTo(RolloutOutcome.Kind.IGNORED);
        assertThat(world.rollouts.onPointerChanged("qa").kind()).isEqualTo(RolloutOutcome.Kind.IGNORED);
    }

    @Test
    void upgradeGate_afterSuccess_guardRefusesARollbackBelowTheDatabaseUnlessForced() {
        world.running(r1, A);
        world.promote(r2);
        world.finishActivation();
        String upgrade = world.lastUpgradeCommand();
        world.ssm.finishUpgrade(upgrade, "Success");
        world.gate.onCommandStatus(upgrade, "Success");

        assertThat(world.upgradeRecords.gate(ENV, r2).orElseThrow().state()).isEqualTo(UpgradeState.SUCCEEDED);
        assertThat(world.guard.refusal(ENV, RolloutWorld.manifest(r1, 60421), false))
                .hasValueSatisfying(why -> assertThat(why).contains("db version 60500").contains("--force"));
        assertThat(world.guard.refusal(ENV, RolloutWorld.manifest(r1, 60421), true)).isEmpty();
        assertThat(world.guard.refusal(ENV, RolloutWorld.manifest(r2, 60500), false)).isEmpty();
    }

    @Test
    void onActivationStatus_whenAnInstanceLeftTheGroupMidRoll_sendsAgainForTheOthersAndSucceeds() {
        world.running(r1, A, B, C);
        world.promote(r2);
        String first = world.ssm.activationIds().get(0);
        // A is terminated by a scale-in while activating; SSM stops and never starts C.
        world.ssm.remove(GROUP, A);
        world.ssm.finishActivationWith(first, "Failed", java.util.Map.of(A, "Terminated", B, "Success", C, "Cancelled"));

        RolloutOutcome retried = world.rollouts.onActivationStatus(first, "Failed");
        RolloutOutcome done = world.finishActivation();

        assertThat(retried.kind()).isEqualTo(RolloutOutcome.Kind.ACTIVATION_SENT);
        assertThat(world.ssm.activations()).hasSize(2);
        assertThat(done.kind()).isEqualTo(RolloutOutcome.Kind.ACTIVATED);
        assertThat(world.rolloutRecords.current(ENV).orElseThrow().attempt()).isEqualTo(2);
        assertThat(world.alerts).isEmpty();
        assertThat(world.ssm.upgrades()).hasSize(1);
    }

    @Test
    void onActivationStatus_whenOnlyALeftInstanceFailed_isActivated() {
        world.running(r1, A, B);
        world.promote(r2);
        String first = world.ssm.activationIds().get(0);
        world.ssm.remove(GROUP, A);
        world.ssm.finishActivationWith(first, "Failed", java.util.Map.of(A, "Undeliverable", B, "Success"));

        RolloutOutcome outcome = world.rollouts.onActivationStatus(first, "Failed");

        assertThat(outcome.kind()).isEqualTo(RolloutOutcome.Kind.ACTIVATED);
        assertThat(outcome.message()).contains("1 left the group");
    }
}

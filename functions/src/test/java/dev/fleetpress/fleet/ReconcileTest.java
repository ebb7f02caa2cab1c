package dev.fleetpress.fleet;

import static dev.fleetpress.fleet.FleetWorld.GROUP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.fleet.FakeAutoScaling.Completion;
import dev.fleetpress.fleet.FleetOutcome.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReconcileTest {
    private static final String INSTANCE = "i-0a1b2c3d4e5f60718";

    private final FleetWorld world = new FleetWorld();

    @Test
    void reconcile_whenLaunchEventLost_bootstrapsAndCompletesByInstanceId() {
        world.launch(INSTANCE);

        FleetOutcome outcome = world.fleet.reconcile().get(0);
        world.commandEnds(INSTANCE, "Success");

        assertThat(outcome.kind()).isEqualTo(Kind.COMMAND_SENT);
        assertThat(world.action(INSTANCE, Phase.LAUNCH).token()).isEmpty();
        assertThat(world.autoScaling.completions())
                .containsExactly(new Completion(INSTANCE, Phase.LAUNCH, LifecycleResult.CONTINUE));
    }

    @Test
    void onLifecycleEvent_whenLateAfterReconcileTookOver_addsTokenAndSendsNothing() {
        LifecycleAction action = world.launch(INSTANCE);
        world.fleet.reconcile();

        FleetOutcome late = world.fleet.onLifecycleEvent(action);

        assertThat(late.kind()).isEqualTo(Kind.DUPLICATE);
        assertThat(world.ssm.sent()).hasSize(1);
        assertThat(world.action(INSTANCE, Phase.LAUNCH).token()).isEqualTo(action.token());
    }

    @Test
    void reconcile_whenStatusEventLost_completesFromCommandInvocation() {
        world.fleet.onLifecycleEvent(world.launch(INSTANCE));
        world.ssm.finish(world.ssm.lastCommandTo(INSTANCE), "Success");

        FleetOutcome outcome = world.fleet.reconcile().get(0);

        assertThat(outcome.kind()).isEqualTo(Kind.COMPLETED);
        assertThat(world.autoScaling.completions())
                .containsExactly(new Completion(INSTANCE, Phase.LAUNCH, LifecycleResult.CONTINUE));
        assertThat(world.instance(INSTANCE).orElseThrow().state()).isEqualTo(InstanceState.BOOTSTRAPPED);
    }

    @Test
    void reconcile_whenCommandStillRunning_recordsHeartbeat() {
        world.fleet.onLifecycleEvent(world.launch(INSTANCE));

        FleetOutcome outcome = world.fleet.reconcile().get(0);

        assertThat(outcome.kind()).isEqualTo(Kind.COMMAND_SENT);
        assertThat(world.autoScaling.heartbeats()).containsExactly(INSTANCE);
        assertThat(world.autoScaling.completions()).isEmpty();
    }

    @Test
    void reconcile_whenCommandOutlivesDeadline_abandons() {
        world.fleet.onLifecycleEvent(world.launch(INSTANCE));
        world.clock.advance(Duration.ofSeconds(1801));

        world.fleet.reconcile();

        assertThat(world.autoScaling.completions())
                .containsExactly(new Completion(INSTANCE, Phase.LAUNCH, LifecycleResult.ABANDON));
        assertThat(world.instance(INSTANCE).orElseThrow().state()).isEqualTo(InstanceState.TIMED_OUT);
    }

    @Test
    void reconcile_whenRetryMessagesLost_sendsAgain() {
        world.fleet.onLifecycleEvent(world.autoScaling.begin(INSTANCE, GROUP, Phase.LAUNCH));
        world.queue.receive();
        world.ssm.register(INSTANCE);
        world.clock.advance(Duration.ofSeconds(120));

        FleetOutcome outcome = world.fleet.reconcile().get(0);

        assertThat(outcome.kind()).isEqualTo(Kind.COMMAND_SENT);
        assertThat(world.ssm.sent()).hasSize(1);
    }

    @Test
    void reconcile_whenTerminateEventLost_drainsThenContinues() {
        world.ssm.register(INSTANCE);
        world.autoScaling.begin(INSTANCE, GROUP, Phase.TERMINATE);

        world.fleet.reconcile();
        world.ssm.finish(world.ssm.lastCommandTo(INSTANCE), "Success");
        world.fleet.reconcile();

        assertThat(world.ssm.sent()).singleElement().satisfies(c -> assertThat(c.document()).isEqualTo(FleetWorld.DRAIN));
        assertThat(world.autoScaling.completions())
                .containsExactly(new Completion(INSTANCE, Phase.TERMINATE, LifecycleResult.CONTINUE));
        assertThat(world.instance(INSTANCE).orElseThrow().state()).isEqualTo(InstanceState.DRAINED);
    }

    @Test
    void reconcile_whenWarmPoolLeaveEventLost_bootstrapsForLeavingThePool() {
        world.ssm.register(INSTANCE);
        world.fleet.onLifecycleEvent(world.autoScaling.begin(INSTANCE, GROUP, Phase.WARM_POOL_ENTER));
        world.commandEnds(INSTANCE, "Success");
        world.autoScaling.begin(INSTANCE, GROUP, Phase.WARM_POOL_LEAVE);

        world.fleet.reconcile();
        world.commandEnds(INSTANCE, "Success");

        assertThat(world.action(INSTANCE, Phase.WARM_POOL_LEAVE).state()).isEqualTo(ActionState.COMPLETED);
        assertThat(world.autoScaling.state(INSTANCE)).isEqualTo("InService");
    }

    @Test
    void reconcile_whenOneInstanceFails_movesTheOthersOn() {
        world.launch(INSTANCE);
        world.launch("i-0b1c2d3e4f5a60718");
        world.ssm.fail(true);

        List<FleetOutcome> outcomes = world.fleet.reconcile();

        assertThat(outcomes).extracting(FleetOutcome::kind).containsOnly(Kind.FAILED);
        world.ssm.fail(false);
        assertThat(world.fleet.reconcile()).extracting(FleetOutcome::kind).containsOnly(Kind.COMMAND_SENT);
    }

    @Test
    void reconcile_whenCompletionFailedAfterItWasDecided_completesIt() {
        world.fleet.onLifecycleEvent(world.launch(INSTANCE));
        world.autoScaling.failCompletions(true);
        assertThatThrownBy(() -> world.commandEnds(INSTANCE, "Success")).isInstanceOf(FleetBackendException.class);
        world.autoScaling.failCompletions(false);

        world.fleet.reconcile();

        assertThat(world.autoScaling.completions())
                .containsExactly(new Completion(INSTANCE, Phase.LAUNCH, LifecycleResult.CONTINUE));
        assertThat(world.action(INSTANCE, Phase.LAUNCH).confirmed()).isTrue();
    }

    @Test
    void onCommandStatus_whenRedeliveredAfterCompletionFailed_completesIt() {
        world.fleet.onLifecycleEvent(world.launch(INSTANCE));
        String commandId = world.ssm.lastCommandTo(INSTANCE);
        world.autoScaling.failCompletions(true);
        assertThatThrownBy(() -> world.commandEnds(INSTANCE, "Success")).isInstanceOf(FleetBackendException.class);
        world.autoScaling.failCompletions(false);

        FleetOutcome redelivered = world.fleet.onCommandStatus(commandId, INSTANCE, "Success");

        assertThat(redelivered.kind()).isEqualTo(Kind.COMPLETED);
        assertThat(world.autoScaling.completions()).hasSize(1);
    }

    /**
     * Thirty launches and their terminations with a share of every best-effort event dropped (and some
     * delivered twice): reconciliation every two minutes still completes every action exactly once,
     * with the right result.
     */
    @Test
    void reconcile_whenEventsDropped_everyActionCompletesCorrectly() {
        Random random = new Random(20261127L);
        FleetWorld sim = new FleetWorld(1000);
        double drop = 0.3;
        List<String> instances = new ArrayList<>();
        Map<String, Instant> registersAt = new HashMap<>();
        Map<String, Instant> commandEndsAt = new HashMap<>();
        for (int n = 0; n < 30; n++) {
            String id = String.format("i-%017x", 0xabc000L + n);
            instances.add(id);
            registersAt.put(id, sim.clock.instant().plusSeconds(random.nextInt(90)));
            LifecycleAction action = sim.autoScaling.begin(id, GROUP, Phase.LAUNCH);
            deliver(random, drop, () -> sim.fleet.onLifecycleEvent(action));
            sim.clock.advance(Duration.ofSeconds(5));
        }
        run(sim, random, drop, registersAt, commandEndsAt, Duration.ofMinutes(20));

        for (String id : instances) {
            LifecycleResult expected = failing(id) ? LifecycleResult.ABANDON : LifecycleResult.CONTINUE;
            assertThat(sim.autoScaling.completionsOf(id)).as(id)
                    .containsExactly(new Completion(id, Phase.LAUNCH, expected));
            assertThat(sim.instance(id).orElseThrow().state()).as(id)
                    .isEqualTo(failing(id) ? InstanceState.BOOTSTRAP_FAILED : InstanceState.BOOTSTRAPPED);
        }

        List<String> serving = instances.stream().filter(id -> !failing(id)).toList();
        for (String id : serving) {
            LifecycleAction action = sim.autoScaling.begin(id, GROUP, Phase.TERMINATE);
            deliver(random, drop, () -> sim.fleet.onLifecycleEvent(action));
        }
        run(sim, random, drop, registersAt, commandEndsAt, Duration.ofMinutes(10));

        for (String id : serving) {
            assertThat(sim.autoScaling.completionsOf(id)).as(id)
                    .endsWith(new Completion(id, Phase.TERMINATE, LifecycleResult.CONTINUE)).hasSize(2);
            assertThat(sim.instance(id).orElseThrow().state()).as(id).isEqualTo(InstanceState.DRAINED);
        }
        assertThat(sim.autoScaling.waiting(sim.config.groups().groups())).isEmpty();
    }

    /** Every seventh instance cannot bootstrap (a bad disk, say): its launch must be abandoned. */
    private static boolean failing(String instanceId) {
        return Long.parseLong(instanceId.substring(2), 16) % 7 == 3;
    }

    private static void run(FleetWorld sim, Random random, double drop, Map<String, Instant> registersAt,
                            Map<String, Instant> commandEndsAt, Duration length) {
        Instant end = sim.clock.instant().plus(length);
        long tick = 0;
        while (sim.clock.instant().isBefore(end)) {
            sim.clock.advance(Duration.ofSeconds(5));
            tick++;
            Instant now = sim.clock.instant();
            registersAt.forEach((id, at) -> {
                if (!at.isAfter(now)) {
                    sim.ssm.register(id);
                }
            });
            // SQS itself does not drop messages; its deliveries are at least once.
            for (RetryMessage message : sim.queue.receive()) {
                sim.fleet.onRetry(message);
                if (random.nextDouble() < 0.1) {
                    sim.fleet.onRetry(message);
                }
            }
            for (String commandId : sim.ssm.running()) {
                Instant endsAt = commandEndsAt.computeIfAbsent(commandId, c -> now.plusSeconds(10 + random.nextInt(50)));
                if (!endsAt.isAfter(now)) {
                    String instanceId = sim.ssm.command(commandId).instanceId();
                    boolean bootstrap = sim.ssm.command(commandId).document().equals(FleetWorld.BOOTSTRAP);
                    String status = bootstrap && failing(instanceId) ? "Failed" : "Success";
                    sim.ssm.finish(commandId, status);
                    deliver(random, drop, () -> sim.fleet.onCommandStatus(commandId, instanceId, status));
                }
            }
            if (tick % 24 == 0) {
                sim.fleet.reconcile();
            }
        }
    }

    /** Delivers an event unless it is dropped; one in ten delivered events arrives twice. */
    private static void deliver(Random random, double drop, Runnable event) {
        if (random.nextDouble() < drop) {
            return;
        }
        event.run();
        if (random.nextDouble() < 0.1) {
            event.run();
        }
    }
}

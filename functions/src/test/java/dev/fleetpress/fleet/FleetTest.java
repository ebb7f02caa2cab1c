package dev.fleetpress.fleet;

import static dev.fleetpress.fleet.FleetWorld.GROUP;
import static dev.fleetpress.fleet.FleetWorld.NEWER;
import static dev.fleetpress.fleet.FleetWorld.RELEASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.fleet.FakeAutoScaling.Completion;
import dev.fleetpress.fleet.FleetOutcome.Kind;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FleetTest {
    private static final String INSTANCE = "i-0a1b2c3d4e5f60718";

    private final FleetWorld world = new FleetWorld();

    @Test
    void onLifecycleEvent_whenAgentReady_sendsBootstrapWithCurrentRelease() {
        FleetOutcome outcome = world.fleet.onLifecycleEvent(world.launch(INSTANCE));

        assertThat(outcome.kind()).isEqualTo(Kind.COMMAND_SENT);
        CommandRunner.Command sent = world.ssm.sent().get(0);
        assertThat(sent.instanceId()).isEqualTo(INSTANCE);
        assertThat(sent.document()).isEqualTo(FleetWorld.BOOTSTRAP);
        assertThat(sent.parameters()).isEqualTo(Map.of("ReleaseId", RELEASE.value(), "Environment", "production",
                "ReleaseBucket", FleetWorld.BUCKET, "ParameterPrefix", "/fleetpress/fleetpress-local"));
        assertThat(sent.comment()).contains(RELEASE.value(), "production").hasSizeLessThanOrEqualTo(100);
        assertThat(world.autoScaling.completions()).isEmpty();
    }

    @Test
    void onCommandStatus_whenBootstrapSucceeded_continuesAndRecordsInstance() {
        world.fleet.onLifecycleEvent(world.launch(INSTANCE));

        FleetOutcome outcome = world.commandEnds(INSTANCE, "Success");

        assertThat(outcome.kind()).isEqualTo(Kind.COMPLETED);
        assertThat(world.autoScaling.completions())
                .containsExactly(new Completion(INSTANCE, Phase.LAUNCH, LifecycleResult.CONTINUE));
        assertThat(world.autoScaling.state(INSTANCE)).isEqualTo("InService");
        InstanceRecord record = world.instance(INSTANCE).orElseThrow();
        assertThat(record.state()).isEqualTo(InstanceState.BOOTSTRAPPED);
        assertThat(record.release()).isEqualTo(RELEASE.value());
        assertThat(record.group()).isEqualTo(GROUP);
        assertThat(record.commandId()).isEqualTo(world.ssm.lastCommandTo(INSTANCE));
    }

    @Test
    void onLifecycleEvent_whenAgentNotReady_queuesRetryAndRecordsHeartbeat() {
        LifecycleAction action = world.autoScaling.begin(INSTANCE, GROUP, Phase.LAUNCH);

        FleetOutcome outcome = world.fleet.onLifecycleEvent(action);

        assertThat(outcome.kind()).isEqualTo(Kind.WAITING_FOR_AGENT);
        assertThat(world.ssm.sent()).isEmpty();
        assertThat(world.queue.pending()).singleElement().satisfies(q -> {
            assertThat(q.message().attempt()).isEqualTo(1);
            assertThat(q.visibleAt()).isEqualTo(FleetWorld.START.plusSeconds(15));
        });
        assertThat(world.autoScaling.heartbeats()).containsExactly(INSTANCE);
    }

    @Test
    void onRetry_whenAgentRegisteredMeanwhile_sendsAndLaterContinues() {
        world.fleet.onLifecycleEvent(world.autoScaling.begin(INSTANCE, GROUP, Phase.LAUNCH));
        world.deliverRetries(Duration.ofSeconds(15));
        world.ssm.register(INSTANCE);

        world.deliverRetries(Duration.ofSeconds(15));
        world.commandEnds(INSTANCE, "Success");

        assertThat(world.ssm.sent()).hasSize(1);
        assertThat(world.autoScaling.completions())
                .containsExactly(new Completion(INSTANCE, Phase.LAUNCH, LifecycleResult.CONTINUE));
        assertThat(world.autoScaling.heartbeats()).hasSize(2);
    }

    @Test
    void onRetry_whenDeadlinePassed_abandons() {
        world.fleet.onLifecycleEvent(world.autoScaling.begin(INSTANCE, GROUP, Phase.LAUNCH));

        for (int i = 0; i < 130; i++) {
            world.deliverRetries(Duration.ofSeconds(15));
        }

        assertThat(world.autoScaling.completions())
                .containsExactly(new Completion(INSTANCE, Phase.LAUNCH, LifecycleResult.ABANDON));
        assertThat(world.instance(INSTANCE).orElseThrow().state()).isEqualTo(InstanceState.TIMED_OUT);
        assertThat(world.queue.pending()).isEmpty();
    }

    @Test
    void onRetry_whenThrottled_waitsLikeAnUnreadyAgent() {
        world.ssm.throttle(true);
        world.fleet.onLifecycleEvent(world.launch(INSTANCE));
        world.ssm.throttle(false);

        world.deliverRetries(Duration.ofSeconds(15));

        assertThat(world.ssm.sent()).hasSize(1);
        assertThat(world.action(INSTANCE, Phase.LAUNCH).state()).isEqualTo(ActionState.COMMAND_SENT);
    }

    @Test
    void onRetry_whenMessageDeliveredTwice_sendsOnce() {
        world.fleet.onLifecycleEvent(world.autoScaling.begin(INSTANCE, GROUP, Phase.LAUNCH));
        RetryMessage message = world.queue.pending().get(0).message();
        world.ssm.register(INSTANCE);

        world.fleet.onRetry(message);
        FleetOutcome second = world.fleet.onRetry(message);

        assertThat(second.kind()).isEqualTo(Kind.STALE);
        assertThat(world.ssm.sent()).hasSize(1);
    }

    @Test
    void onLifecycleEvent_whenQueueFailsAndEventIsRedelivered_triesAgain() {
        world.queue.failSends(true);
        LifecycleAction action = world.autoScaling.begin(INSTANCE, GROUP, Phase.LAUNCH);
        assertThatThrownBy(() -> world.fleet.onLifecycleEvent(action)).isInstanceOf(FleetBackendException.class);
        world.queue.failSends(false);

        FleetOutcome redelivered = world.fleet.onLifecycleEvent(action);

        assertThat(redelivered.kind()).isEqualTo(Kind.WAITING_FOR_AGENT);
        assertThat(world.queue.pending()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Failed", "TimedOut", "Cancelled", "DeliveryTimedOut"})
    void onCommandStatus_whenBootstrapDidNotSucceed_abandons(String status) {
        world.fleet.onLifecycleEvent(world.launch(INSTANCE));

        FleetOutcome outcome = world.commandEnds(INSTANCE, status);

        assertThat(outcome.result()).isEqualTo("ABANDON");
        assertThat(world.autoScaling.completions())
                .containsExactly(new Completion(INSTANCE, Phase.LAUNCH, LifecycleResult.ABANDON));
        assertThat(world.instance(INSTANCE).orElseThrow().state()).isEqualTo(InstanceState.BOOTSTRAP_FAILED);
        assertThat(world.instance(INSTANCE).orElseThrow().reason()).contains(status);
    }

    @Test
    void onLifecycleEvent_whenEventDuplicated_sendsOneCommand() {
        LifecycleAction action = world.launch(INSTANCE);
        world.fleet.onLifecycleEvent(action);

        FleetOutcome duplicate = world.fleet.onLifecycleEvent(action);

        assertThat(duplicate.kind()).isEqualTo(Kind.DUPLICATE);
        assertThat(world.ssm.sent()).hasSize(1);
    }

    @Test
    void onCommandStatus_whenEventDuplicated_completesOnce() {
        world.fleet.onLifecycleEvent(world.launch(INSTANCE));
        String commandId = world.ssm.lastCommandTo(INSTANCE);
        world.commandEnds(INSTANCE, "Success");

        FleetOutcome duplicate = world.fleet.onCommandStatus(commandId, INSTANCE, "Success");

        assertThat(duplicate.kind()).isEqualTo(Kind.DUPLICATE);
        assertThat(world.autoScaling.completions()).hasSize(1);
    }

    @Test
    void onCommandStatus_whenActionNoLongerActive_treatsItAsDone() {
        world.fleet.onLifecycleEvent(world.launch(INSTANCE));
        world.autoScaling.expire(INSTANCE);

        FleetOutcome outcome = world.commandEnds(INSTANCE, "Success");

        assertThat(outcome.kind()).isEqualTo(Kind.COMPLETED);
        assertThat(outcome.message()).contains("no active action");
        assertThat(world.action(INSTANCE, Phase.LAUNCH).confirmed()).isTrue();
    }

    @Test
    void onCommandStatus_whenStillInProgress_ignoresIt() {
        world.fleet.onLifecycleEvent(world.launch(INSTANCE));

        FleetOutcome outcome = world.fleet.onCommandStatus(world.ssm.lastCommandTo(INSTANCE), INSTANCE, "InProgress");

        assertThat(outcome.kind()).isEqualTo(Kind.IGNORED);
        assertThat(world.autoScaling.completions()).isEmpty();
    }

    @Test
    void onCommandStatus_whenCommandUnknown_ignoresIt() {
        FleetOutcome outcome = world.fleet.onCommandStatus("3c9e1a7b-5d2f-4e8a-b6c4-0f1e2d3c4b5a", INSTANCE, "Success");

        assertThat(outcome.kind()).isEqualTo(Kind.IGNORED);
    }

    @Test
    void onCommandStatus_whenInstanceDiffersFromCommandsInstance_rejects() {
        world.fleet.onLifecycleEvent(world.launch(INSTANCE));

        FleetOutcome outcome = world.fleet.onCommandStatus(world.ssm.lastCommandTo(INSTANCE), "i-0fffffffffffffff0", "Success");

        assertThat(outcome.kind()).isEqualTo(Kind.REJECTED);
        assertThat(world.autoScaling.completions()).isEmpty();
    }

    @Test
    void onLifecycleEvent_whenEnvironmentHasNoRelease_abandonsWithReasonAndAlerts() {
        LifecycleAction action = world.autoScaling.begin("i-0b0b0b0b0b0b0b0b0", "fleetpress-staging", Phase.LAUNCH);
        world.ssm.register(action.instanceId());

        FleetOutcome outcome = world.fleet.onLifecycleEvent(action);

        assertThat(outcome.result()).isEqualTo("ABANDON");
        assertThat(world.ssm.sent()).isEmpty();
        assertThat(world.instance(action.instanceId()).orElseThrow().state()).isEqualTo(InstanceState.NO_RELEASE);
        assertThat(world.instance(action.instanceId()).orElseThrow().reason()).contains("staging has no current release");
        assertThat(world.alerts.published()).singleElement()
                .satisfies(a -> assertThat(a.subject()).contains("staging has no release"));
    }

    @Test
    void onLifecycleEvent_whenEnteringWarmPool_preparesReleaseThenContinues() {
        world.ssm.register(INSTANCE);
        world.fleet.onLifecycleEvent(world.autoScaling.begin(INSTANCE, GROUP, Phase.WARM_POOL_ENTER));

        world.commandEnds(INSTANCE, "Success");

        assertThat(world.ssm.sent().get(0).parameters()).containsEntry("ReleaseId", RELEASE.value());
        assertThat(world.autoScaling.state(INSTANCE)).isEqualTo("Warmed:Stopped");
        assertThat(world.instance(INSTANCE).orElseThrow().phase()).isEqualTo(Phase.WARM_POOL_ENTER);
    }

    @Test
    void onLifecycleEvent_whenLeavingWarmPoolAfterPromotion_installsReleaseCurrentNow() {
        world.ssm.register(INSTANCE);
        world.fleet.onLifecycleEvent(world.autoScaling.begin(INSTANCE, GROUP, Phase.WARM_POOL_ENTER));
        world.commandEnds(INSTANCE, "Success");
        world.pointers.set("production", NEWER);

        world.fleet.onLifecycleEvent(world.autoScaling.begin(INSTANCE, GROUP, Phase.WARM_POOL_LEAVE));
        world.commandEnds(INSTANCE, "Success");

        assertThat(world.ssm.sent()).extracting(c -> c.parameters().get("ReleaseId"))
                .containsExactly(RELEASE.value(), NEWER.value());
        assertThat(world.autoScaling.state(INSTANCE)).isEqualTo("InService");
        assertThat(world.instance(INSTANCE).orElseThrow().release()).isEqualTo(NEWER.value());
    }

    @Test
    void onLifecycleEvent_whenTerminating_drainsThenContinues() {
        world.fleet.onLifecycleEvent(world.launch(INSTANCE));
        world.commandEnds(INSTANCE, "Success");

        world.fleet.onLifecycleEvent(world.autoScaling.begin(INSTANCE, GROUP, Phase.TERMINATE));
        world.commandEnds(INSTANCE, "Success");

        CommandRunner.Command drain = world.ssm.sent().get(1);
        assertThat(drain.document()).isEqualTo(FleetWorld.DRAIN);
        assertThat(drain.parameters()).isEqualTo(Map.of("ReleaseBucket", FleetWorld.BUCKET));
        assertThat(world.autoScaling.completionsOf(INSTANCE)).last()
                .isEqualTo(new Completion(INSTANCE, Phase.TERMINATE, LifecycleResult.CONTINUE));
        assertThat(world.instance(INSTANCE).orElseThrow().state()).isEqualTo(InstanceState.DRAINED);
    }

    @Test
    void onCommandStatus_whenDrainFailed_continuesAndRecordsFailure() {
        world.ssm.register(INSTANCE);
        world.fleet.onLifecycleEvent(world.autoScaling.begin(INSTANCE, GROUP, Phase.TERMINATE));

        FleetOutcome outcome = world.commandEnds(INSTANCE, "Failed");

        assertThat(outcome.result()).isEqualTo("CONTINUE");
        assertThat(world.instance(INSTANCE).orElseThrow().state()).isEqualTo(InstanceState.DRAIN_FAILED);
    }

    @Test
    void onLifecycleEvent_whenTerminatingInstanceHasNoAgent_continuesWithoutDrain() {
        FleetOutcome outcome = world.fleet.onLifecycleEvent(world.autoScaling.begin(INSTANCE, GROUP, Phase.TERMINATE));

        assertThat(outcome.result()).isEqualTo("CONTINUE");
        assertThat(world.queue.pending()).isEmpty();
        assertThat(world.instance(INSTANCE).orElseThrow().state()).isEqualTo(InstanceState.DRAIN_SKIPPED);
    }

    @Test
    void onRetry_whenActionExpiredWhileWaiting_recordsExpiryAndStops() {
        world.fleet.onLifecycleEvent(world.autoScaling.begin(INSTANCE, GROUP, Phase.LAUNCH));
        world.autoScaling.expire(INSTANCE);

        world.deliverRetries(Duration.ofSeconds(15));

        assertThat(world.action(INSTANCE, Phase.LAUNCH).state()).isEqualTo(ActionState.COMPLETED);
        assertThat(world.instance(INSTANCE).orElseThrow().state()).isEqualTo(InstanceState.ACTION_EXPIRED);
        assertThat(world.queue.pending()).isEmpty();
    }

    @Test
    void onLifecycleEvent_whenNewTokenForCompletedPhase_startsNewAction() {
        world.ssm.register(INSTANCE);
        world.fleet.onLifecycleEvent(world.autoScaling.begin(INSTANCE, GROUP, Phase.LAUNCH));
        String first = world.ssm.lastCommandTo(INSTANCE);
        world.commandEnds(INSTANCE, "Success");

        world.fleet.onLifecycleEvent(world.autoScaling.begin(INSTANCE, GROUP, Phase.LAUNCH));
        FleetOutcome late = world.fleet.onCommandStatus(first, INSTANCE, "Success");

        assertThat(world.ssm.sent()).hasSize(2);
        assertThat(late.kind()).isEqualTo(Kind.STALE);
    }
}

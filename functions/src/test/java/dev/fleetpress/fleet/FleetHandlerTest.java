package dev.fleetpress.fleet;

import static dev.fleetpress.fleet.FleetWorld.GROUP;
import static dev.fleetpress.fleet.FleetWorld.RELEASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.fleet.FakeAutoScaling.Completion;
import dev.fleetpress.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FleetHandlerTest {
    /** The ids in events/fleet. */
    private static final String INSTANCE = "i-0a1b2c3d4e5f60718";
    private static final String WARM_INSTANCE = "i-0c2d3e4f5a6b70819";
    private static final String LAUNCH_TOKEN = "5d3f1b2a-7c4e-4f6a-9b8d-0e1f2a3b4c5d";
    private static final String COMMAND = "3c9e1a7b-5d2f-4e8a-b6c4-0f1e2d3c4b5a";

    private final FleetWorld world = new FleetWorld();
    private final FleetHandler handler = new FleetHandler(world.fleet);

    /** Auto Scaling has the action of launch.json open, and SSM will name the command as the status fixtures do. */
    private void launchFixtureBegins(boolean agentReady) {
        world.autoScaling.begin(INSTANCE, GROUP, Phase.LAUNCH, LAUNCH_TOKEN);
        if (agentReady) {
            world.ssm.register(INSTANCE);
        }
        world.ssm.nextCommandId(COMMAND);
    }

    @Test
    void handleRequest_whenLaunchFixture_sendsBootstrap() {
        launchFixtureBegins(true);

        Json.Node answer = handle(fixture("fleet/launch.json"));

        assertThat(answer.text("outcome")).isEqualTo("COMMAND_SENT");
        assertThat(answer.text("commandId")).isEqualTo(COMMAND);
        assertThat(answer.text("release")).isEqualTo(RELEASE.value());
        assertThat(answer.toString()).doesNotContain(LAUNCH_TOKEN);
    }

    @Test
    void handleRequest_whenCommandSuccessFixture_continues() {
        launchFixtureBegins(true);
        handle(fixture("fleet/launch.json"));

        Json.Node answer = handle(fixture("fleet/command-success.json"));

        assertThat(answer.text("outcome")).isEqualTo("COMPLETED");
        assertThat(answer.text("result")).isEqualTo("CONTINUE");
        assertThat(world.autoScaling.completions())
                .containsExactly(new Completion(INSTANCE, Phase.LAUNCH, LifecycleResult.CONTINUE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"fleet/command-failed.json", "fleet/command-timed-out.json"})
    void handleRequest_whenCommandDidNotSucceedFixture_abandons(String fixture) {
        launchFixtureBegins(true);
        handle(fixture("fleet/launch.json"));

        Json.Node answer = handle(fixture(fixture));

        assertThat(answer.text("result")).isEqualTo("ABANDON");
        assertThat(world.instance(INSTANCE).orElseThrow().state()).isEqualTo(InstanceState.BOOTSTRAP_FAILED);
    }

    @Test
    void handleRequest_whenAgentRetryFixture_sendsOnceAgentIsReady() {
        launchFixtureBegins(false);
        handle(fixture("fleet/launch.json"));
        world.ssm.register(INSTANCE);

        Json.Node answer = handle(fixture("fleet/agent-retry-sqs.json"));

        assertThat(answer.get("batchItemFailures").elements()).isEmpty();
        assertThat(world.ssm.sent()).singleElement().satisfies(c -> assertThat(c.instanceId()).isEqualTo(INSTANCE));
        assertThat(world.queue.pending()).singleElement()
                .satisfies(q -> assertThat(Json.parse(q.message().toJson()).text("attempt")).isEqualTo("1"));
    }

    @Test
    void handleRequest_whenRetryFailsOnAws_reportsTheRecordForRedelivery() {
        launchFixtureBegins(false);
        handle(fixture("fleet/launch.json"));
        world.ssm.fail(true);

        Json.Node answer = handle(fixture("fleet/agent-retry-sqs.json"));

        assertThat(answer.get("batchItemFailures").elements()).singleElement()
                .satisfies(f -> assertThat(f.text("itemIdentifier")).isEqualTo("2e1d8f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a"));
    }

    @Test
    void handleRequest_whenRetryBodyIsMalformed_dropsItWithoutRedelivery() {
        String event = fixture("fleet/agent-retry-sqs.json").replaceFirst("\"body\": \"[^\\n]*\",", "\"body\": \"{not json\",");

        Json.Node answer = handle(event);

        assertThat(answer.get("batchItemFailures").elements()).isEmpty();
        assertThat(world.ssm.sent()).isEmpty();
    }

    @Test
    void handleRequest_whenWarmPoolFixtures_preparesThenInstallsCurrentRelease() {
        world.ssm.register(WARM_INSTANCE);
        world.autoScaling.begin(WARM_INSTANCE, GROUP, Phase.WARM_POOL_ENTER, "6e4a2c3b-8d5f-4a7b-8c9e-1f2a3b4c5d6e");
        handle(fixture("fleet/launch-warm-pool-enter.json"));
        world.commandEnds(WARM_INSTANCE, "Success");
        world.pointers.set("production", FleetWorld.NEWER);
        world.autoScaling.begin(WARM_INSTANCE, GROUP, Phase.WARM_POOL_LEAVE, "7f5b3d4c-9e6a-4b8c-9daf-2a3b4c5d6e7f");

        Json.Node answer = handle(fixture("fleet/launch-warm-pool-leave.json"));
        world.commandEnds(WARM_INSTANCE, "Success");

        assertThat(answer.text("release")).isEqualTo(FleetWorld.NEWER.value());
        assertThat(world.autoScaling.state(WARM_INSTANCE)).isEqualTo("InService");
    }

    @Test
    void handleRequest_whenTerminateFixture_drains() {
        world.ssm.register(INSTANCE);
        world.autoScaling.begin(INSTANCE, GROUP, Phase.TERMINATE, "8a6c4e5d-af7b-4c9d-8eb0-3b4c5d6e7f80");

        Json.Node answer = handle(fixture("fleet/terminate.json"));

        assertThat(answer.text("outcome")).isEqualTo("COMMAND_SENT");
        assertThat(world.ssm.sent()).singleElement().satisfies(c -> assertThat(c.document()).isEqualTo(FleetWorld.DRAIN));
    }

    @Test
    void handleRequest_whenScheduleFixture_reconciles() {
        world.launch(INSTANCE);

        Json.Node answer = handle(fixture("fleet/reconcile-schedule.json"));

        assertThat(answer.text("outcome")).isEqualTo("RECONCILED");
        assertThat(answer.text("instances")).isEqualTo("1");
        assertThat(world.ssm.sent()).hasSize(1);
    }

    @Test
    void handleRequest_whenGroupIsNotManaged_rejectsWithoutEffect() {
        Json.Node answer = handle(fixture("unrouted/launch-other-group.json"));

        assertThat(answer.text("outcome")).isEqualTo("REJECTED");
        assertThat(answer.text("message")).contains("someone-elses-web", "not one FleetPress manages");
        assertThat(world.ledger.snapshot()).isEmpty();
    }

    @Test
    void handleRequest_whenCommandInProgressFixture_ignoresIt() {
        launchFixtureBegins(true);
        handle(fixture("fleet/launch.json"));

        Json.Node answer = handle(fixture("unrouted/command-in-progress.json"));

        assertThat(answer.text("outcome")).isEqualTo("IGNORED");
        assertThat(world.autoScaling.completions()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"EC2InstanceId\": \"i-0a1b2c3d4e5f60718\"|\"EC2InstanceId\": \"i-../../etc/passwd\"|instance id",
            "\"LifecycleActionToken\": \"5d3f1b2a-7c4e-4f6a-9b8d-0e1f2a3b4c5d\"|\"LifecycleActionToken\": \"$(reboot)\"|LifecycleActionToken",
            "{\\\"environment\\\":\\\"production\\\"}|{environment: production|NotificationMetadata is not JSON",
            "{\\\"environment\\\":\\\"production\\\"}|{\\\"environment\\\":\\\"staging\\\"}|says environment staging",
            "{\\\"environment\\\":\\\"production\\\"}|{\\\"environment\\\":\\\"Prod; rm -rf /\\\"}|not an environment name",
            "\"Destination\": \"AutoScalingGroup\"|\"Destination\": \"Elsewhere\"|Destination",
            "\"LifecycleTransition\": \"autoscaling:EC2_INSTANCE_LAUNCHING\"|\"LifecycleTransition\": \"autoscaling:EC2_INSTANCE_TERMINATING\"|contradicts"})
    void handleRequest_whenLaunchFieldIsHostile_rejectsWithoutEffect(String original, String hostile, String reason) {
        String event = fixture("fleet/launch.json");
        assertThat(event).contains(original);

        Json.Node answer = handle(event.replace(original, hostile));

        assertThat(answer.text("outcome")).isEqualTo("REJECTED");
        assertThat(answer.text("message")).contains(reason);
        assertThat(world.ssm.sent()).isEmpty();
        assertThat(world.ledger.snapshot()).isEmpty();
    }

    @Test
    void handleRequest_whenHookIsSomeoneElses_ignoresIt() {
        Json.Node answer = handle(fixture("fleet/launch.json").replace("fleetpress-launch", "their-own-hook"));

        assertThat(answer.text("outcome")).isEqualTo("IGNORED");
        assertThat(world.ledger.snapshot()).isEmpty();
    }

    @Test
    void handleRequest_whenCommandIdIsHostile_rejects() {
        Json.Node answer = handle(fixture("fleet/command-success.json").replace(COMMAND, "../../instances/x"));

        assertThat(answer.text("outcome")).isEqualTo("REJECTED");
    }

    @Test
    void handleRequest_whenTestNotification_ignoresIt() {
        Json.Node answer = handle("""
                {"AccountId":"000000000000","RequestId":"a1b2","AutoScalingGroupARN":"arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:x:autoScalingGroupName/fleetpress-production",
                 "AutoScalingGroupName":"fleetpress-production","Service":"AWS Auto Scaling","Event":"autoscaling:TEST_NOTIFICATION","Time":"2026-11-27T15:00:00.000Z"}""");

        assertThat(answer.text("outcome")).isEqualTo("IGNORED");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "[]", "{\"source\":\"aws.codebuild\",\"detail-type\":\"CodeBuild Build State Change\",\"detail\":{}}"})
    void handleRequest_whenNotAFleetEvent_rejects(String event) {
        assertThat(handle(event).text("outcome")).isEqualTo("REJECTED");
    }

    @Test
    void handleRequest_whenAwsFailsOnAnEvent_throwsSoEventBridgeRetries() {
        launchFixtureBegins(true);
        world.ssm.fail(true);

        assertThatThrownBy(() -> handle(fixture("fleet/launch.json"))).isInstanceOf(FleetBackendException.class);
    }

    private Json.Node handle(String event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Json.parse(out.toString(StandardCharsets.UTF_8));
    }

    static String fixture(String name) {
        try {
            return Files.readString(Path.of(System.getProperty("fleetpress.root"), "events", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

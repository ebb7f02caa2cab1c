package dev.fleetpress.localcloud.autoscaling;

import static dev.fleetpress.localcloud.autoscaling.Fixture.GROUP;
import static dev.fleetpress.localcloud.autoscaling.Fixture.LAUNCH_HOOK;
import static dev.fleetpress.localcloud.autoscaling.Fixture.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.json.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingException;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;

class LaunchLifecycleTest {
    @TempDir
    Path dir;
    private Fixture fixture;

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void scale_whenLaunchHookExists_emitsOneLaunchEventPerInstanceAndInstancesWaitInPendingWait() {
        fixture = Fixture.web(dir);
        fixture.asg.scale(GROUP, 2);

        List<Json.Node> events = fixture.events.await(2);

        List<InstanceView> instances = fixture.asg.instances(GROUP);
        assertThat(instances).extracting(InstanceView::state).containsOnly(LifecycleState.PENDING_WAIT);
        assertThat(events).extracting(e -> e.text("detail", "EC2InstanceId"))
                .containsExactlyInAnyOrderElementsOf(instances.stream().map(InstanceView::id).toList());
        Json.Node event = events.get(0);
        assertThat(event.text("detail-type")).isEqualTo("EC2 Instance-launch Lifecycle Action");
        assertThat(event.text("source")).isEqualTo("aws.autoscaling");
        assertThat(event.text("account")).isEqualTo("000000000000");
        assertThat(event.text("region")).isEqualTo("us-east-1");
        assertThat(event.get("resources").elements()).singleElement().extracting(Json.Node::asText).asString()
                .matches("arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:[0-9a-f-]{36}:autoScalingGroupName/web");
        assertThat(event.text("detail", "LifecycleActionToken")).matches("[0-9a-f-]{36}");
        assertThat(event.text("detail", "AutoScalingGroupName")).isEqualTo(GROUP);
        assertThat(event.text("detail", "LifecycleHookName")).isEqualTo(LAUNCH_HOOK);
        assertThat(event.text("detail", "LifecycleTransition")).isEqualTo("autoscaling:EC2_INSTANCE_LAUNCHING");
        assertThat(event.text("detail", "NotificationMetadata")).isEqualTo("{\"environment\":\"test\"}");
        assertThat(event.text("detail", "Origin")).isEqualTo("EC2");
        assertThat(event.text("detail", "Destination")).isEqualTo("AutoScalingGroup");
    }

    @Test
    void completeLifecycleAction_whenContinue_putsInstanceInService() {
        fixture = Fixture.web(dir);
        fixture.asg.scale(GROUP, 1);

        fixture.complete(fixture.events.await(1).get(0), "CONTINUE");

        assertThat(fixture.asg.awaitSteady(GROUP, PATIENCE)).isTrue();
        assertThat(fixture.asg.instances(GROUP)).extracting(InstanceView::state).containsExactly(LifecycleState.IN_SERVICE);
    }

    @Test
    void completeLifecycleAction_whenAbandon_terminatesInstanceThroughDrainHookAndLaunchesReplacement() {
        fixture = Fixture.web(dir);
        fixture.asg.scale(GROUP, 1);
        Json.Node first = fixture.events.await(1).get(0);
        String abandoned = first.text("detail", "EC2InstanceId");

        fixture.complete(first, "ABANDON");
        List<Json.Node> next = fixture.events.await(3).subList(1, 3);
        next.forEach(e -> fixture.complete(e, "CONTINUE"));

        assertThat(next).extracting(e -> e.text("detail-type") + " " + e.text("detail", "EC2InstanceId").equals(abandoned))
                .containsExactlyInAnyOrder("EC2 Instance-launch Lifecycle Action false",
                        "EC2 Instance-terminate Lifecycle Action true");
        assertThat(fixture.asg.awaitSteady(GROUP, PATIENCE)).isTrue();
        assertThat(fixture.instances.find(abandoned).orElseThrow().running()).isFalse();
        assertThat(fixture.asg.instances(GROUP)).extracting(InstanceView::id).doesNotContain(abandoned).hasSize(1);
        assertThat(fixture.asg.counters()).isEqualTo(new Counters(2, 1, 1, 0));
    }

    @Test
    void completeLifecycleAction_byInstanceId_completesTheInstancesAction() {
        fixture = Fixture.web(dir);
        fixture.asg.scale(GROUP, 1);
        String id = fixture.events.await(1).get(0).text("detail", "EC2InstanceId");

        fixture.asg.completeLifecycleAction(b -> b.autoScalingGroupName(GROUP).lifecycleHookName(LAUNCH_HOOK)
                .instanceId(id).lifecycleActionResult("CONTINUE"));

        assertThat(fixture.asg.awaitSteady(GROUP, PATIENCE)).isTrue();
    }

    @Test
    void completeLifecycleAction_whenCompletedTwice_answersNoActiveLifecycleAction() {
        fixture = Fixture.web(dir);
        fixture.asg.scale(GROUP, 1);
        Json.Node event = fixture.events.await(1).get(0);
        fixture.complete(event, "CONTINUE");

        assertThatThrownBy(() -> fixture.complete(event, "CONTINUE"))
                .isInstanceOf(AutoScalingException.class)
                .satisfies(e -> {
                    AwsServiceException error = (AwsServiceException) e;
                    assertThat(error.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
                    assertThat(error.statusCode()).isEqualTo(400);
                    assertThat(error.awsErrorDetails().errorMessage()).isEqualTo(
                            "No active Lifecycle Action found with token " + event.text("detail", "LifecycleActionToken"));
                });
    }

    @Test
    void completeLifecycleAction_byInstanceIdWhenNothingWaits_answersNoActiveLifecycleActionForTheInstance() {
        fixture = Fixture.web(dir);

        assertThatThrownBy(() -> fixture.asg.completeLifecycleAction(b -> b.autoScalingGroupName(GROUP)
                .lifecycleHookName(LAUNCH_HOOK).instanceId("i-0123456789abcdef0").lifecycleActionResult("CONTINUE")))
                .isInstanceOf(AutoScalingException.class)
                .hasMessageStartingWith("No active Lifecycle Action found with instance ID i-0123456789abcdef0");
    }

    @Test
    void heartbeatTimeout_whenNobodyCompletes_appliesTheHooksDefaultResult() {
        fixture = Fixture.web(dir, HookSpec.CONTINUE, Fixture.quick().withHeartbeatTimeout(Duration.ofMillis(200)));
        fixture.asg.scale(GROUP, 1);

        assertThat(fixture.asg.awaitSteady(GROUP, PATIENCE)).isTrue();
        assertThat(fixture.asg.counters().timeouts()).isEqualTo(1);
        assertThat(fixture.events.all()).hasSize(1);
    }

    @Test
    void recordLifecycleActionHeartbeat_whenRecordedWithinEachTimeout_keepsInstanceWaiting() throws InterruptedException {
        fixture = Fixture.web(dir, HookSpec.ABANDON, Fixture.quick().withHeartbeatTimeout(Duration.ofSeconds(1)));
        fixture.asg.scale(GROUP, 1);
        Json.Node event = fixture.events.await(1).get(0);

        for (int i = 0; i < 15; i++) {
            Thread.sleep(200);
            fixture.asg.recordLifecycleActionHeartbeat(b -> b.autoScalingGroupName(GROUP).lifecycleHookName(LAUNCH_HOOK)
                    .lifecycleActionToken(event.text("detail", "LifecycleActionToken")));
        }

        assertThat(fixture.asg.instances(GROUP)).extracting(InstanceView::state).containsExactly(LifecycleState.PENDING_WAIT);
        assertThat(fixture.asg.counters().timeouts()).isZero();
    }
}

package dev.fleetpress.localcloud.autoscaling;

import static dev.fleetpress.localcloud.autoscaling.Fixture.DRAIN_HOOK;
import static dev.fleetpress.localcloud.autoscaling.Fixture.GROUP;
import static dev.fleetpress.localcloud.autoscaling.Fixture.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.json.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingException;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;

class TerminateLifecycleTest {
    @TempDir
    Path dir;
    private Fixture fixture;
    private String instanceId;

    /** One instance in service in group "web". */
    @BeforeEach
    void oneInService() {
        fixture = Fixture.web(dir);
        fixture.asg.scale(GROUP, 1);
        Json.Node launch = fixture.events.await(1).get(0);
        fixture.complete(launch, "CONTINUE");
        assertThat(fixture.asg.awaitSteady(GROUP, PATIENCE)).isTrue();
        instanceId = launch.text("detail", "EC2InstanceId");
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void scale_whenScaledIn_emitsTerminateEventAndWaitsInTerminatingWait() {
        fixture.asg.scale(GROUP, 0);

        Json.Node event = fixture.events.await(2).get(1);

        assertThat(event.text("detail-type")).isEqualTo("EC2 Instance-terminate Lifecycle Action");
        assertThat(event.text("detail", "EC2InstanceId")).isEqualTo(instanceId);
        assertThat(event.text("detail", "LifecycleHookName")).isEqualTo(DRAIN_HOOK);
        assertThat(event.text("detail", "LifecycleTransition")).isEqualTo("autoscaling:EC2_INSTANCE_TERMINATING");
        assertThat(event.find("detail", "NotificationMetadata")).isEmpty();
        assertThat(event.text("detail", "Origin")).isEqualTo("AutoScalingGroup");
        assertThat(event.text("detail", "Destination")).isEqualTo("EC2");
        assertThat(fixture.asg.instances(GROUP)).extracting(InstanceView::state)
                .containsExactly(LifecycleState.TERMINATING_WAIT);
    }

    @Test
    void completeLifecycleAction_whenDrainContinues_terminatesInstance() {
        fixture.asg.scale(GROUP, 0);

        fixture.complete(fixture.events.await(2).get(1), "CONTINUE");

        assertThat(fixture.asg.awaitSteady(GROUP, PATIENCE)).isTrue();
        assertThat(fixture.asg.instances(GROUP)).isEmpty();
        assertThat(fixture.instances.find(instanceId).orElseThrow().running()).isFalse();
    }

    @Test
    void terminateInstanceInAutoScalingGroup_whenDecrementing_lowersDesiredCapacityWithoutReplacement() {
        fixture.asg.terminateInstanceInAutoScalingGroup(b -> b.instanceId(instanceId).shouldDecrementDesiredCapacity(true));

        fixture.complete(fixture.events.await(2).get(1), "ABANDON");

        assertThat(fixture.asg.awaitSteady(GROUP, PATIENCE)).isTrue();
        assertThat(fixture.asg.describeAutoScalingGroups(b -> b.autoScalingGroupNames(GROUP))
                .autoScalingGroups().get(0).desiredCapacity()).isZero();
        assertThat(fixture.asg.counters().terminated()).isEqualTo(1);
    }

    @Test
    void terminateInstanceInAutoScalingGroup_whenInstanceIsUnknown_answersValidationError() {
        assertThatThrownBy(() -> fixture.asg.terminateInstanceInAutoScalingGroup(b -> b.instanceId("i-00000000000000000")
                .shouldDecrementDesiredCapacity(false)))
                .isInstanceOf(AutoScalingException.class)
                .hasMessageStartingWith("Instance Id not found - No managed instance found for instance ID: i-00000000000000000");
    }
}

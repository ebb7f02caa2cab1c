package dev.fleetpress.localcloud.autoscaling;

import static dev.fleetpress.localcloud.autoscaling.Fixture.GROUP;
import static dev.fleetpress.localcloud.autoscaling.Fixture.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.json.Json;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;

class WarmPoolTest {
    @TempDir
    Path dir;
    private Fixture fixture;

    @BeforeEach
    void groupWithWarmPoolOfTwo() {
        fixture = new Fixture(dir, List.of(new GroupSpec(GROUP, Fixture.hooks(HookSpec.ABANDON), 2)), Fixture.quick());
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void create_whenGroupHasWarmPool_launchesIntoThePoolThroughWarmedPendingWait() {
        List<Json.Node> events = fixture.events.await(2);

        assertThat(events).extracting(e -> e.text("detail", "Origin") + ">" + e.text("detail", "Destination"))
                .containsOnly("EC2>WarmPool");
        assertThat(fixture.asg.instances(GROUP)).extracting(InstanceView::state)
                .containsOnly(LifecycleState.WARMED_PENDING_WAIT).hasSize(2);
    }

    @Test
    void completeLifecycleAction_whenWarmingContinues_stopsInstancesInThePool() {
        fixture.events.await(2).forEach(e -> fixture.complete(e, "CONTINUE"));

        assertThat(fixture.asg.awaitSteady(GROUP, PATIENCE)).isTrue();
        assertThat(fixture.asg.instances(GROUP)).extracting(InstanceView::state)
                .containsOnly(LifecycleState.WARMED_STOPPED).hasSize(2);
        assertThat(fixture.asg.describeWarmPool(b -> b.autoScalingGroupName(GROUP)).instances()).hasSize(2);
    }

    @Test
    void scale_whenPoolIsWarm_takesAWarmedInstanceAndRefillsThePool() {
        List<Json.Node> warming = fixture.events.await(2);
        warming.forEach(e -> fixture.complete(e, "CONTINUE"));
        assertThat(fixture.asg.awaitSteady(GROUP, PATIENCE)).isTrue();
        List<String> warmed = warming.stream().map(e -> e.text("detail", "EC2InstanceId")).toList();

        fixture.asg.scale(GROUP, 1);
        List<Json.Node> next = fixture.events.await(4).subList(2, 4);
        next.forEach(e -> fixture.complete(e, "CONTINUE"));

        Json.Node leaving = next.stream().filter(e -> e.text("detail", "Origin").equals("WarmPool")).findFirst().orElseThrow();
        assertThat(leaving.text("detail", "Destination")).isEqualTo("AutoScalingGroup");
        assertThat(warmed).contains(leaving.text("detail", "EC2InstanceId"));
        assertThat(next).extracting(e -> e.text("detail", "Origin") + ">" + e.text("detail", "Destination"))
                .containsExactlyInAnyOrder("WarmPool>AutoScalingGroup", "EC2>WarmPool");
        assertThat(fixture.asg.awaitSteady(GROUP, PATIENCE)).isTrue();
        assertThat(fixture.asg.describeAutoScalingGroups(b -> b.autoScalingGroupNames(GROUP)).autoScalingGroups().get(0)
                .instances()).singleElement().satisfies(i -> {
                    assertThat(i.instanceId()).isEqualTo(leaving.text("detail", "EC2InstanceId"));
                    assertThat(i.lifecycleState()).isEqualTo(LifecycleState.IN_SERVICE);
                });
    }
}

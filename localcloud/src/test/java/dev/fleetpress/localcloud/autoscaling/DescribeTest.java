package dev.fleetpress.localcloud.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingException;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingInstanceDetails;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingInstancesResponse;
import software.amazon.awssdk.services.autoscaling.model.InvalidNextTokenException;
import software.amazon.awssdk.services.autoscaling.model.LifecycleHook;

class DescribeTest {
    private static final String PLAIN = "plain";

    @TempDir
    Path dir;
    private Fixture fixture;

    /** A group without hooks (instances go straight into service) and group "web" with FleetPress's hooks. */
    @BeforeEach
    void groups() {
        fixture = new Fixture(dir, List.of(new GroupSpec(PLAIN, List.of(), 0),
                new GroupSpec(Fixture.GROUP, Fixture.hooks(HookSpec.ABANDON), 0)), Fixture.quick().withMaxSize(60));
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void describeAutoScalingInstances_whenMoreThanMaxRecords_pagesThroughEveryInstanceOnce() {
        fixture.asg.scale(PLAIN, 7);
        assertThat(fixture.asg.awaitSteady(PLAIN, Fixture.PATIENCE)).isTrue();

        List<String> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String token = null;
        do {
            String next = token;
            DescribeAutoScalingInstancesResponse page = fixture.asg.describeAutoScalingInstances(b -> b.maxRecords(3).nextToken(next));
            page.autoScalingInstances().forEach(i -> seen.add(i.instanceId()));
            pageSizes.add(page.autoScalingInstances().size());
            token = page.nextToken();
        } while (token != null);

        assertThat(pageSizes).containsExactly(3, 3, 1);
        assertThat(seen).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(fixture.asg.instances(PLAIN).stream().map(InstanceView::id).toList());
    }

    @Test
    void describeAutoScalingInstances_whenMoreThanFifty_answersFiftyAndANextToken() {
        fixture.asg.scale(PLAIN, 55);
        assertThat(fixture.asg.awaitSteady(PLAIN, Fixture.PATIENCE)).isTrue();

        DescribeAutoScalingInstancesResponse first = fixture.asg.describeAutoScalingInstances(b -> { });

        assertThat(first.autoScalingInstances()).hasSize(50);
        assertThat(first.nextToken()).isNotNull();
        assertThat(fixture.asg.describeAutoScalingInstancesPaginator(b -> { }).autoScalingInstances()).hasSize(55);
    }

    @Test
    void describeAutoScalingInstances_whenTokenWasNotIssued_answersInvalidNextToken() {
        assertThatThrownBy(() -> fixture.asg.describeAutoScalingInstances(b -> b.nextToken("bogus")))
                .isInstanceOf(InvalidNextTokenException.class)
                .extracting(e -> ((AwsServiceException) e).awsErrorDetails().errorCode()).isEqualTo("InvalidNextToken");
    }

    @Test
    void describeAutoScalingInstances_whenInstanceWaits_reportsItsWaitStateAndGroup() {
        fixture.asg.scale(Fixture.GROUP, 1);
        String id = fixture.events.await(1).get(0).text("detail", "EC2InstanceId");

        List<AutoScalingInstanceDetails> found = fixture.asg.describeAutoScalingInstances(b -> b.instanceIds(id))
                .autoScalingInstances();

        assertThat(found).singleElement().satisfies(i -> {
            assertThat(i.lifecycleState()).isEqualTo("Pending:Wait");
            assertThat(i.autoScalingGroupName()).isEqualTo(Fixture.GROUP);
        });
    }

    @Test
    void describeLifecycleHooks_whenGroupHasHooks_reportsThemWithGlobalTimeout() {
        List<LifecycleHook> hooks = fixture.asg.describeLifecycleHooks(b -> b.autoScalingGroupName(Fixture.GROUP))
                .lifecycleHooks();

        assertThat(hooks).extracting(LifecycleHook::lifecycleHookName, LifecycleHook::heartbeatTimeout,
                        LifecycleHook::globalTimeout, LifecycleHook::defaultResult)
                .containsExactly(
                        tuple(Fixture.LAUNCH_HOOK, 300, 30_000, "ABANDON"),
                        tuple(Fixture.DRAIN_HOOK, 300, 30_000, "CONTINUE"));
    }

    @Test
    void setDesiredCapacity_whenAboveMaxSize_answersValidationError() {
        assertThatThrownBy(() -> fixture.asg.setDesiredCapacity(b -> b.autoScalingGroupName(PLAIN).desiredCapacity(61)))
                .isInstanceOf(AutoScalingException.class)
                .hasMessageStartingWith("New SetDesiredCapacity value 61 is above max value 60 for the AutoScalingGroup.")
                .extracting(e -> ((AwsServiceException) e).awsErrorDetails().errorCode()).isEqualTo("ValidationError");
    }

    @Test
    void describeAutoScalingGroups_whenGroupIsUnknown_answersNoGroups() {
        assertThat(fixture.asg.describeAutoScalingGroups(b -> b.autoScalingGroupNames("nope")).autoScalingGroups()).isEmpty();
    }

    @Test
    void updateAutoScalingGroup_whenMinSizeRises_raisesDesiredCapacityToIt() {
        fixture.asg.updateAutoScalingGroup(b -> b.autoScalingGroupName(PLAIN).minSize(2));

        assertThat(fixture.asg.awaitSteady(PLAIN, Fixture.PATIENCE)).isTrue();
        assertThat(fixture.asg.describeAutoScalingGroups(b -> b.autoScalingGroupNames(PLAIN)).autoScalingGroups().get(0)
                .instances()).hasSize(2);
    }
}

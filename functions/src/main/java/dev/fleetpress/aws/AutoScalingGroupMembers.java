package dev.fleetpress.aws;

import dev.fleetpress.fleet.FleetBackendException;
import dev.fleetpress.rollout.GroupMembers;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Instance;

/** {@link GroupMembers} as Auto Scaling DescribeAutoScalingGroups: the group's instances in {@code InService}. */
public final class AutoScalingGroupMembers implements GroupMembers {
    private final Supplier<AutoScalingClient> autoScaling;

    private AutoScalingGroupMembers(Supplier<AutoScalingClient> autoScaling) {
        this.autoScaling = autoScaling;
    }

    public static AutoScalingGroupMembers create(Supplier<AutoScalingClient> autoScaling) {
        return new AutoScalingGroupMembers(Objects.requireNonNull(autoScaling, "autoScaling"));
    }

    @Override
    public List<String> inService(String group) {
        try {
            List<AutoScalingGroup> groups = autoScaling.get()
                    .describeAutoScalingGroups(b -> b.autoScalingGroupNames(group)).autoScalingGroups();
            return groups.stream().flatMap(g -> g.instances().stream())
                    .filter(i -> "InService".equals(i.lifecycleStateAsString()))
                    .map(Instance::instanceId).sorted().toList();
        } catch (SdkException e) {
            throw new FleetBackendException("Auto Scaling DescribeAutoScalingGroups of " + group + " failed: "
                    + e.getMessage() + "; the trigger will retry", e);
        }
    }
}

package dev.fleetpress.aws;

import dev.fleetpress.fleet.FleetBackendException;
import dev.fleetpress.fleet.FleetInventory;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingInstanceDetails;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingInstancesResponse;

/**
 * {@link FleetInventory} as DescribeAutoScalingInstances, every page (50 instances each), filtered to the
 * fleet's groups and the three hook wait states. The call takes no group filter, so the filtering is here.
 */
public final class AutoScalingFleetInventory implements FleetInventory {
    static final Set<String> WAIT_STATES = Set.of("Pending:Wait", "Warmed:Pending:Wait", "Terminating:Wait");

    private final Supplier<AutoScalingClient> autoScaling;

    private AutoScalingFleetInventory(Supplier<AutoScalingClient> autoScaling) {
        this.autoScaling = autoScaling;
    }

    /** The client is fetched on the first call, so constructing this calls nothing. */
    public static AutoScalingFleetInventory create(Supplier<AutoScalingClient> autoScaling) {
        return new AutoScalingFleetInventory(Objects.requireNonNull(autoScaling, "autoScaling"));
    }

    @Override
    public List<WaitingInstance> waiting(Set<String> groups) {
        List<WaitingInstance> out = new ArrayList<>();
        try {
            for (DescribeAutoScalingInstancesResponse page
                    : autoScaling.get().describeAutoScalingInstancesPaginator(b -> b.maxRecords(50))) {
                for (AutoScalingInstanceDetails d : page.autoScalingInstances()) {
                    if (groups.contains(d.autoScalingGroupName()) && WAIT_STATES.contains(d.lifecycleState())) {
                        out.add(new WaitingInstance(d.instanceId(), d.autoScalingGroupName(), d.lifecycleState()));
                    }
                }
            }
        } catch (SdkException e) {
            throw new FleetBackendException("Auto Scaling DescribeAutoScalingInstances failed: " + e.getMessage()
                    + "; the next reconciliation tries again", e);
        }
        return out;
    }
}

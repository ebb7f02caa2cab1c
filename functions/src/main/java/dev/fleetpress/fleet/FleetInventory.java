package dev.fleetpress.fleet;

import java.util.List;
import java.util.Set;

/**
 * The instances of the fleet's groups that wait on a lifecycle hook (on AWS:
 * DescribeAutoScalingInstances). Failures throw {@link FleetBackendException}.
 */
public interface FleetInventory {
    /** Instances of {@code groups} in {@code Pending:Wait}, {@code Warmed:Pending:Wait} or {@code Terminating:Wait}. */
    List<WaitingInstance> waiting(Set<String> groups);

    record WaitingInstance(String instanceId, String group, String lifecycleState) {
    }
}

package dev.fleetpress.rollout;

import java.util.List;

/**
 * The instances of an Auto Scaling group that serve traffic (lifecycle state {@code InService}; on
 * AWS: DescribeAutoScalingGroups). Failures throw {@link dev.fleetpress.fleet.FleetBackendException}.
 */
public interface GroupMembers {
    /** Instance ids, sorted. */
    List<String> inService(String group);
}

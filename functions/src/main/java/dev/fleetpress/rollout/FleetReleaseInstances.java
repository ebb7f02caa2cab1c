package dev.fleetpress.rollout;

import dev.fleetpress.fleet.FleetGroups;
import dev.fleetpress.fleet.FleetRecords;
import dev.fleetpress.fleet.InstanceRecord;
import dev.fleetpress.release.ReleaseId;
import dev.fleetpress.upgrade.ReleaseInstances;
import java.util.List;
import java.util.Objects;

/**
 * {@link ReleaseInstances} from what FleetPress knows: InService members of the environment's group
 * whose instance record says they run the release (written when their bootstrap or activation succeeded).
 */
public final class FleetReleaseInstances implements ReleaseInstances {
    private final FleetGroups groups;
    private final GroupMembers members;
    private final FleetRecords fleet;

    public FleetReleaseInstances(FleetGroups groups, GroupMembers members, FleetRecords fleet) {
        this.groups = Objects.requireNonNull(groups, "groups");
        this.members = Objects.requireNonNull(members, "members");
        this.fleet = Objects.requireNonNull(fleet, "fleet");
    }

    @Override
    public List<String> running(String environment, ReleaseId release) {
        return groups.groupOf(environment).map(members::inService).orElse(List.of()).stream()
                .filter(id -> fleet.instance(id).map(InstanceRecord::release).filter(release.value()::equals).isPresent())
                .sorted().toList();
    }
}

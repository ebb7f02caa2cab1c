package dev.fleetpress.upgrade;

import dev.fleetpress.release.ReleaseId;
import java.util.List;

/**
 * The instances that can run an environment's database upgrade: InService in the environment's
 * group and known to run the release (FleetPress's instance records). Failures of the services behind
 * it propagate.
 */
public interface ReleaseInstances {
    /** Instance ids, sorted, so that attempt n picks a predictable one. */
    List<String> running(String environment, ReleaseId release);
}

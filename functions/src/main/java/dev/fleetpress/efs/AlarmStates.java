package dev.fleetpress.efs;

import java.time.Instant;
import java.util.Optional;

/**
 * The alarms' current states (on AWS: CloudWatch DescribeAlarms), read by the schedule so that a state
 * change whose event was lost is still acted on. Failures throw {@link EfsBackendException}.
 */
public interface AlarmStates {
    /** The alarm's state and when it entered it; empty when there is no such alarm. */
    Optional<Observed> current(String alarmName);

    record Observed(AlarmState state, Instant since, String reason) {
    }

    /** For deployments or tests without CloudWatch: knows no alarm. */
    AlarmStates NONE = name -> Optional.empty();
}

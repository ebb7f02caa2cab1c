package dev.fleetpress.aws;

import dev.fleetpress.efs.AlarmState;
import dev.fleetpress.efs.AlarmStates;
import dev.fleetpress.efs.EfsBackendException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;

/** {@link AlarmStates} as CloudWatch DescribeAlarms by name: state value, reason and StateUpdatedTimestamp. */
public final class CloudWatchAlarmStates implements AlarmStates {
    private final Supplier<CloudWatchClient> cloudWatch;

    private CloudWatchAlarmStates(Supplier<CloudWatchClient> cloudWatch) {
        this.cloudWatch = cloudWatch;
    }

    public static CloudWatchAlarmStates create(Supplier<CloudWatchClient> cloudWatch) {
        return new CloudWatchAlarmStates(Objects.requireNonNull(cloudWatch, "cloudWatch"));
    }

    @Override
    public Optional<Observed> current(String alarmName) {
        try {
            List<MetricAlarm> alarms = cloudWatch.get().describeAlarms(b -> b.alarmNames(alarmName)).metricAlarms();
            return alarms.stream().filter(a -> alarmName.equals(a.alarmName()) && a.stateUpdatedTimestamp() != null)
                    .findFirst().map(a -> new Observed(AlarmState.parse(a.stateValueAsString()), a.stateUpdatedTimestamp(),
                            a.stateReason() == null ? "" : a.stateReason()));
        } catch (SdkException e) {
            throw new EfsBackendException("CloudWatch DescribeAlarms of " + alarmName + " failed: " + e.getMessage(), e);
        }
    }
}

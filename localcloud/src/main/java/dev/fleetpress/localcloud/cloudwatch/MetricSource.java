package dev.fleetpress.localcloud.cloudwatch;

import java.time.Instant;

/**
 * Something that publishes metrics as simulated time passes (localcloud's EFS publishes each file
 * system's BurstCreditBalance every minute). {@link LocalCloudWatch} asks every source to catch up
 * before it evaluates alarms or answers GetMetricData, so reads never miss samples.
 */
@FunctionalInterface
public interface MetricSource {
    /** Publishes every sample due up to and including {@code now}; calling it again for the same instant publishes nothing more. */
    void publishUntil(Instant now);
}

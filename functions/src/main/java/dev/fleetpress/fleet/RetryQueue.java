package dev.fleetpress.fleet;

import java.time.Duration;

/**
 * Delivers a {@link RetryMessage} back to the fleet function after a delay (on AWS: SQS SendMessage
 * with DelaySeconds to the queue the function consumes), so that waiting for an agent never sleeps
 * inside a Lambda. Delivery is at least once. Failures throw {@link FleetBackendException}.
 */
public interface RetryQueue {
    void send(RetryMessage message, Duration delay);
}

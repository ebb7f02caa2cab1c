package dev.fleetpress.localcloud.cloudwatch;

import java.time.Instant;

/**
 * One transition of an alarm: from which state to which, when (simulated time), and the
 * {@code CloudWatch Alarm State Change} event that was put on the event bus for it.
 */
public record StateChange(String alarmName, AlarmState previous, AlarmState current, String eventJson) {
    /** When the alarm entered its new state. */
    public Instant at() {
        return current.timestamp();
    }

    /** The new state's value (OK, ALARM, INSUFFICIENT_DATA). */
    public String value() {
        return current.value();
    }
}

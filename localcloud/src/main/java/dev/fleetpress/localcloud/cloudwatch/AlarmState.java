package dev.fleetpress.localcloud.cloudwatch;

import java.time.Instant;
import java.util.Objects;

/**
 * An alarm's state as CloudWatch reports it: {@code value} OK, ALARM or INSUFFICIENT_DATA, the
 * human {@code reason}, {@code reasonData} (a JSON string, empty for the initial state, as CloudWatch
 * leaves it out there) and when it was entered (simulated time).
 */
public record AlarmState(String value, String reason, String reasonData, Instant timestamp) {
    public static final String OK = "OK";
    public static final String ALARM = "ALARM";
    public static final String INSUFFICIENT_DATA = "INSUFFICIENT_DATA";

    public AlarmState {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(timestamp, "timestamp");
        reasonData = reasonData == null ? "" : reasonData;
    }

    /** The state of a newly created alarm. */
    static AlarmState initial(Instant createdAt) {
        return new AlarmState(INSUFFICIENT_DATA, "Unchecked: Initial alarm creation", "", createdAt);
    }
}

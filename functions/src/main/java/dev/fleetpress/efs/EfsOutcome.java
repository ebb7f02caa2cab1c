package dev.fleetpress.efs;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** What one event or schedule run did to one file system or exit plan; {@code message} is one line for logs. */
public record EfsOutcome(Kind kind, String environment, String fileSystemId, String message) {
    public enum Kind {
        /** EFS accepted a throughput change. */
        CHANGED,
        /** A change is wanted but EFS's 24-hour rule does not allow it yet (per the ledger or EFS's TooManyRequests). */
        NOT_ALLOWED_YET,
        /** The file system already runs as wanted, or nothing is wanted: nothing changed. */
        UNCHANGED,
        /** Another caller holds the change claim. */
        IN_PROGRESS,
        /** The event was the alarm's state already recorded (a repeat) or older than it: it changed nothing. */
        DUPLICATE,
        /** EFS has no such file system. */
        NOT_FOUND,
        /** Not for this function (another alarm, another file system): nothing changed. */
        IGNORED,
        /** Malformed input: nothing changed. */
        REJECTED,
        /** An exit plan moved (or was started). */
        EXIT_PLAN,
        /** A schedule run failed for this file system; the next run tries again. */
        FAILED
    }

    public EfsOutcome {
        Objects.requireNonNull(kind, "kind");
        environment = environment == null ? "" : environment;
        fileSystemId = fileSystemId == null ? "" : fileSystemId;
        Objects.requireNonNull(message, "message");
    }

    public static EfsOutcome simple(Kind kind, String message) {
        return new EfsOutcome(kind, "", "", message);
    }

    /** The correlation keys of a log line. */
    public Map<String, Object> keys() {
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("outcome", kind.name());
        if (!environment.isEmpty()) {
            keys.put("environment", environment);
        }
        if (!fileSystemId.isEmpty()) {
            keys.put("fileSystemId", fileSystemId);
        }
        return keys;
    }
}

package dev.fleetpress.fleet;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one event did, for the function's answer and its log line. Empty strings stand for "not
 * known" (a terminating instance has no release; a rejected event may have no instance).
 *
 * @param result CONTINUE or ABANDON when the action was completed by this event, else empty
 */
public record FleetOutcome(Kind kind, String instanceId, String group, String environment, String release,
                           String commandId, String result, String message) {
    public enum Kind {
        /** A bootstrap or drain command was sent. */
        COMMAND_SENT,
        /** The instance's agent is not reachable yet; a retry is queued and the action extended. */
        WAITING_FOR_AGENT,
        /** The action was completed (see {@code result}), or found already completed or expired. */
        COMPLETED,
        /** An event for an action already past that step: no effect. */
        DUPLICATE,
        /** A message or event about an older action, or one no longer current: no effect. */
        STALE,
        /** A well-formed event that is not FleetPress's to act on. */
        IGNORED,
        /** A malformed or hostile event: logged, no effect, not retried. */
        REJECTED,
        /** Reconciliation could not move this instance on now (AWS or ledger failure); the next run retries. */
        FAILED
    }

    static FleetOutcome of(Kind kind, ActionRecord r, String message) {
        return new FleetOutcome(kind, r.instanceId(), r.group(), r.environment(), r.release(), r.commandId(),
                kind == Kind.COMPLETED ? r.result() : "", message);
    }

    public static FleetOutcome ignored(String message) {
        return new FleetOutcome(Kind.IGNORED, "", "", "", "", "", "", message);
    }

    public static FleetOutcome rejected(String message) {
        return new FleetOutcome(Kind.REJECTED, "", "", "", "", "", "", message);
    }

    /** The correlation keys of the log line: empty ones are left out. */
    public Map<String, Object> keys() {
        Map<String, Object> keys = new LinkedHashMap<>();
        put(keys, "instance", instanceId);
        put(keys, "group", group);
        put(keys, "environment", environment);
        put(keys, "release", release);
        put(keys, "commandId", commandId);
        keys.put("outcome", kind.name());
        put(keys, "result", result);
        return keys;
    }

    private static void put(Map<String, Object> keys, String name, String value) {
        if (!value.isEmpty()) {
            keys.put(name, value);
        }
    }
}

package dev.fleetpress.upgrade;

import java.util.LinkedHashMap;
import java.util.Map;

/** What one trigger of the upgrade gate did; {@code message} is one line for logs and the CLI. Empty strings: not known. */
public record UpgradeOutcome(Kind kind, String environment, String release, String commandId, String instanceId,
                             String message) {
    public enum Kind {
        /** This call holds the claim and sent the upgrade command. */
        SENT,
        /** The claim is held by another runner whose lease has not expired, or its command still runs. */
        IN_PROGRESS,
        /** No instance could take the command yet; a later trigger claims again. */
        WAITING,
        /** The gate is already final: nothing to do. */
        DUPLICATE,
        /** This call recorded the command's success. */
        SUCCEEDED,
        /** This call recorded the command's failure: the environment is blocked and operators alerted. */
        FAILED,
        /** The instance could not run the command (gone, cancelled); the gate was claimed again for another instance. */
        RETRYING,
        /** The environment runs another release now; that release's upgrade covers this one. */
        SUPERSEDED,
        /** Not the gate's to act on (an unknown command, a release that is not recorded). */
        IGNORED
    }

    static UpgradeOutcome of(Kind kind, UpgradeRecord r, String message) {
        return new UpgradeOutcome(kind, r.environment(), r.release(), r.commandId(), r.instanceId(), message);
    }

    /** The correlation keys for a log line. */
    public Map<String, Object> keys() {
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("upgrade", kind.name());
        put(keys, "environment", environment);
        put(keys, "release", release);
        put(keys, "commandId", commandId);
        put(keys, "instance", instanceId);
        return keys;
    }

    private static void put(Map<String, Object> keys, String name, String value) {
        if (value != null && !value.isEmpty()) {
            keys.put(name, value);
        }
    }
}

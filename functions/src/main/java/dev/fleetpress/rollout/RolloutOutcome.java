package dev.fleetpress.rollout;

import dev.fleetpress.upgrade.UpgradeOutcome;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one event did to a rollout; {@code upgrade} is what the upgrade gate did when this event
 * triggered it (null otherwise). Empty strings: not known.
 */
public record RolloutOutcome(Kind kind, String environment, String release, String commandId, String message,
                             UpgradeOutcome upgrade) {
    public enum Kind {
        /** The activation command was sent across the environment's group. */
        ACTIVATION_SENT,
        /** The activation finished on every instance (or there was none to activate). */
        ACTIVATED,
        /** The activation stopped on errors; alerted. */
        ACTIVATION_FAILED,
        /** The rollout is being done by another runner, or its command still runs. */
        IN_PROGRESS,
        /** A repeat of something already done. */
        DUPLICATE,
        /** About an older rollout, since replaced. */
        STALE,
        /** An upgrade command's status, handed to the gate. */
        UPGRADE,
        /** Well-formed, but not the rollout's to act on. */
        IGNORED,
        /** Malformed or hostile: no effect, not retried. */
        REJECTED
    }

    static RolloutOutcome of(Kind kind, RolloutRecord r, String message) {
        return new RolloutOutcome(kind, r.environment(), r.release(), r.commandId(), message, null);
    }

    static RolloutOutcome simple(Kind kind, String message) {
        return new RolloutOutcome(kind, "", "", "", message, null);
    }

    RolloutOutcome withUpgrade(UpgradeOutcome gate) {
        return new RolloutOutcome(kind, environment, release, commandId, message, gate);
    }

    /** The correlation keys for a log line and the function's answer. */
    public Map<String, Object> keys() {
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("outcome", kind.name());
        put(keys, "environment", environment);
        put(keys, "release", release);
        put(keys, "commandId", commandId);
        if (upgrade != null) {
            keys.put("upgrade", upgrade.kind().name());
            put(keys, "upgradeCommandId", upgrade.commandId());
            put(keys, "upgradeInstance", upgrade.instanceId());
        }
        return keys;
    }

    private static void put(Map<String, Object> keys, String name, String value) {
        if (value != null && !value.isEmpty()) {
            keys.put(name, value);
        }
    }
}

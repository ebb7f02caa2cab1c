package dev.fleetpress.fleet;

import dev.fleetpress.Settings;
import java.time.Duration;
import java.util.Objects;

/**
 * What the fleet function is told by its environment (template.yaml's FleetFunction).
 *
 * @param launchDeadline how long an action may wait for an agent or a command before it is completed
 *                       anyway: ABANDON for launches, CONTINUE for terminations
 * @param agentRetry     the delay between attempts to reach an instance whose SSM agent is not ready
 * @param crashLoopThreshold consecutive bootstrap failures of one release that roll its environment back
 */
public record FleetConfig(FleetGroups groups, String bootstrapDocument, String drainDocument, String releaseBucket,
                          String parameterPrefix, String launchHook, String drainHook, Duration launchDeadline,
                          Duration agentRetry, int crashLoopThreshold) {
    public FleetConfig {
        Objects.requireNonNull(groups, "groups");
        FleetIds.name(bootstrapDocument, "BOOTSTRAP_DOCUMENT");
        FleetIds.name(drainDocument, "DRAIN_DOCUMENT");
        Objects.requireNonNull(releaseBucket, "releaseBucket");
        Objects.requireNonNull(parameterPrefix, "parameterPrefix");
        FleetIds.name(launchHook, "FLEET_LAUNCH_HOOK");
        FleetIds.name(drainHook, "FLEET_DRAIN_HOOK");
        if (launchDeadline.isNegative() || launchDeadline.isZero()) {
            throw new IllegalArgumentException("LAUNCH_DEADLINE_SECONDS must be positive");
        }
        // SQS accepts DelaySeconds 0 to 900.
        if (agentRetry.isNegative() || agentRetry.getSeconds() > 900) {
            throw new IllegalArgumentException("AGENT_RETRY_SECONDS must be 0 to 900 (SQS's DelaySeconds range)");
        }
        if (crashLoopThreshold < 1) {
            throw new IllegalArgumentException("CRASH_LOOP_THRESHOLD must be at least 1");
        }
    }

    /** Reads the FleetFunction's variables; fails fast naming the one that is missing or malformed. */
    public static FleetConfig from(Settings settings) {
        return new FleetConfig(FleetGroups.parse(settings.required("FLEET_GROUPS")),
                settings.required("BOOTSTRAP_DOCUMENT"),
                settings.required("DRAIN_DOCUMENT"),
                settings.required("RELEASE_BUCKET"),
                settings.required("PARAMETER_PREFIX"),
                settings.optional("FLEET_LAUNCH_HOOK", "fleetpress-launch"),
                settings.optional("FLEET_DRAIN_HOOK", "fleetpress-drain"),
                Duration.ofSeconds(settings.optionalLong("LAUNCH_DEADLINE_SECONDS", 1800)),
                Duration.ofSeconds(settings.optionalLong("AGENT_RETRY_SECONDS", 15)),
                (int) settings.optionalLong("CRASH_LOOP_THRESHOLD", 3));
    }
}

package dev.fleetpress.fleet;

import dev.fleetpress.release.Environments;
import java.util.Objects;

/**
 * One lifecycle action as FleetPress acts on it: which instance, which group and hook, which phase,
 * and the environment the group serves. Every field is validated on construction.
 *
 * @param token the LifecycleActionToken, or empty when the action was found by reconciliation (its
 *              event was lost); Auto Scaling then identifies the action by instance id, hook and group
 */
public record LifecycleAction(String instanceId, String group, String hook, Phase phase, String token,
                              String environment) {
    public LifecycleAction {
        FleetIds.instanceId(instanceId);
        FleetIds.name(group, "AutoScalingGroupName");
        FleetIds.name(hook, "LifecycleHookName");
        Objects.requireNonNull(phase, "phase");
        if (!token.isEmpty()) {
            FleetIds.uuid(token, "LifecycleActionToken");
        }
        Environments.requireValid(environment);
    }
}

package dev.fleetpress.fleet;

/**
 * Completes and extends Auto Scaling lifecycle actions. An action is addressed by its token when known,
 * else by instance id, hook and group (Auto Scaling accepts either). An action that was already
 * completed, or that expired, answers {@link Answer#NOT_ACTIVE}; other failures throw
 * {@link FleetBackendException}.
 */
public interface LifecycleActions {
    Answer complete(LifecycleAction action, LifecycleResult result);

    /** Restarts the action's heartbeat timeout. */
    Answer heartbeat(LifecycleAction action);

    enum Answer {
        DONE,
        /** "No active Lifecycle Action found": completed already, or expired. */
        NOT_ACTIVE
    }
}

package dev.fleetpress.rollout;

/** Where an environment's current rollout stands ({@code rollouts/<env>.json}). */
public enum RolloutState {
    /** The pointer moved; a runner holds the lease to send the activation command. */
    STARTING,
    /** The activation command runs across the environment's group. */
    ACTIVATING,
    /** Every targeted instance runs the release; the upgrade gate was triggered. */
    ACTIVATED,
    /** The activation stopped on errors; instances that failed kept their previous release. Alerted. */
    FAILED,
    /** A later pointer change replaced this rollout; its command was cancelled. */
    SUPERSEDED
}

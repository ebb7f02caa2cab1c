package dev.fleetpress.fleet;

/** Where a lifecycle action stands; it only ever moves down this list. */
public enum ActionState {
    /** Created; the instance has not taken the command yet (agent not registered, or throttled). */
    WAITING_FOR_AGENT,
    /** The bootstrap or drain command runs; its status event (or reconciliation) completes the action. */
    COMMAND_SENT,
    /** Decided: CONTINUE or ABANDON, with the reason. */
    COMPLETED
}

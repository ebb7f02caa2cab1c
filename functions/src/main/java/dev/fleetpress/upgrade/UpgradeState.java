package dev.fleetpress.upgrade;

/** Where the database upgrade of one release in one environment stands ({@code upgrades/<env>/<release>.json}). */
public enum UpgradeState {
    /** Someone holds the claim and is choosing an instance and sending the command; the lease bounds how long. */
    CLAIMED,
    /** The upgrade command was sent to one instance; its final status decides. The lease covers the command's timeout. */
    RUNNING,
    /** No instance could take the command yet (none runs the release, or its agent was not ready); the next trigger claims again. */
    WAITING,
    /** The upgrade commands succeeded: the database is at the release's schema. Final. */
    SUCCEEDED,
    /** The upgrade commands failed: the environment is blocked until an operator acknowledges. Final. */
    FAILED,
    /** The environment moved on to another release before the upgrade ran; the newer release's upgrade covers it. Final. */
    SUPERSEDED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == SUPERSEDED;
    }
}

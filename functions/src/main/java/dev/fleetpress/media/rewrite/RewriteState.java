package dev.fleetpress.media.rewrite;

/** Where the real URL rewrite of one (environment, migration) stands ({@code upgrades/<env>/rewrite-<id>.json}). */
public enum RewriteState {
    /** Someone holds the claim and is sending the command; the lease bounds how long. */
    CLAIMED,
    /** The command was sent to one instance; its final status decides. Anyone may follow it. */
    RUNNING,
    /** The instance could not take or run the command (agent not ready, terminated…); the next run claims again. */
    WAITING,
    /** {@code wp search-replace} ran: the database has the new URLs. Final. */
    SUCCEEDED,
    /** {@code wp search-replace} failed; only an explicit retry claims again. */
    FAILED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED;
    }
}

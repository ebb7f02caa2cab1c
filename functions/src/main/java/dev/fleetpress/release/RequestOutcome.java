package dev.fleetpress.release;

/** What asking for a release did; {@code message} is one line for the webhook's answer and logs. */
public record RequestOutcome(Kind kind, String buildId, String message) {
    public enum Kind {
        /** No release and no build yet: a build was started. */
        BUILD_STARTED,
        /** A build for this commit is already under way: the environment is promoted when it succeeds. */
        BUILD_PENDING,
        /** The commit already has a release: it was promoted without a rebuild. */
        PROMOTED,
        /** The environment already runs this release, or a newer push has superseded this one. */
        NO_CHANGE
    }
}

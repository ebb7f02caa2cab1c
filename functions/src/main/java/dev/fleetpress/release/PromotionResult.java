package dev.fleetpress.release;

/** What promoting one release to one environment did; {@code message} is one line for logs and the CLI. */
public record PromotionResult(String environment, ReleaseId releaseId, Kind kind, String message) {
    public enum Kind {
        /** The environment's pointer now names the release. */
        PROMOTED,
        /** The environment already ran the release. */
        ALREADY_CURRENT,
        /** The environment follows a release asked for later: the pointer was left alone. */
        SUPERSEDED,
        /** The {@link PromotionGuard} refused the move (database too new, or a failed upgrade); the pointer was left alone. */
        REFUSED
    }
}

package dev.fleetpress.release;

import java.util.Objects;

/**
 * What {@link ReleasePipeline#acceptCaptured} did with a captured release.
 *
 * @param failure null unless {@code kind} is {@link Kind#FAILED}; then one of MISSING_MANIFEST,
 *                INVALID_MANIFEST, FOREIGN_MANIFEST, NOT_CAPTURED, MISSING_ARTIFACT, CHECKSUM_MISMATCH,
 *                CONFLICTING_RELEASE ({@code releases/<id>/} already holds another release of that id),
 *                CONFLICTING_RELEASE ({@code releases/<id>/} already holds another release of that id)
 * @param message what happened, for logs, alerts and the exit plan's record (never a secret)
 */
public record CaptureOutcome(ReleaseId releaseId, Kind kind, String failure, String message) {
    public CaptureOutcome {
        Objects.requireNonNull(releaseId, "releaseId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
        if ((kind == Kind.FAILED) != (failure != null)) {
            throw new IllegalArgumentException("a failure code goes with FAILED and only with it");
        }
    }

    public enum Kind {
        /** The manifest and artifact were verified and the release recorded by this call. */
        RECORDED,
        /** The release was already recorded (a repeat of this call, or an unchanged webroot captured again). */
        ALREADY_RECORDED,
        /** The capture left no usable release; {@code failure} and {@code message} say why. Nothing was recorded. */
        FAILED
    }

    /** True when the release is recorded (now or before), so the caller may promote it. */
    public boolean accepted() {
        return kind != Kind.FAILED;
    }
}

package dev.fleetpress.efs;

import dev.fleetpress.release.ReleaseId;
import java.util.Objects;

/**
 * Accepts a release that the capture document made from a live webroot and uploaded under
 * {@code captures/<captureId>/}: verifies its manifest and artifact like a built release's, copies them
 * into {@code releases/<id>/} and records it (on AWS: {@code ReleasePipeline.acceptCaptured}). Idempotent.
 * Failures of the store throw; a release that does not verify is an answer ({@link Kind#FAILED}).
 */
public interface CapturedReleaseAcceptor {
    Acceptance accept(String captureId, ReleaseId releaseId, String capturedBy);

    enum Kind {
        RECORDED, ALREADY_RECORDED, FAILED
    }

    record Acceptance(Kind kind, String message) {
        public Acceptance {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(message, "message");
        }

        public boolean accepted() {
            return kind != Kind.FAILED;
        }
    }
}

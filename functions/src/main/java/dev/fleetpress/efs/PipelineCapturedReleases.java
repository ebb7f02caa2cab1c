package dev.fleetpress.efs;

import dev.fleetpress.release.CaptureOutcome;
import dev.fleetpress.release.ReleaseId;
import dev.fleetpress.release.ReleasePipeline;
import java.util.Objects;

/** {@link CapturedReleaseAcceptor} as {@link ReleasePipeline#acceptCaptured}. */
public final class PipelineCapturedReleases implements CapturedReleaseAcceptor {
    private final ReleasePipeline pipeline;

    public PipelineCapturedReleases(ReleasePipeline pipeline) {
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    }

    @Override
    public Acceptance accept(String captureId, ReleaseId releaseId, String capturedBy) {
        CaptureOutcome outcome = pipeline.acceptCaptured(captureId, releaseId, capturedBy);
        return switch (outcome.kind()) {
            case RECORDED -> new Acceptance(Kind.RECORDED, outcome.message());
            case ALREADY_RECORDED -> new Acceptance(Kind.ALREADY_RECORDED, outcome.message());
            // The message of a failure starts with its code already.
            case FAILED -> new Acceptance(Kind.FAILED, outcome.message());
        };
    }
}

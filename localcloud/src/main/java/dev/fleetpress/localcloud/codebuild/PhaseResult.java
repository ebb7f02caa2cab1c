package dev.fleetpress.localcloud.codebuild;

import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.services.codebuild.model.BuildPhase;
import software.amazon.awssdk.services.codebuild.model.BuildPhaseType;
import software.amazon.awssdk.services.codebuild.model.PhaseContext;
import software.amazon.awssdk.services.codebuild.model.StatusType;

/**
 * One phase of a build; {@code end} and {@code status} are null while it runs, and always for
 * COMPLETED (as CodeBuild reports it). The context code and message are empty for a phase that
 * succeeded, as in CodeBuild's {@code ": "} contexts.
 */
record PhaseResult(BuildPhaseType type, Instant start, Instant end, StatusType status, String contextCode,
        String contextMessage) {

    static PhaseResult started(BuildPhaseType type, Instant start) {
        return new PhaseResult(type, start, null, null, "", "");
    }

    PhaseResult finish(Instant at, PhaseOutcome outcome) {
        return new PhaseResult(type, start, at, outcome.status(), outcome.code(), outcome.message());
    }

    long durationSeconds() {
        return end == null ? 0 : Duration.between(start, end).toSeconds();
    }

    String context() {
        return contextCode + ": " + contextMessage;
    }

    BuildPhase toSdk() {
        BuildPhase.Builder b = BuildPhase.builder().phaseType(type).startTime(start);
        if (end != null) {
            b.endTime(end).durationInSeconds(durationSeconds()).phaseStatus(status)
                    .contexts(PhaseContext.builder().statusCode(contextCode).message(contextMessage).build());
        } else if (type != BuildPhaseType.COMPLETED) {
            b.phaseStatus(StatusType.IN_PROGRESS);
        }
        return b.build();
    }

    /** How a phase ended: a status and CodeBuild's context (code and message, empty on success). */
    record PhaseOutcome(StatusType status, String code, String message) {
        static final PhaseOutcome SUCCEEDED = new PhaseOutcome(StatusType.SUCCEEDED, "", "");

        static PhaseOutcome failed(String code, String message) {
            return new PhaseOutcome(StatusType.FAILED, code, message);
        }
    }
}

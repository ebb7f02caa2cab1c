package dev.fleetpress.release;

import dev.fleetpress.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The current build attempt of a release ({@code releases/<id>/build.json}). The first push creates
 * it if absent, so concurrent pushes of one commit start one build. It is replaced (compare-and-swap
 * on its version) as the attempt moves on, and a new push may supersede it with attempt n+1 when the
 * attempt can no longer produce the release: it failed, StartBuild never answered, or its build was
 * lost (CodeBuild's events are best effort).
 *
 * @param buildId the CodeBuild build id once StartBuild answered, else null
 * @param reason  why the attempt failed, else null
 */
public record BuildAttempt(int attempt, State state, String buildId, Instant requestedAt, Instant updatedAt,
                           String reason) {
    /** A requested build whose StartBuild has not answered in this time never will: the caller died. */
    static final Duration REQUEST_ABANDONED_AFTER = Duration.ofMinutes(5);
    /** CodeBuild's longest build timeout (8 h) and an hour for its events: a started build quiet for longer is lost. */
    static final Duration BUILD_LOST_AFTER = Duration.ofHours(9);

    public enum State { REQUESTED, STARTED, SUCCEEDED, FAILED }

    public BuildAttempt {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(requestedAt, "requestedAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    static BuildAttempt requested(int attempt, Instant now) {
        return new BuildAttempt(attempt, State.REQUESTED, null, now, now, null);
    }

    BuildAttempt started(String startedBuildId, Instant now) {
        return new BuildAttempt(attempt, State.STARTED, startedBuildId, requestedAt, now, null);
    }

    BuildAttempt succeeded(String succeededBuildId, Instant now) {
        return new BuildAttempt(attempt, State.SUCCEEDED, succeededBuildId, requestedAt, now, null);
    }

    BuildAttempt failed(String failedBuildId, String why, Instant now) {
        return new BuildAttempt(attempt, State.FAILED, failedBuildId, requestedAt, now, why);
    }

    /** True when a new push may replace this attempt with the next one. */
    boolean canBeSuperseded(Instant now) {
        return switch (state) {
            case FAILED -> true;
            case REQUESTED -> now.isAfter(updatedAt.plus(REQUEST_ABANDONED_AFTER));
            case STARTED -> now.isAfter(updatedAt.plus(BUILD_LOST_AFTER));
            case SUCCEEDED -> false;
        };
    }

    /** True when the finished build {@code finishedBuildId} is this attempt's build (or may be: id not yet known). */
    boolean isBuild(String finishedBuildId) {
        return buildId == null ? state == State.REQUESTED : buildId.equals(finishedBuildId);
    }

    String toJson() {
        return Json.write(Json.object("attempt", attempt, "state", state.name(), "buildId", buildId,
                "requestedAt", requestedAt.toString(), "updatedAt", updatedAt.toString(), "reason", reason));
    }

    static BuildAttempt fromJson(String json) {
        Json.Node root = Json.parse(json);
        return new BuildAttempt((int) root.get("attempt").asLong(), State.valueOf(root.text("state")),
                root.findText("buildId").orElse(null), Instant.parse(root.text("requestedAt")),
                Instant.parse(root.text("updatedAt")), root.findText("reason").orElse(null));
    }
}

package dev.fleetpress.release;

import dev.fleetpress.json.Json;
import java.time.Instant;
import java.util.Objects;

/**
 * Why one build of a release produced no release ({@code releases/<id>/builds/<build>.json}): the
 * build's own status (FAILED, FAULT, STOPPED, TIMED_OUT) or FleetPress's verdict on its output
 * (for example CHECKSUM_MISMATCH). Written once per build; environments are left as they were.
 */
public record BuildFailure(ReleaseId releaseId, String buildId, String status, String reason,
                           String environment, Instant recordedAt) {
    public BuildFailure {
        Objects.requireNonNull(releaseId, "releaseId");
        Objects.requireNonNull(buildId, "buildId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(recordedAt, "recordedAt");
    }

    String toJson() {
        return Json.write(Json.object("releaseId", releaseId.value(), "buildId", buildId, "status", status,
                "reason", reason, "environment", environment, "recordedAt", recordedAt.toString()));
    }
}

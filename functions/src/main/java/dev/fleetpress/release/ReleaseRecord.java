package dev.fleetpress.release;

import dev.fleetpress.json.Json;
import java.time.Instant;
import java.util.Objects;

/**
 * A verified release ({@code releases/<id>/release.json}): the manifest whose artifact matched its
 * checksum and size, which build produced it, and when FleetPress recorded it. Written once; its
 * existence is what "the commit has a release" means.
 */
public record ReleaseRecord(Manifest manifest, String buildId, Instant recordedAt) {
    public ReleaseRecord {
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(buildId, "buildId");
        Objects.requireNonNull(recordedAt, "recordedAt");
    }

    public ReleaseId releaseId() {
        return manifest.releaseId();
    }

    String toJson() {
        return Json.write(Json.object("formatVersion", 1, "releaseId", releaseId().value(), "buildId", buildId,
                "recordedAt", recordedAt.toString(), "manifest", manifest.toJson()));
    }

    static ReleaseRecord fromJson(String json) {
        Json.Node root = Json.parse(json);
        return new ReleaseRecord(Manifest.fromJson(root.get("manifest")), root.text("buildId"),
                Instant.parse(root.text("recordedAt")));
    }
}

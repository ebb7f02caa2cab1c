package dev.fleetpress.efs;

import dev.fleetpress.json.Json;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code captures/<capture-id>.json} in the release bucket, written by the capture document once the
 * release is uploaded: which release the webroot became, how big it was, what was left out, and whether
 * the webroot sits on an EFS (nfs4/efs) mount.
 */
public record CaptureRecord(String captureId, String environment, String instanceId, String releaseId, long files,
                            long bytes, Map<String, Long> excluded, boolean webrootOnEfs) {
    public CaptureRecord {
        excluded = Map.copyOf(excluded);
    }

    /** Throws {@link IllegalArgumentException} (JsonException) naming what is missing or malformed. */
    public static CaptureRecord parse(String json) {
        Json.Node n = Json.parse(json);
        Map<String, Long> excluded = new TreeMap<>();
        n.find("excluded").filter(Json.Node::isObject).ifPresent(e -> e.fields().forEach((k, v) -> excluded.put(k, v.asLong())));
        return new CaptureRecord(n.text("captureId"), n.findText("environment").orElse(""),
                n.findText("instanceId").orElse(""), n.text("releaseId"), n.get("files").asLong(), n.get("bytes").asLong(),
                excluded, n.find("webrootOnEfs").map(Json.Node::asBoolean).orElse(false));
    }
}

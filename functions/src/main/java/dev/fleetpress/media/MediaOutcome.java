package dev.fleetpress.media;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one event led to, with the keys its log line and answer carry (migration, shard, counts).
 *
 * @param kind IMPORTED (a shard result was recorded), DUPLICATE (the shard already had one), CHECKED
 *             (migration.json arrived; see {@code report}), IGNORED (not a key the import handles) or
 *             REJECTED (malformed or foreign event, or unreadable manifest: retrying cannot help)
 */
public record MediaOutcome(String kind, String message, Map<String, Object> keys) {
    public MediaOutcome {
        keys = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(keys));
    }

    public static MediaOutcome ignored(String reason) {
        return new MediaOutcome("IGNORED", reason, Map.of());
    }

    public static MediaOutcome rejected(String reason) {
        return new MediaOutcome("REJECTED", reason, Map.of());
    }

    /** The answer the handler writes: the keys, then kind and message. */
    public Map<String, Object> answer() {
        Map<String, Object> out = new LinkedHashMap<>(keys);
        out.put("outcome", kind);
        out.put("message", message);
        return out;
    }
}

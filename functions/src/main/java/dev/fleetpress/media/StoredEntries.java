package dev.fleetpress.media;

import dev.fleetpress.json.Json;
import dev.fleetpress.json.JsonException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code _migration/<id>/stored/shard-NNNNN.json}: {@code {"formatVersion":1,"migrationId","shard",
 * "eTags":{"<path>":"<etag>"…}}}, the ETag of the object each imported or skipped entry ended up as:
 * the ETag the put answered (after the entry's bytes were checked against the manifest's size and
 * sha256), or, for a skipped entry, the one HeadObject showed beside the manifest's sha256. The import
 * writes it before the shard's result; the verification trusts a listed object whose ETag is the
 * recorded one and asks HeadObject about every other entry, so a record that is missing, stale or
 * wrong costs requests, never a wrong verdict.
 */
public record StoredEntries(String migrationId, int shard, Map<String, String> eTags) {
    public StoredEntries {
        eTags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(eTags));
    }

    /** No record: every entry of the shard is checked with HeadObject. */
    public static StoredEntries none(String migrationId, int shard) {
        return new StoredEntries(migrationId, shard, Map.of());
    }

    /** The recorded ETag of {@code path}, or "" when none was recorded. */
    public String eTag(String path) {
        return eTags.getOrDefault(path, "");
    }

    public String toJson() {
        return Json.write(Json.object("formatVersion", 1, "migrationId", migrationId, "shard", shard, "eTags", eTags));
    }

    /** Throws {@link JsonException} when {@code root} is not such a record of this shard. */
    public static StoredEntries parse(Json.Node root, String migrationId, int shard) {
        if (root.get("formatVersion").asLong() != 1 || !root.text("migrationId").equals(migrationId)
                || root.get("shard").asLong() != shard) {
            throw new JsonException("not the format-1 record of migration " + migrationId + " shard " + shard);
        }
        Map<String, String> eTags = new LinkedHashMap<>();
        root.get("eTags").fields().forEach((path, eTag) -> eTags.put(path, eTag.asText()));
        return new StoredEntries(migrationId, shard, eTags);
    }
}

package dev.fleetpress.media;

import dev.fleetpress.json.Json;
import dev.fleetpress.json.JsonException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code _migration/<id>/shard-NNNNN.json}: {@code {"formatVersion":1,"migrationId","shard","entries":
 * [{"path","size","sha256"}…]}}, written by the export before the shard's tar. Entries are kept in the
 * manifest's order; their paths are not trusted here ({@link EntryRules} judges them).
 */
public record ShardManifest(String migrationId, int shard, List<ManifestEntry> entries) {
    private static final Pattern SHA256 = Pattern.compile("^[0-9a-f]{64}$");

    public ShardManifest {
        entries = List.copyOf(entries);
    }

    /** Parses and checks a manifest; throws {@link JsonException} saying what is wrong. */
    public static ShardManifest parse(Json.Node root, String migrationId, int shard) {
        if (root.get("formatVersion").asLong() != 1) {
            throw new JsonException("shard manifest formatVersion " + root.text("formatVersion")
                    + " is not 1; this import reads format 1 only");
        }
        if (!root.text("migrationId").equals(migrationId) || root.get("shard").asLong() != shard) {
            throw new JsonException("shard manifest names migration " + root.text("migrationId") + " shard "
                    + root.text("shard") + " but is stored as " + migrationId + " shard " + shard);
        }
        List<ManifestEntry> entries = new ArrayList<>();
        for (Json.Node e : root.get("entries").elements()) {
            String sha = e.text("sha256").toLowerCase(java.util.Locale.ROOT);
            long size = e.get("size").asLong();
            if (!SHA256.matcher(sha).matches() || size < 0) {
                throw new JsonException(e.path() + " needs a size ≥ 0 and a 64-digit hex sha256");
            }
            entries.add(new ManifestEntry(e.text("path"), size, sha));
        }
        return new ShardManifest(migrationId, shard, entries);
    }
}

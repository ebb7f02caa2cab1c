package dev.fleetpress.media;

import dev.fleetpress.json.Json;
import dev.fleetpress.json.JsonException;

/**
 * {@code _migration/<id>/migration.json}, written by the export after its last shard:
 * {@code {"formatVersion":1,"migrationId","shards","files","bytes","environment","exportedAt"}}.
 */
public record MigrationManifest(String migrationId, int shards, long files, long bytes, String environment,
                                String exportedAt) {

    public static MigrationManifest parse(Json.Node root, String migrationId) {
        if (root.get("formatVersion").asLong() != 1) {
            throw new JsonException("migration.json formatVersion " + root.text("formatVersion") + " is not 1");
        }
        if (!root.text("migrationId").equals(migrationId)) {
            throw new JsonException("migration.json names migration " + root.text("migrationId")
                    + " but is stored under " + migrationId);
        }
        long shards = root.get("shards").asLong();
        if (shards < 0 || shards > 99_999) {
            throw new JsonException("migration.json shards " + shards + " must be 0 to 99999");
        }
        return new MigrationManifest(migrationId, (int) shards, root.get("files").asLong(), root.get("bytes").asLong(),
                root.findText("environment").orElse(""), root.findText("exportedAt").orElse(""));
    }
}

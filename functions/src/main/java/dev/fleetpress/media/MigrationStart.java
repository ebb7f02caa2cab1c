package dev.fleetpress.media;

import dev.fleetpress.json.Json;
import java.time.Instant;
import java.util.Objects;

/**
 * {@code _migration/<id>/started.json}: who was asked to export, written once the export command is sent
 * (by {@code fleetpress media migrate} and by the EFS exit plan, both through {@link MigrationStarter}).
 */
public record MigrationStart(String migrationId, String environment, String group, String instanceId, String commandId,
                             String documentName, Instant startedAt) {
    public MigrationStart {
        Objects.requireNonNull(migrationId, "migrationId");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(documentName, "documentName");
        Objects.requireNonNull(startedAt, "startedAt");
    }

    public String toJson() {
        return Json.write(Json.object("formatVersion", 1, "migrationId", migrationId, "environment", environment,
                "group", group, "instanceId", instanceId, "commandId", commandId, "documentName", documentName,
                "startedAt", startedAt.toString()));
    }

    public static MigrationStart parse(Json.Node root) {
        return new MigrationStart(root.text("migrationId"), root.text("environment"), root.text("group"),
                root.text("instanceId"), root.text("commandId"), root.text("documentName"),
                Instant.parse(root.text("startedAt")));
    }
}

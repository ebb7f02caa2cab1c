package dev.fleetpress.media.rewrite;

import dev.fleetpress.json.Json;
import java.time.Instant;
import java.util.Objects;

/**
 * The latest successful dry run of one (environment, migration) ({@code upgrades/<env>/rewrite-<id>.dry-run.json}):
 * what {@code wp search-replace --dry-run} said it would change. Dry runs change nothing and may repeat;
 * each one replaces this record. The real run requires one with the same {@code from} and {@code to}.
 */
public record DryRunRecord(String environment, String migrationId, String from, String to, String release,
                           String instanceId, String commandId, ReplacementReport report, Instant ranAt) {
    public DryRunRecord {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(migrationId, "migrationId");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(ranAt, "ranAt");
    }

    boolean covers(RewriteRequest request) {
        return from.equals(request.from()) && to.equals(request.to());
    }

    String toJson() {
        return Json.write(Json.object("formatVersion", 1, "environment", environment, "migrationId", migrationId,
                "from", from, "to", to, "release", release, "instanceId", instanceId, "commandId", commandId,
                "report", report.toJson(), "ranAt", ranAt.toString()));
    }

    static DryRunRecord fromJson(String json) {
        Json.Node n = Json.parse(json);
        return new DryRunRecord(n.text("environment"), n.text("migrationId"), n.text("from"), n.text("to"),
                n.text("release"), n.text("instanceId"), n.text("commandId"), ReplacementReport.fromJson(n.get("report")),
                Instant.parse(n.text("ranAt")));
    }
}

package dev.fleetpress.fleet;

import dev.fleetpress.json.Json;
import java.time.Instant;

/**
 * What the CLI and the demo read to show which release each instance runs
 * ({@code fleet/instances/<instance-id>.json}): the outcome of the instance's latest lifecycle action.
 */
public record InstanceRecord(String instanceId, String group, String environment, String release,
                             InstanceState state, Phase phase, String commandId, String reason, Instant updatedAt) {
    String toJson() {
        return Json.write(Json.object("instanceId", instanceId, "group", group, "environment", environment,
                "release", release, "state", state.name(), "phase", phase.slug(), "commandId", commandId,
                "reason", reason, "updatedAt", updatedAt.toString()));
    }

    static InstanceRecord fromJson(String json) {
        Json.Node n = Json.parse(json);
        return new InstanceRecord(n.text("instanceId"), n.text("group"), n.text("environment"), n.text("release"),
                InstanceState.valueOf(n.text("state")), Phase.ofSlug(n.text("phase")), n.text("commandId"),
                n.text("reason"), Instant.parse(n.text("updatedAt")));
    }
}

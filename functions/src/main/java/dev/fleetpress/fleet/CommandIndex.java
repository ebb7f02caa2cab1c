package dev.fleetpress.fleet;

import dev.fleetpress.json.Json;
import java.time.Instant;

/**
 * Which action a command was sent for ({@code fleet/commands/<command-id>.json}), written right after
 * SendCommand answers, so that the command's status event finds its action and the release it installs.
 */
record CommandIndex(String commandId, String actionId, String instanceId, Phase phase, String document,
                    String release, Instant sentAt) {
    String toJson() {
        return Json.write(Json.object("commandId", commandId, "actionId", actionId, "instanceId", instanceId,
                "phase", phase.slug(), "document", document, "release", release, "sentAt", sentAt.toString()));
    }

    static CommandIndex fromJson(String json) {
        Json.Node n = Json.parse(json);
        return new CommandIndex(n.text("commandId"), n.text("actionId"), n.text("instanceId"),
                Phase.ofSlug(n.text("phase")), n.text("document"), n.text("release"), Instant.parse(n.text("sentAt")));
    }
}

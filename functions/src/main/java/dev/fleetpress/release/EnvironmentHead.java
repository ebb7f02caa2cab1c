package dev.fleetpress.release;

import dev.fleetpress.json.Json;
import java.time.Instant;
import java.util.Objects;

/**
 * The promotion an environment's pointer follows ({@code releases/environments/<env>.json}). It is
 * moved by compare-and-swap before the pointer is set, which makes "only forward" atomic even when
 * two promotions of one environment run at once: the head decides, the pointer follows the head.
 *
 * @param receivedAt when the push (or operator request) that asked for this release was received
 */
public record EnvironmentHead(String environment, ReleaseId releaseId, Instant receivedAt, String source,
                              Instant promotedAt) {
    public EnvironmentHead {
        Environments.requireValid(environment);
        Objects.requireNonNull(releaseId, "releaseId");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(promotedAt, "promotedAt");
    }

    String toJson() {
        return Json.write(Json.object("environment", environment, "releaseId", releaseId.value(),
                "receivedAt", receivedAt.toString(), "source", source, "promotedAt", promotedAt.toString()));
    }

    static EnvironmentHead fromJson(String json) {
        Json.Node root = Json.parse(json);
        return new EnvironmentHead(root.text("environment"), ReleaseId.of(root.text("releaseId")),
                Instant.parse(root.text("receivedAt")), root.text("source"), Instant.parse(root.text("promotedAt")));
    }
}

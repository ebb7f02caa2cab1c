package dev.fleetpress.release;

import dev.fleetpress.json.Json;
import java.time.Instant;
import java.util.Objects;

/**
 * "Promote this release to {@code environment}", as asked by the push received at {@code receivedAt}
 * (or by an operator). The receive time orders intents: an environment's pointer only ever moves to
 * a release asked for later than the one it runs.
 *
 * @param source who asked, for logs and the promotion head: {@code push <delivery id>} or an operator's note
 */
public record PromotionIntent(String environment, Instant receivedAt, String source) {
    public PromotionIntent {
        Environments.requireValid(environment);
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(source, "source");
    }

    Object toJson() {
        return Json.object("environment", environment, "receivedAt", receivedAt.toString(), "source", source);
    }

    static PromotionIntent fromJson(Json.Node node) {
        return new PromotionIntent(node.text("environment"), Instant.parse(node.text("receivedAt")), node.text("source"));
    }
}

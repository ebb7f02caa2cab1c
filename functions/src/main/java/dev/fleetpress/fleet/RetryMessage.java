package dev.fleetpress.fleet;

import dev.fleetpress.json.Json;
import dev.fleetpress.release.Environments;
import dev.fleetpress.release.ReleaseId;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * "Try this action's command again": the body of a message on the retry queue. Every field is checked
 * when read, because the queue is an input like any other. {@code attempt} is the record's attempt
 * count when the message was queued; a message whose attempt no longer matches is stale and dropped,
 * which makes SQS's at-least-once delivery harmless.
 *
 * <p>JSON: {@code {"kind":"fleetpress.agent-retry","version":1,"actionId","instanceId","group","hook",
 * "transition","phase","token","environment","release","attempt","deadline"}}.
 */
public record RetryMessage(String actionId, LifecycleAction action, String release, int attempt, Instant deadline) {
    static final String KIND = "fleetpress.agent-retry";

    public RetryMessage {
        if (!actionId.startsWith("reconcile-") && !FleetIds.isUuid(actionId)) {
            throw new IllegalArgumentException("actionId '" + FleetIds.shorten(actionId) + "' is neither a token nor reconcile-<ms>");
        }
        if (!release.isEmpty()) {
            ReleaseId.of(release);
        }
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1, got " + attempt);
        }
    }

    public String toJson() {
        return Json.write(Json.object("kind", KIND, "version", 1, "actionId", actionId,
                "instanceId", action.instanceId(), "group", action.group(), "hook", action.hook(),
                "transition", action.phase().transition().awsName(), "phase", action.phase().slug(),
                "token", action.token(), "environment", action.environment(), "release", release,
                "attempt", attempt, "deadline", deadline.toString()));
    }

    /** Reads a queue message body; throws {@link IllegalArgumentException} saying what is wrong with it. */
    public static RetryMessage fromJson(String body) {
        Json.Node n = Json.parse(body);
        if (!KIND.equals(n.findText("kind").orElse(null)) || n.get("version").asLong() != 1) {
            throw new IllegalArgumentException("not a FleetPress retry message (kind " + KIND + ", version 1)");
        }
        Phase phase = Phase.ofSlug(n.text("phase"));
        if (phase.transition() != Phase.Transition.ofAwsName(n.text("transition"))) {
            throw new IllegalArgumentException("phase " + phase.slug() + " does not belong to " + n.text("transition"));
        }
        LifecycleAction action = new LifecycleAction(n.text("instanceId"), n.text("group"), n.text("hook"), phase,
                n.findText("token").orElse(""), Environments.requireValid(n.text("environment")));
        try {
            return new RetryMessage(n.text("actionId"), action, n.findText("release").orElse(""),
                    (int) n.get("attempt").asLong(), Instant.parse(n.text("deadline")));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("deadline is not an ISO-8601 instant: " + e.getParsedString());
        }
    }
}

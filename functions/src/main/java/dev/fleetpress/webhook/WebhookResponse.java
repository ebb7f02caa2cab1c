package dev.fleetpress.webhook;

import dev.fleetpress.json.Json;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The webhook's answer: an HTTP status and a small JSON object whose {@code status} says what happened
 * (accepted, duplicate, ignored, ok, rejected, unavailable). 2xx tells the provider not to redeliver;
 * 503 asks it to.
 */
public record WebhookResponse(int statusCode, Map<String, Object> body) {
    public WebhookResponse {
        body = Collections.unmodifiableMap(new LinkedHashMap<>(body));
    }

    static WebhookResponse rejected(int statusCode, String reason) {
        return new WebhookResponse(statusCode, Json.object("status", "rejected", "reason", reason));
    }

    static WebhookResponse unavailable(String reason) {
        return new WebhookResponse(503, Json.object("status", "unavailable", "reason", reason));
    }

    static WebhookResponse ignored(String reason) {
        return new WebhookResponse(202, Json.object("status", "ignored", "reason", reason));
    }

    /** The body as compact JSON. */
    public String json() {
        return Json.write(body);
    }

    public String status() {
        return String.valueOf(body.get("status"));
    }
}

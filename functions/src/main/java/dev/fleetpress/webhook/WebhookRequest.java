package dev.fleetpress.webhook;

import java.util.Map;
import java.util.Objects;

/**
 * An HTTP delivery as the webhook sees it, free of API Gateway types.
 *
 * @param provider      the {@code {provider}} path segment, untrusted; empty when absent
 * @param headers       header names in lower case
 * @param body          the body as API Gateway passed it; empty when absent
 * @param base64Encoded whether {@code body} is base64 of the raw bytes
 */
public record WebhookRequest(String provider, Map<String, String> headers, String body, boolean base64Encoded) {
    public WebhookRequest {
        provider = Objects.requireNonNullElse(provider, "");
        headers = Map.copyOf(Objects.requireNonNull(headers, "headers"));
        body = Objects.requireNonNullElse(body, "");
    }
}

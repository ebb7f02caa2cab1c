package dev.fleetpress.localcloud;

import dev.fleetpress.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends a push to a FleetPress webhook exactly as GitHub does: the push payload's fields FleetPress
 * reads, {@code X-GitHub-Event: push}, a fresh {@code X-GitHub-Delivery} and
 * {@code X-Hub-Signature-256} over the raw body. Used by the demo, the local git hook, the benchmarks
 * and the whole-flow tests.
 */
public final class GitHubPush {
    /** The commit id GitHub sends as {@code before} for a new ref and as {@code after} for a deleted one. */
    public static final String ZERO = "0000000000000000000000000000000000000000";

    /** The webhook's answer. */
    public record Response(int status, String body, Duration took, String deliveryId) {
    }

    private GitHubPush() {
    }

    public static String payload(String repository, String cloneUrl, String ref, String before, String after) {
        boolean deleted = ZERO.equals(after);
        Map<String, Object> repo = Json.object(
                "name", repository.substring(repository.indexOf('/') + 1),
                "full_name", repository,
                "clone_url", cloneUrl,
                "default_branch", "main");
        return Json.write(Json.object(
                "ref", ref,
                "before", before,
                "after", after,
                "created", ZERO.equals(before),
                "deleted", deleted,
                "forced", false,
                "repository", repo,
                "pusher", Json.object("name", "fleetpress-demo", "email", "demo@fleetpress.invalid"),
                "head_commit", deleted ? null : Json.object("id", after, "message", "FleetPress local push")));
    }

    public static String signature(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    public static Response send(URI webhookUrl, String secret, String payload) {
        return send(webhookUrl, secret, payload, UUID.randomUUID().toString());
    }

    /** Sends with a given delivery id: GitHub keeps the id when it redelivers. */
    public static Response send(URI webhookUrl, String secret, String payload, String delivery) {
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(webhookUrl)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("User-Agent", "GitHub-Hookshot/fleetpress-local")
                .header("X-GitHub-Event", "push")
                .header("X-GitHub-Delivery", delivery)
                .header("X-Hub-Signature-256", signature(secret, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), Duration.ofNanos(System.nanoTime() - start), delivery);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot reach the webhook at " + webhookUrl + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending the webhook", e);
        }
    }

    /** Pushes {@code ref} moving from {@code before} to {@code after} of the local example site to {@code cloud}. */
    public static Response push(LocalCloud cloud, String ref, String before, String after) {
        return send(cloud.webhookUrl("github"), cloud.webhookSecret(),
                payload("local/example-site", "file:///local/example-site.git", ref, before, after));
    }
}

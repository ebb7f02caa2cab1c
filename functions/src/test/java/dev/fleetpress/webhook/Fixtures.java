package dev.fleetpress.webhook;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.fleetpress.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Loads {@code events/webhook/} fixtures into the event type the Lambda runtime would build from them
 * (its serializer is not a dependency here, so the fields are copied by hand), and signs test bodies
 * with the fixture secret the way the providers do.
 */
final class Fixtures {
    static final String SECRET = "fleetpress-fixture-secret";
    static final String MAIN_COMMIT = "f30f332fb1420050585e45649714f3b79e100a4a";
    static final String TAG_COMMIT = "1b5b0a49396ff8000e3e36d28b1a8d47cbefa378";

    private Fixtures() {
    }

    static APIGatewayV2HTTPEvent event(String name) {
        Json.Node json = Json.parse(read(name));
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setVersion(json.text("version"));
        event.setRouteKey(json.text("routeKey"));
        event.setRawPath(json.text("rawPath"));
        event.setRawQueryString(json.findText("rawQueryString").orElse(""));
        event.setHeaders(strings(json.get("headers")));
        event.setPathParameters(strings(json.get("pathParameters")));
        event.setBody(json.findText("body").orElse(null));
        event.setIsBase64Encoded(json.find("isBase64Encoded").map(Json.Node::asBoolean).orElse(false));
        Json.Node context = json.get("requestContext");
        Json.Node http = context.get("http");
        event.setRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                .withAccountId(context.text("accountId"))
                .withApiId(context.text("apiId"))
                .withDomainName(context.text("domainName"))
                .withDomainPrefix(context.findText("domainPrefix").orElse(null))
                .withRequestId(context.text("requestId"))
                .withRouteKey(context.text("routeKey"))
                .withStage(context.text("stage"))
                .withTime(context.text("time"))
                .withTimeEpoch(context.get("timeEpoch").asLong())
                .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                        .withMethod(http.text("method"))
                        .withPath(http.text("path"))
                        .withProtocol(http.text("protocol"))
                        .withSourceIp(http.text("sourceIp"))
                        .withUserAgent(http.text("userAgent"))
                        .build())
                .build());
        return event;
    }

    /** The fixture as the intake sees it. */
    static WebhookRequest request(String name) {
        return WebhookHandler.toRequest(event(name));
    }

    /** A copy of {@code request} with {@code name} set to {@code value}, or removed when value is null. */
    static WebhookRequest withHeader(WebhookRequest request, String name, String value) {
        Map<String, String> headers = new LinkedHashMap<>(request.headers());
        if (value == null) {
            headers.remove(name);
        } else {
            headers.put(name, value);
        }
        return new WebhookRequest(request.provider(), headers, request.body(), request.base64Encoded());
    }

    /** A GitHub push delivery of {@code body}, signed with the fixture secret. */
    static WebhookRequest github(String event, String deliveryId, byte[] body, boolean base64) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("x-github-event", event);
        headers.put("x-github-delivery", deliveryId);
        headers.put("x-hub-signature-256", "sha256=" + hmacHex(body));
        String text = base64 ? Base64.getEncoder().encodeToString(body) : new String(body, StandardCharsets.UTF_8);
        return new WebhookRequest("github", headers, text, base64);
    }

    static WebhookRequest githubPush(String body) {
        return github("push", "delivery-1", body.getBytes(StandardCharsets.UTF_8), false);
    }

    /** A minimal GitHub push body with the real field names. */
    static String githubPushBody(String ref, String after) {
        return Json.write(Json.object(
                "ref", ref,
                "before", "0000000000000000000000000000000000000000",
                "after", after,
                "created", true,
                "deleted", false,
                "forced", false,
                "repository", Json.object("full_name", "acme/site", "clone_url", "https://github.com/acme/site.git")));
    }

    /** A Bitbucket delivery of {@code body}, signed with the fixture secret. */
    static WebhookRequest bitbucket(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new WebhookRequest("bitbucket", Map.of(
                "x-event-key", "repo:push",
                "x-request-uuid", "61728394-0516-47c8-b9ea-f1a2b3c4d5e6",
                "x-hub-signature", "sha256=" + hmacHex(bytes)), body, false);
    }

    static String hmacHex(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> strings(Json.Node object) {
        Map<String, String> out = new LinkedHashMap<>();
        object.fields().forEach((k, v) -> out.put(k, v.asText()));
        return out;
    }

    private static String read(String name) {
        Path path = Path.of(System.getProperty("fleetpress.root"), "events", "webhook", name);
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read fixture " + path, e);
        }
    }
}

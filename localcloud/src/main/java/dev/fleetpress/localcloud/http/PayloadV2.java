package dev.fleetpress.localcloud.http;

import dev.fleetpress.json.Json;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds the HTTP API payload format 2.0 event, field by field as API Gateway sends it: lower-case
 * header names with repeated headers comma-joined, cookies moved out of the headers into
 * {@code cookies}, repeated query parameters comma-joined, and the body base64-encoded unless its
 * Content-Type is text.
 */
final class PayloadV2 {
    /**
     * The media types HTTP APIs pass to Lambda as UTF-8 text; every other type, a missing
     * Content-Type and {@code application/x-www-form-urlencoded} included, arrives base64-encoded.
     * (Observed on AWS; the documentation does not list them.)
     */
    private static final Set<String> TEXT_TYPES = Set.of("application/json", "application/xml", "application/javascript");
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss '+0000'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private PayloadV2() {
    }

    /** One request as the server received it. */
    record Request(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body,
                   String sourceIp, int port, String protocol) {
    }

    static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        return mediaType.startsWith("text/") || TEXT_TYPES.contains(mediaType);
    }

    static String event(Request request, String routeKey, Map<String, String> pathParameters, String apiId,
                        String accountId, String requestId, Instant now) {
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> cookies = new ArrayList<>();
        request.headers().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("cookie")) {
                for (String header : values) {
                    for (String cookie : header.split(";")) {
                        if (!cookie.isBlank()) {
                            cookies.add(cookie.trim());
                        }
                    }
                }
            } else {
                headers.merge(lower, String.join(",", values), (a, b) -> a + "," + b);
            }
        });
        headers.putIfAbsent("x-forwarded-for", request.sourceIp());
        headers.putIfAbsent("x-forwarded-port", Integer.toString(request.port()));
        headers.putIfAbsent("x-forwarded-proto", "http");
        headers.putIfAbsent("x-amzn-trace-id", "Root=1-" + Long.toHexString(now.getEpochSecond()) + "-"
                + requestId.replaceAll("[^0-9a-f]", "").concat("000000000000000000000000").substring(0, 24));
        String host = headers.getOrDefault("host", "localhost");
        int dot = host.indexOf('.');

        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "2.0");
        event.put("routeKey", routeKey);
        event.put("rawPath", request.rawPath());
        event.put("rawQueryString", request.rawQuery() == null ? "" : request.rawQuery());
        if (!cookies.isEmpty()) {
            event.put("cookies", cookies);
        }
        event.put("headers", headers);
        Map<String, String> query = query(request.rawQuery());
        if (!query.isEmpty()) {
            event.put("queryStringParameters", query);
        }
        event.put("requestContext", Json.object(
                "accountId", accountId,
                "apiId", apiId,
                "domainName", host,
                "domainPrefix", dot < 0 ? host : host.substring(0, dot),
                "http", Json.object(
                        "method", request.method(),
                        "path", decode(request.rawPath()),
                        "protocol", request.protocol(),
                        "sourceIp", request.sourceIp(),
                        "userAgent", headers.getOrDefault("user-agent", "")),
                "requestId", requestId,
                "routeKey", routeKey,
                "stage", "$default",
                "time", TIME.format(now),
                "timeEpoch", now.toEpochMilli()));
        if (!pathParameters.isEmpty()) {
            event.put("pathParameters", pathParameters);
        }
        boolean base64 = false;
        if (request.body().length > 0) {
            base64 = !isText(headers.get("content-type"));
            event.put("body", base64 ? Base64.getEncoder().encodeToString(request.body())
                    : new String(request.body(), StandardCharsets.UTF_8));
        }
        event.put("isBase64Encoded", base64);
        return Json.write(event);
    }

    /** Query parameters, percent-decoded, repeated names comma-joined in order. */
    private static Map<String, String> query(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.merge(name, value, (a, b) -> a + "," + b);
        }
        return out;
    }

    /** Percent-decoding only: API Gateway leaves a '+' as it is. */
    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw;
        }
    }
}

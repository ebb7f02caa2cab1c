package dev.fleetpress.localcloud.http;

import dev.fleetpress.localcloud.TokenBucket;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fleetpress.json.Json;
import dev.fleetpress.json.JsonException;
import dev.fleetpress.localcloud.lambda.InvocationResult;
import dev.fleetpress.localcloud.lambda.LocalLambda;
import dev.fleetpress.localcloud.template.FunctionSpec;
import dev.fleetpress.localcloud.template.HttpApiRoute;
import dev.fleetpress.localcloud.template.HttpApiSpec;
import dev.fleetpress.localcloud.template.Template;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP API of template.yaml on 127.0.0.1: each request is routed as API Gateway routes it to the
 * function of the matching {@code HttpApi} event, invoked through {@link LocalLambda} with the exact
 * payload format 2.0 event, and the function's response (statusCode, headers, cookies, body,
 * isBase64Encoded) is written back. API Gateway's own answers are reproduced: 404
 * {@code {"message":"Not Found"}} for an unknown route, 429 {@code {"message":"Too Many Requests"}}
 * past the {@code DefaultRouteSettings} throttle (a token bucket), 413 past HTTP APIs' 10 MB payload
 * limit, 500 {@code {"message":"Internal Server Error"}} when the function fails or answers nonsense.
 */
public final class LocalHttpApi implements AutoCloseable {
    /** HTTP APIs accept request payloads up to 10 MB. */
    static final int MAX_BODY_BYTES = 10 * 1024 * 1024;
    private static final SecureRandom IDS = new SecureRandom();

    private final HttpServer server;
    private final ExecutorService executor;
    private final RouteTable routes = new RouteTable();
    private final TokenBucket throttle;
    private final LocalLambda lambda;
    private final String apiId;
    private final String accountId;
    private final URI baseUrl;

    private LocalHttpApi(Template template, HttpApiSpec api, LocalLambda lambda, int port) {
        this.lambda = lambda;
        this.accountId = template.context().accountId();
        this.apiId = apiId(api.logicalId());
        this.throttle = TokenBucket.of(api.throttling().burstLimit(), api.throttling().rateLimit());
        for (FunctionSpec function : template.functions()) {
            for (HttpApiRoute route : function.httpRoutes()) {
                if (!route.apiLogicalId().equals(api.logicalId())) {
                    continue;
                }
                if (!route.payloadFormatVersion().equals("2.0")) {
                    throw new IllegalStateException(function.logicalId() + "." + route.eventName() + " uses payload format "
                            + route.payloadFormatVersion() + "; localcloud's HTTP API speaks 2.0 only");
                }
                routes.add(route, function.logicalId());
            }
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port + " for the HTTP API "
                    + api.logicalId() + " (is the port taken? use 0 for a free one)", e);
        }
        AtomicInteger threads = new AtomicInteger();
        executor = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "localcloud-http-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        baseUrl = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** Serves the template's only HTTP API on {@code port} (0 picks a free one). */
    public static LocalHttpApi start(Template template, LocalLambda lambda, int port) {
        List<HttpApiSpec> apis = template.httpApis();
        if (apis.size() != 1) {
            throw new IllegalStateException("the template has " + apis.size() + " HTTP APIs " + apis.stream()
                    .map(HttpApiSpec::logicalId).toList() + "; name one with start(template, apiLogicalId, lambda, port)");
        }
        return new LocalHttpApi(template, apis.get(0), lambda, port);
    }

    /** Serves the HTTP API {@code apiLogicalId} on {@code port} (0 picks a free one). */
    public static LocalHttpApi start(Template template, String apiLogicalId, LocalLambda lambda, int port) {
        return new LocalHttpApi(template, template.httpApi(apiLogicalId), lambda, port);
    }

    /** {@code http://127.0.0.1:<port>/}; routes resolve against it ({@code baseUrl().resolve("/webhook/github")}). */
    public URI baseUrl() {
        return baseUrl;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String requestId = requestId();
        try (exchange) {
            exchange.getResponseHeaders().set("apigw-requestid", requestId);
            byte[] body = readBody(exchange);
            if (body == null) {
                message(exchange, 413, "Request Entity Too Large");
                return;
            }
            URI uri = exchange.getRequestURI();
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            Optional<RouteTable.Match> match = routes.match(method, uri.getRawPath());
            if (match.isEmpty()) {
                message(exchange, 404, "Not Found");
                return;
            }
            if (!throttle.tryAcquire()) {
                message(exchange, 429, "Too Many Requests");
                return;
            }
            RouteTable.Match m = match.get();
            PayloadV2.Request request = new PayloadV2.Request(method, uri.getRawPath(), uri.getRawQuery(),
                    exchange.getRequestHeaders(), body, exchange.getRemoteAddress().getAddress().getHostAddress(),
                    server.getAddress().getPort(), exchange.getProtocol());
            String event = PayloadV2.event(request, m.route().routeKey(), m.pathParameters(), apiId, accountId,
                    requestId, Instant.now());
            InvocationResult result = lambda.invoke(m.functionLogicalId(), event);
            if (!result.succeeded()) {
                message(exchange, 500, "Internal Server Error");
                return;
            }
            respond(exchange, result.outputJson());
        }
    }

    /** Maps the function's answer back to HTTP, as payload format 2.0 defines it. */
    private static void respond(HttpExchange exchange, String output) throws IOException {
        Json.Node response;
        try {
            response = Json.parse(output);
        } catch (JsonException e) {
            message(exchange, 500, "Internal Server Error");
            return;
        }
        if (!response.isObject() || response.find("statusCode").isEmpty()) {
            // Valid JSON without a statusCode: API Gateway returns it as the body of a 200.
            exchange.getResponseHeaders().set("content-type", "application/json");
            send(exchange, 200, output.getBytes(StandardCharsets.UTF_8));
            return;
        }
        int status;
        byte[] body;
        try {
            status = (int) response.get("statusCode").asLong();
            Optional<String> text = response.findText("body");
            boolean base64 = response.find("isBase64Encoded").map(Json.Node::asBoolean).orElse(false);
            body = text.map(t -> base64 ? Base64.getDecoder().decode(t) : t.getBytes(StandardCharsets.UTF_8))
                    .orElse(new byte[0]);
        } catch (IllegalArgumentException e) { // a JsonException is one too
            message(exchange, 500, "Internal Server Error");
            return;
        }
        response.find("headers").filter(Json.Node::isObject).ifPresent(headers ->
                headers.fields().forEach((name, value) -> exchange.getResponseHeaders().set(name, value.asText())));
        response.find("cookies").filter(Json.Node::isArray).ifPresent(cookies ->
                cookies.elements().forEach(c -> exchange.getResponseHeaders().add("set-cookie", c.asText())));
        send(exchange, status, body);
    }

    private static void message(HttpExchange exchange, int status, String message) throws IOException {
        exchange.getResponseHeaders().set("content-type", "application/json");
        send(exchange, status, Json.write(Map.of("message", message)).getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** The body, or null when it is over the limit (then drained, so the client reads the 413 instead of a reset). */
    private static byte[] readBody(HttpExchange exchange) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("content-length");
        try (InputStream in = exchange.getRequestBody()) {
            if (declared != null && parseLength(declared) > MAX_BODY_BYTES) {
                in.transferTo(OutputStream.nullOutputStream());
                return null;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (out.size() + n > MAX_BODY_BYTES) {
                    in.transferTo(OutputStream.nullOutputStream());
                    return null;
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A stable API id of the shape API Gateway uses (10 lower-case letters and digits). */
    private static String apiId(String logicalId) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        long h = Integer.toUnsignedLong(logicalId.hashCode()) * 2654435761L + logicalId.length();
        StringBuilder id = new StringBuilder(10);
        for (int i = 0; i < 10; i++) {
            id.append(alphabet.charAt((int) Math.floorMod(h, 36L)));
            h = h / 36 + (long) (i + 1) * 7919;
        }
        return id.toString();
    }

    /** Request ids shaped like API Gateway's ({@code JKJaXmPLvHcESHA=}). */
    private static String requestId() {
        byte[] bytes = new byte[10];
        IDS.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}

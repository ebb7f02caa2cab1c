package dev.fleetpress.localcloud.ssm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fleetpress.json.Json;
import dev.fleetpress.json.JsonException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import software.amazon.awssdk.services.ssm.model.GetParametersByPathResponse;
import software.amazon.awssdk.services.ssm.model.GetParametersResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.PutParameterResponse;
import software.amazon.awssdk.services.ssm.model.SsmException;

/**
 * A {@link LocalSsm} over HTTP on loopback, speaking SSM's AWS JSON 1.1 protocol ({@code POST /},
 * {@code X-Amz-Target: AmazonSSM.<Operation>}, {@code application/x-amz-json-1.1}), so the aws CLI in
 * instance sandboxes ({@code AWS_ENDPOINT_URL_SSM}) and SDK clients with an endpoint override reach
 * the same parameters as the functions.
 *
 * <p>Operations: GetParameter, GetParameters, GetParametersByPath and PutParameter; any other answers
 * {@code UnknownOperationException}. Errors are AWS-shaped: status 400 and
 * {@code {"__type": code, "message": …}}. SigV4 signatures are not verified (any credentials are
 * accepted): the server listens on 127.0.0.1 only and serves local data.
 */
public final class LocalSsmEndpoint implements AutoCloseable {
    private static final String TARGET_PREFIX = "AmazonSSM.";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";

    private final LocalSsm ssm;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Function<Json.Node, Object>> operations;

    private LocalSsmEndpoint(LocalSsm ssm) throws IOException {
        this.ssm = ssm;
        this.operations = Map.of(
                "GetParameter", this::getParameter,
                "GetParameters", this::getParameters,
                "GetParametersByPath", this::getParametersByPath,
                "PutParameter", this::putParameter);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "localcloud-ssm-endpoint");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Serves {@code ssm} on a free loopback port until {@link #close()}. */
    public static LocalSsmEndpoint start(LocalSsm ssm) {
        try {
            return new LocalSsmEndpoint(ssm);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the local SSM endpoint on 127.0.0.1", e);
        }
    }

    /** The URL to give as {@code --endpoint-url}, {@code AWS_ENDPOINT_URL_SSM} or {@code endpointOverride}. */
    public URI endpoint() {
        InetSocketAddress address = server.getAddress();
        return URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            byte[] request = body.readAllBytes();
            if (!exchange.getRequestMethod().equals("POST")) {
                send(exchange, 400, error("UnknownOperationException", "SSM takes POST / with X-Amz-Target"));
                return;
            }
            String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            Function<Json.Node, Object> operation = target.startsWith(TARGET_PREFIX)
                    ? operations.get(target.substring(TARGET_PREFIX.length())) : null;
            if (operation == null) {
                send(exchange, 400, error("UnknownOperationException", "Operation " + target
                        + " is not served by localcloud's SSM endpoint"));
                return;
            }
            Json.Node input;
            try {
                input = Json.parse(request.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : request);
            } catch (JsonException e) {
                send(exchange, 400, error("SerializationException", e.getMessage()));
                return;
            }
            try {
                send(exchange, 200, operation.apply(input));
            } catch (SsmException e) {
                send(exchange, e.statusCode(), error(e.awsErrorDetails().errorCode(), e.awsErrorDetails().errorMessage()));
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // Malformed input (a missing field, a wrong type): the service's own answer to it.
                send(exchange, 400, error("ValidationException", String.valueOf(e.getMessage())));
            } catch (RuntimeException e) {
                send(exchange, 500, error("InternalServerError", String.valueOf(e.getMessage())));
            }
        }
    }

    private Object getParameter(Json.Node in) {
        Parameter p = ssm.getParameter(b -> b.name(in.text("Name")).withDecryption(flag(in, "WithDecryption")))
                .parameter();
        return Json.object("Parameter", parameter(p));
    }

    private Object getParameters(Json.Node in) {
        List<String> names = in.get("Names").elements().stream().map(Json.Node::asText).toList();
        GetParametersResponse r = ssm.getParameters(b -> b.names(names).withDecryption(flag(in, "WithDecryption")));
        return Json.object("Parameters", r.parameters().stream().map(LocalSsmEndpoint::parameter).toList(),
                "InvalidParameters", r.invalidParameters());
    }

    private Object getParametersByPath(Json.Node in) {
        if (in.find("ParameterFilters").map(f -> !f.elements().isEmpty()).orElse(false)) {
            throw ParameterNames.unsupported("ParameterFilters");
        }
        GetParametersByPathResponse r = ssm.getParametersByPath(b -> b.path(in.text("Path"))
                .recursive(flag(in, "Recursive"))
                .withDecryption(flag(in, "WithDecryption"))
                .maxResults(in.find("MaxResults").map(n -> (int) n.asLong()).orElse(null))
                .nextToken(in.findText("NextToken").orElse(null)));
        Map<String, Object> out = Json.object("Parameters", r.parameters().stream().map(LocalSsmEndpoint::parameter).toList());
        if (r.nextToken() != null) {
            out.put("NextToken", r.nextToken());
        }
        return out;
    }

    private Object putParameter(Json.Node in) {
        PutParameterResponse r = ssm.putParameter(b -> b.name(in.text("Name"))
                .value(in.findText("Value").orElse(null))
                .type(in.findText("Type").orElse(null))
                .overwrite(flag(in, "Overwrite"))
                .description(in.findText("Description").orElse(null))
                .allowedPattern(in.findText("AllowedPattern").orElse(null))
                .keyId(in.findText("KeyId").orElse(null))
                .tier(in.findText("Tier").orElse(null))
                .dataType(in.findText("DataType").orElse(null)));
        return Json.object("Version", r.version(), "Tier", r.tierAsString());
    }

    private static Map<String, Object> parameter(Parameter p) {
        Map<String, Object> out = Json.object(
                "Name", p.name(),
                "Type", p.typeAsString(),
                "Value", p.value(),
                "Version", p.version(),
                "LastModifiedDate", epochSeconds(p.lastModifiedDate()),
                "ARN", p.arn(),
                "DataType", p.dataType());
        if (p.selector() != null) {
            out.put("Selector", p.selector());
        }
        return out;
    }

    /** JSON 1.1 timestamps are epoch seconds; BigDecimal keeps them out of exponent notation. */
    private static BigDecimal epochSeconds(Instant t) {
        return BigDecimal.valueOf(t.toEpochMilli()).movePointLeft(3);
    }

    private static boolean flag(Json.Node in, String name) {
        return in.find(name).map(Json.Node::asBoolean).orElse(false);
    }

    private static Map<String, Object> error(String code, String message) {
        return Json.object("__type", code, "message", message);
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}

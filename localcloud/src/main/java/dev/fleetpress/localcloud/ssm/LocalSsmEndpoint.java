package dev.fleetpress.localcloud.ssm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fleetpress.json.Json;
import dev.fleetpress.json.JsonException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.ssm.model.DeleteParameterRequest;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationRequest;
import software.amazon.awssdk.services.ssm.model.GetParameterHistoryRequest;
import software.amazon.awssdk.services.ssm.model.GetParameterRequest;
import software.amazon.awssdk.services.ssm.model.GetParametersByPathRequest;
import software.amazon.awssdk.services.ssm.model.GetParametersRequest;
import software.amazon.awssdk.services.ssm.model.ListCommandInvocationsRequest;
import software.amazon.awssdk.services.ssm.model.ListCommandsRequest;
import software.amazon.awssdk.services.ssm.model.PutParameterRequest;
import software.amazon.awssdk.services.ssm.model.SendCommandRequest;
import software.amazon.awssdk.services.ssm.model.SsmException;
import software.amazon.awssdk.services.ssm.model.SsmRequest;
import software.amazon.awssdk.services.ssm.model.SsmResponse;

/**
 * A {@link LocalSsm} over HTTP on loopback, speaking SSM's AWS JSON 1.1 protocol ({@code POST /},
 * {@code X-Amz-Target: AmazonSSM.<Operation>}, {@code application/x-amz-json-1.1}), so the aws CLI in
 * instance sandboxes ({@code AWS_ENDPOINT_URL_SSM}), SDK clients with an endpoint override and other
 * processes (the CLI against {@code fleetpress local up}) reach the same parameters and commands as
 * the functions, through the same {@link LocalSsm} code.
 *
 * <p>Operations: GetParameter, GetParameters, GetParametersByPath, GetParameterHistory, PutParameter,
 * DeleteParameter, SendCommand, ListCommands, ListCommandInvocations and GetCommandInvocation; any
 * other answers {@code UnknownOperationException}. Request and response members are the API model's
 * ({@link SsmJson}: PascalCase names, timestamps as epoch seconds). Errors are AWS-shaped: status 400
 * and {@code {"__type": code, "message": …}}; a body whose members have the wrong JSON types answers
 * {@code SerializationException}. SigV4 signatures are not verified (any credentials are accepted):
 * the server listens on 127.0.0.1 only and serves local data.
 */
public final class LocalSsmEndpoint implements AutoCloseable {
    private static final String TARGET_PREFIX = "AmazonSSM.";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Function<Json.Node, Object>> operations;

    private LocalSsmEndpoint(LocalSsm ssm) throws IOException {
        this.operations = Map.ofEntries(
                operation("GetParameter", GetParameterRequest.class, GetParameterRequest::builder, ssm::getParameter),
                operation("GetParameters", GetParametersRequest.class, GetParametersRequest::builder, ssm::getParameters),
                operation("GetParametersByPath", GetParametersByPathRequest.class, GetParametersByPathRequest::builder,
                        ssm::getParametersByPath),
                operation("GetParameterHistory", GetParameterHistoryRequest.class, GetParameterHistoryRequest::builder,
                        ssm::getParameterHistory),
                operation("PutParameter", PutParameterRequest.class, PutParameterRequest::builder, ssm::putParameter),
                operation("DeleteParameter", DeleteParameterRequest.class, DeleteParameterRequest::builder,
                        ssm::deleteParameter),
                operation("SendCommand", SendCommandRequest.class, SendCommandRequest::builder, ssm::sendCommand),
                operation("ListCommands", ListCommandsRequest.class, ListCommandsRequest::builder, ssm::listCommands),
                operation("ListCommandInvocations", ListCommandInvocationsRequest.class,
                        ListCommandInvocationsRequest::builder, ssm::listCommandInvocations),
                operation("GetCommandInvocation", GetCommandInvocationRequest.class, GetCommandInvocationRequest::builder,
                        ssm::getCommandInvocation));
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
            } catch (JsonException e) {
                send(exchange, 400, error("SerializationException", String.valueOf(e.getMessage())));
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // Malformed input (a missing field, a wrong type): the service's own answer to it.
                send(exchange, 400, error("ValidationException", String.valueOf(e.getMessage())));
            } catch (RuntimeException e) {
                send(exchange, 500, error("InternalServerError", String.valueOf(e.getMessage())));
            }
        }
    }

    /** One operation: the JSON body read into its request, run on the same LocalSsm code, its response written back. */
    private static <Q extends SsmRequest> Map.Entry<String, Function<Json.Node, Object>> operation(String name,
            Class<Q> requestType, Supplier<?> builder, Function<Q, ? extends SsmResponse> call) {
        return Map.entry(name, in -> SsmJson.write(call.apply(requestType.cast(SsmJson.read(in, (SdkPojo) builder.get())))));
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

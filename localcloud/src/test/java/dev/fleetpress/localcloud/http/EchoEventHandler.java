package dev.fleetpress.localcloud.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.fleetpress.Settings;
import dev.fleetpress.aws.DependencyFactory;
import dev.fleetpress.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Answers with the exact event API Gateway sent, plus a header and a cookie to map back. */
public class EchoEventHandler implements RequestStreamHandler {

    public EchoEventHandler(DependencyFactory dependencies, Settings settings) {
        settings.required("AWS_REGION");
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String event = new String(input.readAllBytes(), StandardCharsets.UTF_8);
        output.write(Json.write(Json.object(
                "statusCode", 200,
                "headers", Json.object("content-type", "application/json", "x-handled-by", "echo"),
                "cookies", List.of("session=abc; HttpOnly"),
                "body", event,
                "isBase64Encoded", false)).getBytes(StandardCharsets.UTF_8));
    }
}

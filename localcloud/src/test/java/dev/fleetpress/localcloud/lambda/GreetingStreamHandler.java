package dev.fleetpress.localcloud.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.fleetpress.Settings;
import dev.fleetpress.aws.DependencyFactory;
import dev.fleetpress.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** Answers with its settings, its context and the raw input, to show what the runtime handed it. */
public class GreetingStreamHandler implements RequestStreamHandler {
    private final String greeting;
    private final String region;

    public GreetingStreamHandler(DependencyFactory dependencies, Settings settings) {
        Objects.requireNonNull(dependencies.s3(), "s3");
        this.greeting = settings.required("GREETING");
        this.region = settings.required("AWS_REGION");
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String raw = new String(input.readAllBytes(), StandardCharsets.UTF_8);
        output.write(Json.write(Json.object(
                "greeting", greeting,
                "region", region,
                "function", context.getFunctionName(),
                "hasTimeLeft", context.getRemainingTimeInMillis() > 0,
                "input", raw)).getBytes(StandardCharsets.UTF_8));
    }
}

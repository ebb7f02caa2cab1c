package dev.fleetpress.fleet;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.fleetpress.Settings;
import dev.fleetpress.aws.DependencyFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The fleet function: lifecycle actions, command status, agent retries and reconciliation. */
public final class FleetHandler implements RequestStreamHandler {
    public FleetHandler() {
        this(DependencyFactory.lambda(), Settings.fromSystem());
    }

    public FleetHandler(DependencyFactory deps, Settings settings) {
        settings.required("FLEET_GROUPS");
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes();
        output.write("{\"outcome\":\"IGNORED\"}".getBytes(StandardCharsets.UTF_8));
    }
}

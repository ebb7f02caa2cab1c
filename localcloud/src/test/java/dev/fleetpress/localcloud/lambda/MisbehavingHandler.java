package dev.fleetpress.localcloud.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Fails on "fail", outlives any timeout on "hang", otherwise answers "ok". */
public class MisbehavingHandler implements RequestStreamHandler {
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws java.io.IOException {
        String command = new String(input.readAllBytes(), StandardCharsets.UTF_8);
        if (command.contains("fail")) {
            throw new IllegalStateException("asked to fail");
        }
        if (command.contains("hang")) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        output.write("\"ok\"".getBytes(StandardCharsets.UTF_8));
    }
}

package dev.fleetpress.localcloud.lambda;

import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Lambda's logger locally: each call is one log event, written as one line to the given stream. */
final class StdoutLogger implements LambdaLogger {
    private final PrintStream out;

    StdoutLogger(PrintStream out) {
        this.out = out;
    }

    @Override
    public void log(String message) {
        String line = message.endsWith("\n") ? message : message + "\n";
        synchronized (out) {
            out.print(line);
            out.flush();
        }
    }

    @Override
    public void log(byte[] message) {
        log(new String(message, StandardCharsets.UTF_8));
    }
}

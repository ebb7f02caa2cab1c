package dev.fleetpress.localcloud.lambda;

import java.time.Duration;
import java.util.Locale;

/** The handler ran past the function's Timeout; Lambda stops it and discards its execution environment. */
public final class LambdaTimeoutException extends RuntimeException {
    public LambdaTimeoutException(String requestId, Duration timeout) {
        super(String.format(Locale.ROOT, "RequestId: %s Error: Task timed out after %.2f seconds",
                requestId, timeout.toMillis() / 1000.0));
    }
}

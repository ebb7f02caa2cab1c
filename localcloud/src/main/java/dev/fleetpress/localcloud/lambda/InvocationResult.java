package dev.fleetpress.localcloud.lambda;

import dev.fleetpress.json.Json;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The outcome of one invocation, as Lambda's Invoke API would report it.
 *
 * @param outputJson   the function's response payload; {@code null} when it failed
 * @param error        the function's error (a {@link LambdaTimeoutException} on timeout), {@code null} on success
 * @param duration     time spent in the handler (billed duration, init excluded)
 * @param coldStart    whether this invocation created its execution environment
 * @param initDuration time spent constructing the handler on a cold start, zero when warm
 */
public record InvocationResult(String functionId, String requestId, String outputJson, Throwable error,
                               Duration duration, boolean coldStart, Duration initDuration) {

    public boolean succeeded() {
        return error == null;
    }

    /** The error payload Lambda returns for an unhandled error: {@code errorMessage}, {@code errorType}, {@code stackTrace}. */
    public String errorJson() {
        if (error == null) {
            throw new IllegalStateException("invocation " + requestId + " of " + functionId + " succeeded; it has no error");
        }
        String type = error instanceof LambdaTimeoutException ? "Sandbox.Timedout" : error.getClass().getName();
        List<String> trace = Arrays.stream(error.getStackTrace()).map(StackTraceElement::toString).toList();
        return Json.write(Json.object("errorMessage", String.valueOf(error.getMessage()), "errorType", type,
                "stackTrace", trace));
    }

    /**
     * The output on success; otherwise throws {@link FunctionErrorException} (what the event bus
     * treats as a function error to retry).
     */
    public String orThrow() {
        if (error != null) {
            throw new FunctionErrorException(functionId, requestId, error);
        }
        return outputJson;
    }
}

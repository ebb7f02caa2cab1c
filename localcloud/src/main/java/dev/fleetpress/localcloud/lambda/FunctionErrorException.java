package dev.fleetpress.localcloud.lambda;

/** An invocation of a local function failed; the cause is the handler's error (or the timeout). */
public final class FunctionErrorException extends RuntimeException {
    public FunctionErrorException(String functionId, String requestId, Throwable cause) {
        super(functionId + " failed (request " + requestId + "): " + cause, cause);
    }
}

package dev.fleetpress.release;

/**
 * A call to the outside world behind one of the release ports (CodeBuild, SSM, S3) failed. The
 * outcome of the operation is unknown, so callers let it propagate: the webhook answers 503 and the
 * release function is retried. The message names the call and, where one is known, the fix.
 */
public final class ReleaseBackendException extends RuntimeException {
    public ReleaseBackendException(String message, Throwable cause) {
        super(message, cause);
    }
}

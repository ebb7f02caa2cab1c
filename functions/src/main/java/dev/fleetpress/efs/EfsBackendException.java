package dev.fleetpress.efs;

/**
 * EFS or CloudWatch failed in a way that says nothing about the answer (a 500, a timeout, throttling
 * beyond the client's retries). The handler lets it propagate, so EventBridge retries the event (and
 * then dead-letters it); the schedule tries again at its next run.
 */
public final class EfsBackendException extends RuntimeException {
    public EfsBackendException(String message, Throwable cause) {
        super(message, cause);
    }

    public EfsBackendException(String message) {
        super(message);
    }
}

package dev.fleetpress.localcloud.events;

/**
 * The target could not accept the event at all (Lambda throttled the asynchronous invoke, the
 * function does not exist): EventBridge's own retry policy applies, not Lambda's.
 */
public final class TargetUnavailableException extends RuntimeException {
    public TargetUnavailableException(String message) {
        super(message);
    }
}

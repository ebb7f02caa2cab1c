package dev.fleetpress.fleet;

/**
 * A call to SSM, Auto Scaling, SQS or SNS failed in a way a later retry can fix (service error,
 * throttling that outlasted the SDK's retries, network). The message names the call and the fix when
 * one is known; the handler lets it propagate so the trigger retries.
 */
public final class FleetBackendException extends RuntimeException {
    public FleetBackendException(String message, Throwable cause) {
        super(message, cause);
    }
}

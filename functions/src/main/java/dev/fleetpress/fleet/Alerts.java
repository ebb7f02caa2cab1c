package dev.fleetpress.fleet;

/**
 * Tells operators about something they must look at (on AWS: SNS Publish to the alert topic).
 * Failures throw {@link FleetBackendException}; callers publish after recording, so a retried
 * publish may repeat an alert but never loses one.
 */
public interface Alerts {
    /** {@code subject} is at most 100 characters; {@code message} is plain text. */
    void publish(String subject, String message);
}

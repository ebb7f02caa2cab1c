package dev.fleetpress.webhook;

/**
 * A delivery the webhook refuses because of what the sender put in it (a missing header, a field with
 * an invalid value). The message is one line, safe to send back and log: untrusted values in it have
 * gone through {@link Inputs#printable}.
 */
public final class InvalidDeliveryException extends IllegalArgumentException {
    public InvalidDeliveryException(String message) {
        super(message);
    }
}

package dev.fleetpress.ledger;

/**
 * The store behind a {@link Ledger} could not be read or written. Unlike "already exists" (which is
 * an answer, not an error) this means the outcome is unknown: callers let it propagate so that the
 * trigger (Lambda's retry, the webhook sender) tries again.
 */
public final class LedgerException extends RuntimeException {
    public LedgerException(String message, Throwable cause) {
        super(message, cause);
    }

    public LedgerException(String message) {
        super(message);
    }
}

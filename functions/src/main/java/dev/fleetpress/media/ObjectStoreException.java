package dev.fleetpress.media;

/**
 * The media bucket could not be read or written, so the outcome is unknown. Callers let it propagate:
 * no shard result is recorded and the S3 notification's retry imports the shard again (files already
 * imported are skipped by their sha256).
 */
public final class ObjectStoreException extends RuntimeException {
    public ObjectStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public ObjectStoreException(String message) {
        super(message);
    }
}

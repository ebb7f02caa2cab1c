package dev.fleetpress.media;

import java.io.InputStream;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The media bucket as the import sees it: one bucket, keys relative to it. Every method either
 * answers or throws {@link ObjectStoreException} (the outcome is unknown; the trigger retries).
 * Implementations are safe for concurrent use.
 */
public interface ObjectStore {
    /** The object's size and {@code sha256} user metadata, or empty when there is no such key. */
    Optional<StoredObject> head(String key);

    /**
     * The object's bytes as a stream the caller closes, or empty when there is no such key. Reading
     * it may throw {@link ObjectStoreException} when the transfer breaks (as opposed to ending early).
     */
    Optional<InputStream> open(String key);

    /** Writes {@code bytes} under {@code key}, replacing any object there. */
    void put(String key, byte[] bytes, UploadHeaders headers);

    /**
     * Writes {@code bytes} under {@code key} only if no object is there (S3's {@code If-None-Match: *});
     * false, writing nothing, when one is. One request in the common case of a fresh import.
     */
    boolean putIfAbsent(String key, byte[] bytes, UploadHeaders headers);

    /**
     * Reads {@code body} to its end ({@code size} bytes declared up front) and makes it visible under
     * {@code key} only if {@code verified} answers true once the body is exhausted; otherwise nothing
     * under {@code key} changes. Returns whether the object was written. Lets an entry too large to hold
     * in memory be checked against its manifest while it streams, without a corrupt copy ever being
     * visible (or replacing a good one).
     */
    boolean putIfVerified(String key, InputStream body, long size, UploadHeaders headers, BooleanSupplier verified);

    /**
     * An existing object.
     *
     * @param sha256 its {@code sha256} user metadata, empty when it has none
     */
    record StoredObject(long size, String sha256) {
    }

    /** What an imported file is served with. */
    record UploadHeaders(String contentType, String cacheControl, String sha256) {
    }
}

package dev.fleetpress.media;

import java.io.InputStream;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The media bucket as the import sees it: one bucket, keys relative to it. Every method either
 * answers or throws {@link ObjectStoreException} (the outcome is unknown; the trigger retries).
 * Implementations are safe for concurrent use.
 *
 * <p>ETags are given without S3's surrounding quotes. An object keeps its ETag until it is replaced,
 * and the ETag a write answers is the one a later listing or HeadObject shows for that object, which
 * is what lets the verification trust a listing for objects whose writes it recorded. Replacing an
 * object's metadata (a copy onto itself) may keep its ETag but moves its last-modified time.
 */
public interface ObjectStore {
    /** The object's size, {@code sha256} user metadata and ETag, or empty when there is no such key. */
    Optional<StoredObject> head(String key);

    /**
     * The object's bytes as a stream the caller closes, or empty when there is no such key. Reading
     * it may throw {@link ObjectStoreException} when the transfer breaks (as opposed to ending early).
     */
    Optional<InputStream> open(String key);

    /** Writes {@code bytes} under {@code key}, replacing any object there; answers the new object's ETag. */
    String put(String key, byte[] bytes, UploadHeaders headers);

    /**
     * Writes {@code bytes} under {@code key} only if no object is there (S3's {@code If-None-Match: *}):
     * the new object's ETag, or empty, writing nothing, when one is. One request in the common case of a
     * fresh import.
     */
    Optional<String> putIfAbsent(String key, byte[] bytes, UploadHeaders headers);

    /**
     * Reads {@code body} to its end ({@code size} bytes declared up front) and makes it visible under
     * {@code key} only if {@code verified} answers true once the body is exhausted; otherwise nothing
     * under {@code key} changes. Answers the written object's ETag, or empty when it was not written. Lets
     * an entry too large to hold in memory be checked against its manifest while it streams, without a
     * corrupt copy ever being visible (or replacing a good one).
     */
    Optional<String> putIfVerified(String key, InputStream body, long size, UploadHeaders headers,
                                   BooleanSupplier verified);

    /**
     * Lists the objects whose keys start with {@code prefix} and come after {@code startAfter} (empty:
     * from the first), in S3's order (UTF-8 bytes), a page at a time, handing each to {@code each} until
     * it answers false or the listing ends. Folder placeholders (keys ending in {@code /}) may appear.
     */
    void list(String prefix, String startAfter, Predicate<ListedObject> each);

    /**
     * An existing object.
     *
     * @param sha256 its {@code sha256} user metadata, empty when it has none
     */
    record StoredObject(long size, String sha256, String eTag) {
    }

    /** An object as a listing shows it: no metadata, but when it was last written (metadata included). */
    record ListedObject(String key, long size, String eTag, Instant lastModified) {
    }

    /** What an imported file is served with. */
    record UploadHeaders(String contentType, String cacheControl, String sha256) {
    }
}

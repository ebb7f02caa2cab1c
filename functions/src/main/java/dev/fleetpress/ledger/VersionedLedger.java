package dev.fleetpress.ledger;

import java.util.Optional;

/**
 * A {@link Ledger} whose records can also be replaced by compare-and-swap, for the few records that
 * move through states (a build attempt that failed and is retried, an environment's promotion head).
 * On AWS the version is the object's ETag and {@link #replace} is a PutObject with
 * {@code If-Match: <etag>}; of any number of concurrent callers replacing the same version, exactly
 * one gets {@code true}.
 */
public interface VersionedLedger extends Ledger {
    /** The content under {@code key} with its current version, if any. */
    Optional<Entry> readEntry(String key);

    /**
     * Writes {@code content} under {@code key} only if the key still holds {@code expectedVersion};
     * true if this call wrote it, false if the record changed or vanished since it was read (read
     * again and decide again).
     */
    boolean replace(String key, String expectedVersion, String content);

    @Override
    default Optional<String> read(String key) {
        return readEntry(key).map(Entry::content);
    }

    /** One record and the opaque version that {@link #replace} compares against. */
    record Entry(String content, String version) {
        public Entry {
            if (content == null || version == null) {
                throw new IllegalArgumentException("a ledger entry needs content and a version");
            }
        }
    }
}

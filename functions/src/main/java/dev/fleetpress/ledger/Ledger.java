package dev.fleetpress.ledger;

import java.util.Optional;

/**
 * Records facts that must be written once. {@link #createIfAbsent} is atomic: of any number of
 * concurrent callers with the same key, exactly one gets {@code true}. On AWS this is an S3 PutObject
 * with {@code If-None-Match: *}; locally the same call against localcloud's S3.
 *
 * <p>Keys are slash-separated paths of characters {@code [A-Za-z0-9._=-]}; callers validate what they
 * put in them.
 */
public interface Ledger {
    /** Writes {@code content} under {@code key} unless the key exists; true if this call wrote it. */
    boolean createIfAbsent(String key, String content);

    /** The content under {@code key}, if any. */
    Optional<String> read(String key);
}

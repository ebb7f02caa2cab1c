package dev.fleetpress.ledger;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link VersionedLedger} in a map, atomic by a lock where S3Ledger is atomic by S3's conditional
 * writes. Validates keys like every ledger must.
 */
public final class InMemoryLedger implements VersionedLedger {
    private final Map<String, Entry> entries = new HashMap<>();
    private long nextVersion = 1;

    @Override
    public synchronized boolean createIfAbsent(String key, String content) {
        LedgerKeys.requireValid(key);
        if (entries.containsKey(key)) {
            return false;
        }
        entries.put(key, new Entry(content, version()));
        return true;
    }

    @Override
    public synchronized Optional<Entry> readEntry(String key) {
        return Optional.ofNullable(entries.get(LedgerKeys.requireValid(key)));
    }

    @Override
    public synchronized boolean replace(String key, String expectedVersion, String content) {
        Entry current = entries.get(LedgerKeys.requireValid(key));
        if (current == null || !current.version().equals(expectedVersion)) {
            return false;
        }
        entries.put(key, new Entry(content, version()));
        return true;
    }

    /** An unconditional write, as a build uploading its output does. */
    public synchronized void put(String key, String content) {
        entries.put(LedgerKeys.requireValid(key), new Entry(content, version()));
    }

    /** Every key and its content, sorted: what a test compares before and after. */
    public synchronized Map<String, String> snapshot() {
        Map<String, String> out = new TreeMap<>();
        entries.forEach((k, v) -> out.put(k, v.content()));
        return out;
    }

    private String version() {
        return "v" + nextVersion++;
    }
}

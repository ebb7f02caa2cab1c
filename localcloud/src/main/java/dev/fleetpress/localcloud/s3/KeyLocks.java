package dev.fleetpress.localcloud.s3;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One mutual-exclusion lock per key, created on first use and dropped when its last holder or waiter
 * leaves, so memory follows the number of keys being written right now, not the number ever written.
 */
final class KeyLocks {
    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock();
        int users;
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    /** Blocks until the caller holds the lock of {@code key}; pair with {@link #unlock(String)}. */
    void lock(String key) {
        Entry entry = entries.compute(key, (k, existing) -> {
            Entry e = existing == null ? new Entry() : existing;
            e.users++;
            return e;
        });
        entry.lock.lock();
    }

    void unlock(String key) {
        entries.computeIfPresent(key, (k, entry) -> {
            entry.lock.unlock();
            entry.users--;
            return entry.users == 0 ? null : entry;
        });
    }
}

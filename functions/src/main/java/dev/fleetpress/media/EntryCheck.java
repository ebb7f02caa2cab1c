package dev.fleetpress.media;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Whether manifest entries are in the store as the manifest promises them: at their uploads key, with
 * the manifest's size and its sha256 as {@code sha256} metadata.
 *
 * <p>A listing cannot show metadata, but it shows each object's ETag and last-modified time, and the
 * import recorded the ETag of every object it wrote after checking the entry's bytes against the
 * manifest (or found, by a HeadObject showing the manifest's size and sha256, when it skipped the
 * entry). So an entry is verified <b>by listing</b> when its key is listed with the manifest's size,
 * exactly the recorded ETag, and not modified after its shard's import finished: that is the very object
 * the import checked, bytes and metadata. Every other entry (its key not listed, another size, another
 * ETag or a later time since it was replaced or its metadata rewritten, no recorded ETag) is asked with
 * one HeadObject, which decides.
 *
 * <p>The listings are ListObjectsV2 over each top-level folder the entries are in (WordPress's
 * {@code <year>/}), run side by side, each starting just before the folder's first entry and ending at
 * its last. A listing that meets more than {@value #FOREIGN_KEYS_PER_ENTRY} keys per entry of its folder
 * (at least {@value #MIN_FOREIGN_KEYS}) that are not the migration's stops there: the folder holds so
 * much else that HeadObject is cheaper for the rest.
 */
final class EntryCheck {
    static final int FOREIGN_KEYS_PER_ENTRY = 10;
    static final int MIN_FOREIGN_KEYS = 1000;
    /** Keys in S3's listing order: UTF-8 bytes, which is code point order. */
    static final Comparator<String> S3_ORDER = EntryCheck::compareCodePoints;

    /**
     * One manifest entry to check, with the ETag its shard's import recorded ("" for none) and when that
     * import finished.
     */
    record Entry(int shard, ManifestEntry manifest, String recordedETag, Instant recordedAt) {
    }

    record Problem(Entry entry, String reason) {
    }

    /**
     * @param listedKeys keys the listings read, the migration's and others (a page holds up to 1,000)
     */
    record Outcome(long byListing, long byHeadObject, int listings, long listedKeys, List<Problem> problems) {
        long verified() {
            return byListing + byHeadObject;
        }
    }

    private final ObjectStore store;
    private final EntryRules rules;
    private final ExecutorService pool;

    /** Runs its listings and HeadObjects on {@code pool}, which bounds the requests in flight. */
    EntryCheck(ObjectStore store, EntryRules rules, ExecutorService pool) {
        this.store = Objects.requireNonNull(store, "store");
        this.rules = Objects.requireNonNull(rules, "rules");
        this.pool = Objects.requireNonNull(pool, "pool");
    }

    Outcome check(List<Entry> entries) {
        List<Problem> problems = new ArrayList<>();
        Map<String, List<Entry>> byKey = new LinkedHashMap<>();
        Map<String, List<String>> folders = new LinkedHashMap<>();
        for (Entry entry : entries) {
            String path = entry.manifest().path();
            Optional<String> refusal = rules.check(path);
            if (refusal.isPresent()) {
                problems.add(new Problem(entry, "not importable (" + refusal.get() + ") yet not listed as rejected"));
                continue;
            }
            String key = rules.key(path);
            if (byKey.computeIfAbsent(key, k -> new ArrayList<>()).size() == 0) {
                String folder = key.substring(0, key.length() - path.length() + path.indexOf('/') + 1);
                folders.computeIfAbsent(folder, f -> new ArrayList<>()).add(key);
            }
            byKey.get(key).add(entry);
        }

        Map<String, ObjectStore.ListedObject> listed = new ConcurrentHashMap<>();
        List<Future<Long>> listings = new ArrayList<>();
        folders.forEach((folder, keys) -> listings.add(pool.submit(() -> list(folder, keys, listed))));
        long listedKeys = 0;
        for (Future<Long> listing : listings) {
            listedKeys += await(listing);
        }

        long byListing = 0;
        List<Entry> toHead = new ArrayList<>();
        for (Map.Entry<String, List<Entry>> e : byKey.entrySet()) {
            ObjectStore.ListedObject seen = listed.get(e.getKey());
            for (Entry entry : e.getValue()) {
                if (seen != null && seen.size() == entry.manifest().size() && !entry.recordedETag().isEmpty()
                        && seen.eTag().equals(entry.recordedETag()) && !seen.lastModified().isAfter(entry.recordedAt())) {
                    byListing++;
                } else {
                    toHead.add(entry);
                }
            }
        }
        List<Future<String>> heads = new ArrayList<>();
        for (Entry entry : toHead) {
            heads.add(pool.submit(() -> problem(entry)));
        }
        long byHeadObject = 0;
        for (int i = 0; i < heads.size(); i++) {
            String problem = await(heads.get(i));
            if (problem == null) {
                byHeadObject++;
            } else {
                problems.add(new Problem(toHead.get(i), problem));
            }
        }
        return new Outcome(byListing, byHeadObject, folders.size(), listedKeys, problems);
    }

    /** Lists {@code folder} from just before its first key to its last; answers how many keys it read. */
    private long list(String folder, List<String> keys, Map<String, ObjectStore.ListedObject> listed) {
        List<String> sorted = new ArrayList<>(keys);
        sorted.sort(S3_ORDER);
        String first = sorted.get(0);
        String last = sorted.get(sorted.size() - 1);
        // A proper prefix sorts before the key itself, so listing after it includes the first key.
        String startAfter = first.substring(0, first.offsetByCodePoints(first.length(), -1));
        Set<String> ours = new HashSet<>(keys);
        long budget = Math.max(MIN_FOREIGN_KEYS, (long) FOREIGN_KEYS_PER_ENTRY * keys.size());
        long[] read = new long[2]; // keys read, foreign keys read (the listing calls back on this thread)
        store.list(folder, startAfter, object -> {
            if (S3_ORDER.compare(object.key(), last) > 0) {
                return false;
            }
            read[0]++;
            if (ours.contains(object.key())) {
                listed.put(object.key(), object);
                return true;
            }
            return ++read[1] <= budget;
        });
        return read[0];
    }

    /** Null when the entry's key holds its size and sha256, else what is wrong. */
    private String problem(Entry entry) {
        ManifestEntry manifest = entry.manifest();
        Optional<ObjectStore.StoredObject> stored = store.head(rules.key(manifest.path()));
        if (stored.isEmpty()) {
            return "not in S3";
        }
        if (stored.get().size() != manifest.size()) {
            return "in S3 with " + stored.get().size() + " bytes, not the manifest's " + manifest.size();
        }
        String sha = stored.get().sha256();
        return sha.equals(manifest.sha256()) ? null : "in S3 with sha256 '" + sha + "', not the manifest's " + manifest.sha256();
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    static <T> T await(Future<T> task) {
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new ObjectStoreException("verification failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ObjectStoreException("interrupted while verifying the migration");
        }
    }
}

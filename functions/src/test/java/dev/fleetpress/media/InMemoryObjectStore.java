package dev.fleetpress.media;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The media bucket in a map, with S3's ETags (the MD5 of a single-part object). Counts puts in flight and
 * remembers the most seen at once, so tests can check the import's bound on parallel requests without
 * timing anything; counts HeadObjects and listings, so tests can see which way an entry was verified.
 */
final class InMemoryObjectStore implements ObjectStore {
    record Stored(byte[] bytes, UploadHeaders headers, String eTag, Instant lastModified) {
    }

    private final Map<String, Stored> objects = new TreeMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger puts = new AtomicInteger();
    private final AtomicInteger heads = new AtomicInteger();
    private final AtomicInteger listings = new AtomicInteger();
    private final Set<String> hiddenFromListings = ConcurrentHashMap.newKeySet();
    private volatile Instant now = ShardImporterTest.CLOCK.instant();

    /** The last-modified time of what is written from now on (the tests' fixed clock until set). */
    void at(Instant time) {
        now = time;
    }

    private Stored stored(byte[] bytes, UploadHeaders headers) {
        return new Stored(bytes, headers, md5(bytes), now);
    }

    synchronized void putRaw(String key, byte[] bytes) {
        objects.put(key, stored(bytes.clone(), new UploadHeaders("application/octet-stream", "", "")));
    }

    synchronized void putWithSha(String key, byte[] bytes, String sha256) {
        objects.put(key, stored(bytes.clone(), new UploadHeaders("application/octet-stream", "", sha256)));
    }

    /**
     * Replaces the object's sha256 metadata, keeping its bytes and ETag, as a metadata-only copy of a
     * single-part object does; its last-modified time becomes {@link #at}'s.
     */
    synchronized void setSha(String key, String sha256) {
        Stored o = objects.get(key);
        objects.put(key, new Stored(o.bytes(), new UploadHeaders(o.headers().contentType(), o.headers().cacheControl(),
                sha256), o.eTag(), now));
    }

    /** Listings leave {@code key} out, as a listing that misses a key would. */
    void hideFromListings(String key) {
        hiddenFromListings.add(key);
    }

    int heads() {
        return heads.get();
    }

    int listings() {
        return listings.get();
    }

    synchronized void remove(String key) {
        objects.remove(key);
    }

    synchronized Optional<Stored> object(String key) {
        return Optional.ofNullable(objects.get(key));
    }

    synchronized Map<String, Stored> snapshot() {
        return new TreeMap<>(objects);
    }

    int puts() {
        return puts.get();
    }

    int maxConcurrentPuts() {
        return maxInFlight.get();
    }

    @Override
    public synchronized Optional<StoredObject> head(String key) {
        heads.incrementAndGet();
        return object(key).map(o -> new StoredObject(o.bytes().length, o.headers().sha256(), o.eTag()));
    }

    @Override
    public synchronized Optional<InputStream> open(String key) {
        return object(key).map(o -> new ByteArrayInputStream(o.bytes()));
    }

    @Override
    public Optional<String> putIfAbsent(String key, byte[] bytes, UploadHeaders headers) {
        synchronized (this) {
            if (objects.containsKey(key)) {
                return Optional.empty();
            }
        }
        return Optional.of(put(key, bytes, headers));
    }

    @Override
    public String put(String key, byte[] bytes, UploadHeaders headers) {
        enter();
        try {
            // Let other workers run, so that overlapping puts are likely when the import allows them.
            Thread.yield();
            Stored stored = stored(bytes.clone(), headers);
            synchronized (this) {
                objects.put(key, stored);
            }
            return stored.eTag();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    @Override
    public Optional<String> putIfVerified(String key, InputStream body, long size, UploadHeaders headers,
                                          BooleanSupplier verified) {
        enter();
        try {
            byte[] bytes = body.readAllBytes();
            if (!verified.getAsBoolean()) {
                return Optional.empty();
            }
            // A multipart ETag: not an MD5 of the bytes, with the count of parts.
            Stored stored = new Stored(bytes, headers, md5(md5(bytes).getBytes(StandardCharsets.UTF_8)) + "-1", now);
            synchronized (this) {
                objects.put(key, stored);
            }
            return Optional.of(stored.eTag());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    @Override
    public void list(String prefix, String startAfter, Predicate<ListedObject> each) {
        listings.incrementAndGet();
        List<ListedObject> listing = new ArrayList<>();
        synchronized (this) {
            objects.forEach((key, o) -> {
                if (key.startsWith(prefix) && EntryCheck.S3_ORDER.compare(key, startAfter) > 0
                        && !hiddenFromListings.contains(key)) {
                    listing.add(new ListedObject(key, o.bytes().length, o.eTag(), o.lastModified()));
                }
            });
        }
        listing.sort(Comparator.comparing(ListedObject::key, EntryCheck.S3_ORDER));
        for (ListedObject o : listing) {
            if (!each.test(o)) {
                return;
            }
        }
    }

    static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void enter() {
        puts.incrementAndGet();
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
    }
}

package dev.fleetpress.media;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The media bucket in a map. Counts puts in flight and remembers the most seen at once, so tests can
 * check the import's bound on parallel requests without timing anything.
 */
final class InMemoryObjectStore implements ObjectStore {
    record Stored(byte[] bytes, UploadHeaders headers) {
    }

    private final Map<String, Stored> objects = new TreeMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger puts = new AtomicInteger();

    synchronized void putRaw(String key, byte[] bytes) {
        objects.put(key, new Stored(bytes.clone(), new UploadHeaders("application/octet-stream", "", "")));
    }

    synchronized void putWithSha(String key, byte[] bytes, String sha256) {
        objects.put(key, new Stored(bytes.clone(), new UploadHeaders("application/octet-stream", "", sha256)));
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
        return object(key).map(o -> new StoredObject(o.bytes().length, o.headers().sha256()));
    }

    @Override
    public synchronized Optional<InputStream> open(String key) {
        return object(key).map(o -> new ByteArrayInputStream(o.bytes()));
    }

    @Override
    public boolean putIfAbsent(String key, byte[] bytes, UploadHeaders headers) {
        synchronized (this) {
            if (objects.containsKey(key)) {
                return false;
            }
        }
        put(key, bytes, headers);
        return true;
    }

    @Override
    public void put(String key, byte[] bytes, UploadHeaders headers) {
        enter();
        try {
            // Let other workers run, so that overlapping puts are likely when the import allows them.
            Thread.yield();
            synchronized (this) {
                objects.put(key, new Stored(bytes.clone(), headers));
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    @Override
    public boolean putIfVerified(String key, InputStream body, long size, UploadHeaders headers,
                                 BooleanSupplier verified) {
        enter();
        try {
            byte[] bytes = body.readAllBytes();
            if (!verified.getAsBoolean()) {
                return false;
            }
            synchronized (this) {
                objects.put(key, new Stored(bytes, headers));
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void enter() {
        puts.incrementAndGet();
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
    }
}

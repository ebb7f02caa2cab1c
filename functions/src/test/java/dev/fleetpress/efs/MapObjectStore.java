package dev.fleetpress.efs;

import dev.fleetpress.media.ObjectStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/** The media bucket as the migration starter uses it: whole objects put and read back. */
final class MapObjectStore implements ObjectStore {
    private final Map<String, byte[]> objects = new TreeMap<>();

    synchronized void putText(String key, String text) {
        objects.put(key, text.getBytes(StandardCharsets.UTF_8));
    }

    synchronized Optional<String> text(String key) {
        return Optional.ofNullable(objects.get(key)).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    @Override
    public synchronized Optional<StoredObject> head(String key) {
        return Optional.ofNullable(objects.get(key)).map(b -> new StoredObject(b.length, "", Integer.toHexString(b.length)));
    }

    @Override
    public synchronized Optional<InputStream> open(String key) {
        return Optional.ofNullable(objects.get(key)).map(ByteArrayInputStream::new);
    }

    @Override
    public synchronized String put(String key, byte[] bytes, UploadHeaders headers) {
        objects.put(key, bytes.clone());
        return Integer.toHexString(bytes.length);
    }

    @Override
    public synchronized Optional<String> putIfAbsent(String key, byte[] bytes, UploadHeaders headers) {
        return objects.containsKey(key) ? Optional.empty() : Optional.of(put(key, bytes, headers));
    }

    @Override
    public Optional<String> putIfVerified(String key, InputStream body, long size, UploadHeaders headers,
                                          BooleanSupplier verified) {
        throw new UnsupportedOperationException("the migration starter never streams objects");
    }

    @Override
    public synchronized void list(String prefix, String startAfter, Predicate<ListedObject> each) {
        for (Map.Entry<String, byte[]> e : objects.entrySet()) {
            if (e.getKey().startsWith(prefix) && e.getKey().compareTo(startAfter) > 0
                    && !each.test(new ListedObject(e.getKey(), e.getValue().length, "", java.time.Instant.EPOCH))) {
                return;
            }
        }
    }
}

package dev.fleetpress.media;

import dev.fleetpress.json.Json;
import dev.fleetpress.json.JsonException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** Reads a JSON object the export wrote, refusing one larger than a bound rather than exhausting memory. */
final class StoredJson {
    private StoredJson() {
    }

    /** Empty when {@code key} does not exist; {@link JsonException} when it is too large or not JSON. */
    static Optional<Json.Node> read(ObjectStore store, String key, int maxBytes) {
        Optional<InputStream> opened = store.open(key);
        if (opened.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream in = opened.get()) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new JsonException(key + " is larger than " + maxBytes + " bytes; split the export into smaller shards");
            }
            return Optional.of(Json.parse(bytes));
        } catch (IOException e) {
            throw new ObjectStoreException("reading " + key + " failed: " + e.getMessage() + "; the trigger will retry", e);
        }
    }
}

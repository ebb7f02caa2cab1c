package dev.fleetpress.ledger;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Typed records in a {@link VersionedLedger}: read with the version a compare-and-swap presents, claimed
 * once by create-if-absent, moved by compare-and-swap. The record family decides the keys and the JSON;
 * this class only carries the mechanics, so every once-only record moves the same way.
 */
public final class VersionedRecords<T> {
    private final VersionedLedger ledger;
    private final Function<? super T, String> toJson;
    private final Function<String, ? extends T> fromJson;

    private VersionedRecords(VersionedLedger ledger, Function<? super T, String> toJson, Function<String, ? extends T> fromJson) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.toJson = Objects.requireNonNull(toJson, "toJson");
        this.fromJson = Objects.requireNonNull(fromJson, "fromJson");
    }

    public static <T> VersionedRecords<T> of(VersionedLedger ledger, Function<? super T, String> toJson,
                                             Function<String, ? extends T> fromJson) {
        return new VersionedRecords<>(ledger, toJson, fromJson);
    }

    /** A record with the ledger version a compare-and-swap must present. */
    public record Stored<T>(T value, String version) {
        public Stored {
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(version, "version");
        }
    }

    /** The record under {@code key}, if any. */
    public Optional<Stored<T>> read(String key) {
        return ledger.readEntry(key).map(e -> new Stored<>(fromJson.apply(e.content()), e.version()));
    }

    /** The claim: writes {@code record} unless the key exists; true for exactly one of any number of callers. */
    public boolean create(String key, T record) {
        return ledger.createIfAbsent(key, toJson.apply(record));
    }

    /** Replaces {@code current} with {@code next} if nobody moved it since it was read. */
    public boolean replace(String key, Stored<T> current, T next) {
        return ledger.replace(key, current.version(), toJson.apply(next));
    }

    /**
     * Applies {@code change} to the record while {@code held} says the caller still holds it, re-reading
     * after a lost swap ({@link CompareAndSwap#whileHeld}); false once it is no longer held.
     */
    public boolean replaceWhile(String key, Predicate<? super T> held, UnaryOperator<T> change) {
        return CompareAndSwap.whileHeld(() -> read(key).filter(s -> held.test(s.value())),
                s -> replace(key, s, change.apply(s.value())));
    }

    /**
     * Writes {@code next} over whatever is under {@code key} (creating it when absent), by compare-and-swap,
     * for records any caller may overwrite (a latest result). Throws {@link LedgerException} when the record
     * kept changing under {@value CompareAndSwap#ATTEMPTS} attempts.
     */
    public T put(String key, Supplier<T> next) {
        for (int i = 0; i < CompareAndSwap.ATTEMPTS; i++) {
            Optional<Stored<T>> current = read(key);
            T value = next.get();
            if (current.isEmpty() ? create(key, value) : replace(key, current.get(), value)) {
                return value;
            }
        }
        throw new LedgerException("record " + key + " kept changing under " + CompareAndSwap.ATTEMPTS
                + " attempts to write it; run the command again");
    }
}

package dev.fleetpress.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class VersionedRecordsTest {
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final VersionedRecords<String> records = VersionedRecords.of(ledger, s -> s, s -> s);

    @Test
    void create_whenTheKeyExists_isFalseAndKeepsTheFirst() {
        assertThat(records.create("a/b.json", "first")).isTrue();
        assertThat(records.create("a/b.json", "second")).isFalse();
        assertThat(records.read("a/b.json").orElseThrow().value()).isEqualTo("first");
    }

    @Test
    void replace_whenTheRecordMovedSinceItWasRead_isFalse() {
        records.create("k.json", "v1");
        VersionedRecords.Stored<String> read = records.read("k.json").orElseThrow();
        assertThat(records.replace("k.json", read, "v2")).isTrue();

        assertThat(records.replace("k.json", read, "v3")).isFalse();
        assertThat(records.read("k.json").orElseThrow().value()).isEqualTo("v2");
    }

    @Test
    void replaceWhile_whenNoLongerHeld_isFalseAndChangesNothing() {
        records.create("k.json", "theirs");

        assertThat(records.replaceWhile("k.json", "mine"::equals, s -> "changed")).isFalse();
        assertThat(records.read("k.json").orElseThrow().value()).isEqualTo("theirs");
    }

    @Test
    void replaceWhile_whenASwapLoses_readsAgainAndRetries() {
        records.create("k.json", "mine");
        AtomicInteger calls = new AtomicInteger();

        boolean swapped = records.replaceWhile("k.json", s -> s.startsWith("mine"), s -> {
            if (calls.getAndIncrement() == 0) {
                ledger.put("k.json", "mine, moved by a conflicting write");
            }
            return "done";
        });

        assertThat(swapped).isTrue();
        assertThat(calls.get()).isEqualTo(2);
        assertThat(records.read("k.json").orElseThrow().value()).isEqualTo("done");
    }

    @Test
    void put_createsOrOverwrites() {
        records.put("k.json", () -> "one");
        records.put("k.json", () -> "two");

        assertThat(records.read("k.json").map(VersionedRecords.Stored::value)).isEqualTo(Optional.of("two"));
    }

    @Test
    void whileHeld_whenEverySwapLoses_givesUpAfterTheAttempts() {
        AtomicInteger swaps = new AtomicInteger();

        assertThat(CompareAndSwap.whileHeld(() -> Optional.of("held"), s -> {
            swaps.incrementAndGet();
            return false;
        })).isFalse();
        assertThat(swaps.get()).isEqualTo(CompareAndSwap.ATTEMPTS);
    }

    @Test
    void read_whenTheKeyIsHostile_throws() {
        assertThatThrownBy(() -> records.read("../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
    }
}

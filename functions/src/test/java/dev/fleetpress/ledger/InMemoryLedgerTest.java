package dev.fleetpress.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The fake must honour the contract the pipeline relies on. S3Ledger gets the same guarantees from
 * S3 (If-None-Match / If-Match); the localcloud integration tests run it against localcloud's S3,
 * which enforces both headers.
 */
class InMemoryLedgerTest {
    private final InMemoryLedger ledger = new InMemoryLedger();

    @Test
    void createIfAbsent_when20ThreadsRace_exactlyOneWins() throws Exception {
        int threads = 20;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                String content = "writer-" + i;
                results.add(pool.submit(() -> {
                    start.await();
                    return ledger.createIfAbsent("r-0123456789ab/build.json", content);
                }));
            }
            start.countDown();
            long winners = 0;
            for (Future<Boolean> result : results) {
                winners += result.get() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void createIfAbsent_whenKeyExists_keepsFirstContent() {
        ledger.createIfAbsent("a/b.json", "first");

        assertThat(ledger.createIfAbsent("a/b.json", "second")).isFalse();
        assertThat(ledger.read("a/b.json")).contains("first");
    }

    @Test
    void replace_whenVersionIsStale_refuses() {
        ledger.createIfAbsent("a/b.json", "first");
        String stale = ledger.readEntry("a/b.json").orElseThrow().version();
        ledger.replace("a/b.json", stale, "second");

        assertThat(ledger.replace("a/b.json", stale, "third")).isFalse();
        assertThat(ledger.read("a/b.json")).contains("second");
    }

    @Test
    void replace_whenKeyIsAbsent_refuses() {
        assertThat(ledger.replace("a/b.json", "v1", "content")).isFalse();
    }

    @Test
    void createIfAbsent_whenKeyClimbsOut_isRefused() {
        assertThatThrownBy(() -> ledger.createIfAbsent("r-x/../../secret", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ledger key");
    }
}

package dev.fleetpress.cli.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The peak of this JVM's used heap while something runs, sampled every 50 ms, above a baseline taken
 * after a GC just before. It is the whole JVM's heap (localcloud's Lambda runs the function in this
 * process, beside the S3 server and the benchmark itself) and counts garbage not yet collected, so it
 * bounds the import's footprint from above rather than isolating it.
 */
final class HeapSampler implements AutoCloseable {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private final long baseline;
    private final AtomicLong peak = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "heap-sampler");
        t.setDaemon(true);
        return t;
    });

    private HeapSampler(long baseline) {
        this.baseline = baseline;
        peak.set(baseline);
        timer.scheduleAtFixedRate(() -> peak.accumulateAndGet(used(), Math::max), 0, 50, TimeUnit.MILLISECONDS);
    }

    static HeapSampler start() throws InterruptedException {
        System.gc();
        Thread.sleep(200); // lets a concurrent collector finish, so the baseline is the live set
        return new HeapSampler(used());
    }

    /** Peak used heap above the baseline, in MB (10^6 bytes). */
    double peakAboveBaselineMb() {
        return (peak.get() - baseline) / 1e6;
    }

    static double maxHeapMb() {
        return MEMORY.getHeapMemoryUsage().getMax() / 1e6;
    }

    private static long used() {
        return MEMORY.getHeapMemoryUsage().getUsed();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

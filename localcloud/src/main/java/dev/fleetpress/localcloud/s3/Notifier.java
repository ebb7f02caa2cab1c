package dev.fleetpress.localcloud.s3;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns object creations into S3 notifications for the rules of their bucket and hands them to the
 * {@link NotificationSink} on one delivery thread, so delivery order is creation order and the writer
 * never waits for the sink.
 */
final class Notifier implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Notifier.class.getName());

    private final NotificationSink sink;
    private final Map<String, List<NotificationRule>> rulesByBucket = new ConcurrentHashMap<>();
    private final ExecutorService delivery = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "localcloud-s3-notifications");
        thread.setDaemon(true);
        return thread;
    });
    // Microseconds since the epoch, bumped when two creations share one: increasing across restarts too.
    private final AtomicLong lastSequence = new AtomicLong();

    Notifier(NotificationSink sink) {
        this.sink = sink;
    }

    void setRules(String bucket, List<NotificationRule> rules) {
        if (rules.isEmpty()) {
            rulesByBucket.remove(bucket);
        } else {
            rulesByBucket.put(bucket, List.copyOf(rules));
        }
    }

    /** Whether some rule of {@code bucket} selects this creation, so that it is worth describing. */
    boolean wants(String eventName, String bucket, String key) {
        return !matching(eventName, bucket, key).isEmpty();
    }

    /**
     * Records a creation. Call it while holding the key's write lock, so that sequencers increase in the
     * order the key's versions were written.
     */
    void objectCreated(String eventName, String bucket, String key, long size, String eTag, String sourceIp) {
        List<NotificationRule> matching = matching(eventName, bucket, key);
        if (matching.isEmpty()) {
            return;
        }
        Instant now = Instant.now();
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, now);
        long sequence = lastSequence.updateAndGet(previous -> Math.max(previous + 1, micros));
        var event = new ObjectCreated(eventName, bucket, key, size, eTag, String.format("%016X", sequence),
                now, sourceIp, randomRequestId(), randomHostId());
        for (NotificationRule rule : matching) {
            String json = event.toJson(rule.id());
            delivery.execute(() -> deliver(rule.target(), json));
        }
    }

    private List<NotificationRule> matching(String eventName, String bucket, String key) {
        return rulesByBucket.getOrDefault(bucket, List.of()).stream()
                .filter(rule -> rule.matches(eventName, key))
                .toList();
    }

    private void deliver(String target, String json) {
        try {
            sink.deliver(target, json);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "S3 notification to " + target + " failed and was dropped: " + e, e);
        }
    }

    private static String randomRequestId() {
        byte[] bytes = new byte[8];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().withUpperCase().formatHex(bytes);
    }

    private static String randomHostId() {
        byte[] bytes = new byte[54];
        ThreadLocalRandom.current().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * Holds every delivery queued from now on until the returned handle is closed; they are then delivered in
     * order. For benchmarks that must have several objects in place before the events about them start work.
     */
    AutoCloseable hold() {
        java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
        delivery.execute(() -> {
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return released::countDown;
    }

    /** Delivers what is queued (waiting a few seconds at most), then stops the delivery thread. */
    @Override
    public void close() {
        delivery.shutdown();
        try {
            if (!delivery.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "S3 notification sink still busy after 5 s; dropping queued notifications");
                delivery.shutdownNow();
            }
        } catch (InterruptedException e) {
            delivery.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}

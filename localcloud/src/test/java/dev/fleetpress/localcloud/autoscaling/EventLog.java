package dev.fleetpress.localcloud.autoscaling;

import dev.fleetpress.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** An event sink that keeps every lifecycle event and lets a test wait for the next ones. */
final class EventLog implements Consumer<String> {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private final List<Json.Node> events = new ArrayList<>();

    @Override
    public synchronized void accept(String event) {
        events.add(Json.parse(event));
        notifyAll();
    }

    /** Waits (generously) until {@code count} events arrived in all; fails naming what did arrive. */
    synchronized List<Json.Node> await(int count) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (events.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected " + count + " events within " + PATIENCE + ", got " + events);
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for events", e);
            }
        }
        return List.copyOf(events);
    }

    synchronized List<Json.Node> all() {
        return List.copyOf(events);
    }
}

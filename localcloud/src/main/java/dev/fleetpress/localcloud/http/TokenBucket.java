package dev.fleetpress.localcloud.http;

/**
 * API Gateway's throttle: a bucket of {@code burst} tokens refilled at {@code ratePerSecond}; each
 * request takes one or is refused. Thread-safe.
 */
final class TokenBucket {
    private final double capacity;
    private final double ratePerNano;
    private double tokens;
    private long last;

    TokenBucket(int burst, double ratePerSecond) {
        this.capacity = burst;
        this.ratePerNano = ratePerSecond / 1_000_000_000d;
        this.tokens = burst;
        this.last = System.nanoTime();
    }

    synchronized boolean tryAcquire() {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - last) * ratePerNano);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}

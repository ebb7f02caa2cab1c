package dev.fleetpress.localcloud.ssm;

/**
 * A rate limit of {@code callsPerSecond} with a burst of one second's worth of calls (at least
 * one), refilled continuously; 0 means unlimited. Used to answer {@code ThrottlingException} the way
 * Parameter Store does under load, so callers' retry policies can be exercised.
 */
final class TokenBucket {
    private double ratePerSecond;
    private double capacity;
    private double tokens;
    private long lastRefillNanos;

    synchronized void setRate(double callsPerSecond) {
        if (!(callsPerSecond >= 0) || Double.isInfinite(callsPerSecond)) {
            throw new IllegalArgumentException("callsPerSecond must be a finite number >= 0 (0 turns throttling off), got "
                    + callsPerSecond);
        }
        ratePerSecond = callsPerSecond;
        capacity = Math.max(1, callsPerSecond);
        tokens = capacity;
        lastRefillNanos = System.nanoTime();
    }

    /** Takes one token; false when the caller is over the rate. */
    synchronized boolean tryAcquire() {
        if (ratePerSecond == 0) {
            return true;
        }
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - lastRefillNanos) / 1e9 * ratePerSecond);
        lastRefillNanos = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}

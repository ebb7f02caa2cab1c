package dev.fleetpress.localcloud;

/**
 * A rate limit as AWS applies them: a bucket of {@code burst} tokens refilled continuously at
 * {@code ratePerSecond}; each call takes one or is refused. {@link #unlimited()} never refuses.
 * Thread-safe. Used by the HTTP API's throttling and by the throttle switches of emulated services.
 */
public final class TokenBucket {
    private final double capacity;
    private final double ratePerNano;
    private double tokens;
    private long last;

    private TokenBucket(double burst, double ratePerSecond) {
        this.capacity = burst;
        this.ratePerNano = ratePerSecond / 1_000_000_000d;
        this.tokens = burst;
        this.last = System.nanoTime();
    }

    /** A bucket of {@code burst} tokens refilled at {@code ratePerSecond}; zero for both refuses every call, as API Gateway does. */
    public static TokenBucket of(double burst, double ratePerSecond) {
        if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond) || !(burst >= 0) || Double.isInfinite(burst)) {
            throw new IllegalArgumentException("a rate limit needs a finite rate >= 0 and a finite burst >= 0, got rate "
                    + ratePerSecond + " and burst " + burst);
        }
        return new TokenBucket(burst, ratePerSecond);
    }

    /** {@code callsPerSecond} with a burst of one second's worth (at least one); 0 means unlimited. */
    public static TokenBucket perSecond(double callsPerSecond) {
        if (!(callsPerSecond >= 0) || Double.isInfinite(callsPerSecond)) {
            throw new IllegalArgumentException("callsPerSecond must be a finite number >= 0 (0 turns throttling off), got "
                    + callsPerSecond);
        }
        return callsPerSecond == 0 ? unlimited() : of(Math.max(1, callsPerSecond), callsPerSecond);
    }

    public static TokenBucket unlimited() {
        return new TokenBucket(Double.POSITIVE_INFINITY, 0);
    }

    /** Takes one token; false when the caller is over the rate. */
    public synchronized boolean tryAcquire() {
        if (capacity == Double.POSITIVE_INFINITY) {
            return true;
        }
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

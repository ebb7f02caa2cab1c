package dev.fleetpress.localcloud.cloudwatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A UTC clock that moves only when told: localcloud's simulated time for the parts that reason about
 * hours and days (EFS credits, CloudWatch alarms, EFS's 24-hour rule, the functions' change budget).
 * {@link LocalCloudWatch#advance} is what moves it in a running local cloud, so that metrics, alarms
 * and their events keep pace; tests of single parts may move it by hand with {@link #advance}.
 * Time never goes backwards. Thread-safe.
 */
public final class SimulatedClock extends Clock {
    private volatile Instant now;

    private SimulatedClock(Instant start) {
        this.now = Objects.requireNonNull(start, "start");
    }

    /** A clock standing at {@code start} until moved. */
    public static SimulatedClock at(Instant start) {
        return new SimulatedClock(start);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** This clock itself: simulated time has one zone, UTC. */
    @Override
    public Clock withZone(ZoneId zone) {
        if (!ZoneOffset.UTC.normalized().equals(zone.normalized())) {
            throw new UnsupportedOperationException("the simulated clock runs in UTC only, not " + zone);
        }
        return this;
    }

    /** Moves the clock forward by {@code amount} (zero or more) and returns the new instant. */
    public synchronized Instant advance(Duration amount) {
        if (amount.isNegative()) {
            throw new IllegalArgumentException("simulated time cannot go backwards (asked to move by " + amount + ")");
        }
        now = now.plus(amount);
        return now;
    }

    /** Moves the clock forward to {@code instant}; an instant in the past is refused. */
    public synchronized void moveTo(Instant instant) {
        if (instant.isBefore(now)) {
            throw new IllegalArgumentException("simulated time cannot go backwards (from " + now + " to " + instant + ")");
        }
        now = instant;
    }
}

package dev.fleetpress.fleet;

import dev.fleetpress.release.EnvironmentPointers;
import dev.fleetpress.release.ReleaseId;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Stops the churn of a release that cannot bootstrap: Auto Scaling replaces each abandoned instance,
 * and each replacement fails the same way. When one release fails on {@code threshold} instances of an
 * environment in a row, the breaker points the environment back to its last good release (a new
 * version of the SSM pointer, so the history shows it), records why in the environment's health
 * record and publishes an alert.
 *
 * <p>It trips at most once per (environment, release): the trip is claimed by compare-and-swap before
 * anything moves, and a pointer that no longer names the failing release (a newer promotion, or an
 * operator) is left alone. A success of the failing release, or failures of another release, reset the
 * count. Moving the pointer and alerting are retried until the trip is marked handled, so an alert is
 * published at least once and normally exactly once.
 */
final class CrashLoopBreaker {
    private final FleetRecords records;
    private final EnvironmentPointers pointers;
    private final Alerts alerts;
    private final int threshold;
    private final Clock clock;

    CrashLoopBreaker(FleetRecords records, EnvironmentPointers pointers, Alerts alerts, int threshold, Clock clock) {
        this.records = records;
        this.pointers = pointers;
        this.alerts = alerts;
        this.threshold = threshold;
        this.clock = clock;
    }

    /** Counts one bootstrap outcome of {@code release}; counting the same {@code actionId} again changes nothing. */
    void record(String environment, String release, String actionId, boolean success) {
        Instant now = clock.instant();
        EnvironmentHealth health = records.updateHealth(environment, h -> {
            EnvironmentHealth next = h.count(actionId, release, success);
            if (success || !next.failingRelease().equals(release) || next.consecutiveFailures() < threshold
                    || next.trippedFor(release)) {
                return next;
            }
            String target = next.lastGoodRelease().equals(release) ? "" : next.lastGoodRelease();
            String reason = release + " failed to bootstrap on " + next.consecutiveFailures()
                    + " instances in a row in " + environment + " (CRASH_LOOP_THRESHOLD " + threshold + ")";
            return next.withTrip(new EnvironmentHealth.Trip(release, target, reason, now, false));
        });
        for (EnvironmentHealth.Trip trip : health.trips()) {
            if (!trip.handled()) {
                handle(environment, trip);
            }
        }
    }

    private void handle(String environment, EnvironmentHealth.Trip trip) {
        Optional<ReleaseId> current = pointers.current(environment);
        boolean stillCurrent = current.isPresent() && current.get().value().equals(trip.release());
        String subject;
        String action;
        if (stillCurrent && !trip.rolledBackTo().isEmpty()) {
            pointers.set(environment, ReleaseId.of(trip.rolledBackTo()));
            subject = "FleetPress: " + environment + " rolled back from " + trip.release() + " to " + trip.rolledBackTo();
            action = "FleetPress pointed " + environment + " back to " + trip.rolledBackTo()
                    + ", the last release that bootstrapped there. New instances get it from now on.";
        } else if (stillCurrent) {
            subject = "FleetPress: " + environment + " cannot bootstrap " + trip.release();
            action = "No release has bootstrapped in " + environment + " yet, so there is nothing to roll back to: "
                    + "promote a working release (fleetpress promote).";
        } else {
            subject = "FleetPress: " + trip.release() + " failed to bootstrap in " + environment;
            action = environment + " already points at " + current.map(ReleaseId::value).orElse("no release")
                    + ", so the pointer was left alone.";
        }
        alerts.publish(subject.length() > 100 ? subject.substring(0, 100) : subject, trip.reason() + ". " + action
                + " Look at the failed bootstrap commands' output (fleetpress status) before promoting "
                + trip.release() + " again.");
        records.updateHealth(environment, h -> h.withTripDone(trip.release()));
    }
}

package dev.fleetpress.localcloud.events;

/**
 * A snapshot of the bus's counters.
 *
 * @param received     events accepted by {@code put}
 * @param dropped      events the fault plan lost before matching
 * @param matched      (event, rule) matches, duplicates not counted
 * @param duplicated   extra copies the fault plan added
 * @param delivered    successful target invocations
 * @param retried      repeated target invocations after a failure
 * @param deadLettered deliveries given up after their retries
 */
public record BusCounters(long received, long dropped, long matched, long duplicated, long delivered, long retried,
                          long deadLettered) {
}

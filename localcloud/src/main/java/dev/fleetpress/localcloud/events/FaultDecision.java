package dev.fleetpress.localcloud.events;

import java.time.Duration;
import java.util.List;

/**
 * What the fault plan decided for one put event: dropped, or delivered in {@code copies} copies
 * with these extra delays. Recorded so that tests and the CLI can show (and compare) the dice.
 */
public record FaultDecision(String eventId, String source, boolean dropped, int copies, List<Duration> delays) {
    public FaultDecision {
        delays = List.copyOf(delays);
    }
}

package dev.fleetpress.fleet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** {@link RetryQueue} like SQS with DelaySeconds: messages become receivable once their delay has passed. */
final class FakeRetryQueue implements RetryQueue {
    record Queued(RetryMessage message, Instant visibleAt) {
    }

    private final List<Queued> queued = new ArrayList<>();
    private final Clock clock;
    private boolean failing;

    FakeRetryQueue(Clock clock) {
        this.clock = clock;
    }

    void failSends(boolean on) {
        failing = on;
    }

    @Override
    public void send(RetryMessage message, Duration delay) {
        if (failing) {
            throw new FleetBackendException("SQS SendMessage failed: test", null);
        }
        queued.add(new Queued(message, clock.instant().plus(delay)));
    }

    /** Takes every message whose delay has passed, in order. */
    List<RetryMessage> receive() {
        List<RetryMessage> due = new ArrayList<>();
        for (Iterator<Queued> it = queued.iterator(); it.hasNext(); ) {
            Queued q = it.next();
            if (!q.visibleAt().isAfter(clock.instant())) {
                due.add(q.message());
                it.remove();
            }
        }
        return due;
    }

    List<Queued> pending() {
        return List.copyOf(queued);
    }
}

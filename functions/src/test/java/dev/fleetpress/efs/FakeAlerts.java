package dev.fleetpress.efs;

import dev.fleetpress.fleet.Alerts;
import java.util.ArrayList;
import java.util.List;

/** {@link Alerts} that keeps what was published. */
final class FakeAlerts implements Alerts {
    record Alert(String subject, String message) {
    }

    private final List<Alert> published = new ArrayList<>();

    @Override
    public synchronized void publish(String subject, String message) {
        published.add(new Alert(subject, message));
    }

    synchronized List<Alert> published() {
        return List.copyOf(published);
    }
}

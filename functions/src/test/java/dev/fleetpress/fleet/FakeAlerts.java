package dev.fleetpress.fleet;

import java.util.ArrayList;
import java.util.List;

/** {@link Alerts} that keeps what was published. */
final class FakeAlerts implements Alerts {
    record Alert(String subject, String message) {
    }

    private final List<Alert> published = new ArrayList<>();

    @Override
    public void publish(String subject, String message) {
        published.add(new Alert(subject, message));
    }

    List<Alert> published() {
        return List.copyOf(published);
    }
}

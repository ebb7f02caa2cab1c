package dev.fleetpress.efs;

import dev.fleetpress.fleet.Alerts;
import java.util.ArrayList;
import java.util.List;

/** {@link Alerts} that keeps what was published. */
final class FakeAlerts implements Alerts {
    record Alert(String subject, String message) {
    }

    private final List<Alert> published = new ArrayList<>();
    private Runnable duringPublish = () -> { };
    private int failures;

    /** Runs {@code action} inside the next publish, before it completes: a concurrent run meanwhile. */
    void duringNextPublish(Runnable action) {
        duringPublish = action;
    }

    /** The next {@code count} publishes fail as SNS would. */
    void failNext(int count) {
        failures = count;
    }

    @Override
    public void publish(String subject, String message) {
        Runnable action = duringPublish;
        duringPublish = () -> { };
        action.run();
        if (failures > 0) {
            failures--;
            throw new IllegalStateException("SNS Publish failed: InternalError");
        }
        synchronized (this) {
            published.add(new Alert(subject, message));
        }
    }

    synchronized List<Alert> published() {
        return List.copyOf(published);
    }
}

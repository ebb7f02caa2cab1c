package dev.fleetpress.efs;

import java.util.ArrayList;
import java.util.List;

/** {@link ExitPlanStarter} that starts each environment's plan once and remembers every call. */
final class FakeExitPlans implements ExitPlanStarter {
    private final List<String> calls = new ArrayList<>();
    private final List<String> started = new ArrayList<>();
    private int failures;

    /** The next {@code count} calls fail as an unreachable SSM would make them. */
    synchronized void failNext(int count) {
        failures = count;
    }

    @Override
    public synchronized String startOnce(String environment, String requestedBy) {
        calls.add(environment + " " + requestedBy);
        if (failures > 0) {
            failures--;
            throw new IllegalStateException("SSM SendCommand failed: InternalServerError");
        }
        if (started.contains(environment)) {
            return "exit plan already RUNNING";
        }
        started.add(environment);
        return "exit plan started";
    }

    synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    synchronized List<String> started() {
        return List.copyOf(started);
    }
}

package dev.fleetpress.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's readable timeline: one line per step with the time since start and the step's own
 * duration; a step counts as passed only when it verified its own effect.
 */
final class Timeline {
    record Step(String name, boolean passed, Duration took, String detail) {
    }

    private final PrintStream out;
    private final long start = System.nanoTime();
    private final List<Step> steps = new ArrayList<>();

    Timeline(PrintStream out) {
        this.out = out;
    }

    /** Records a step that started at {@code startedNanos} ({@link System#nanoTime()}). */
    void step(String name, boolean passed, long startedNanos, String detail) {
        Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
        steps.add(new Step(name, passed, took, detail));
        out.printf("%8s  %s %-48s %8s  %s%n", format(Duration.ofNanos(System.nanoTime() - start)),
                passed ? "✔" : "✘", name, format(took), detail);
        out.flush();
    }

    void note(String text) {
        out.println("          " + text);
        out.flush();
    }

    boolean allPassed() {
        return steps.stream().allMatch(Step::passed);
    }

    long failures() {
        return steps.stream().filter(s -> !s.passed()).count();
    }

    int size() {
        return steps.size();
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        return ms < 10_000 ? String.format("%.2fs", ms / 1000.0) : String.format("%.1fs", ms / 1000.0);
    }

    /** Hours and minutes, for simulated time and waits measured in hours ("4 h 50 min", "12 min"). */
    static String hours(Duration d) {
        long minutes = Math.max(0, d.toMinutes());
        return minutes < 60 ? minutes + " min" : minutes / 60 + " h" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " min");
    }
}

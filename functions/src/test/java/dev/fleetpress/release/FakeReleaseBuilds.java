package dev.fleetpress.release;

import java.util.ArrayList;
import java.util.List;

/** Records the builds it was asked to start; can be told to fail the next start as CodeBuild would. */
final class FakeReleaseBuilds implements ReleaseBuilds {
    private final List<BuildStart> started = new ArrayList<>();
    private int failuresLeft;

    void failNextStart() {
        failuresLeft++;
    }

    @Override
    public synchronized String start(BuildStart start) {
        if (failuresLeft > 0) {
            failuresLeft--;
            throw new ReleaseBackendException("CodeBuild StartBuild failed: Rate exceeded", new RuntimeException("throttled"));
        }
        started.add(start);
        return buildId(started.size());
    }

    synchronized List<BuildStart> started() {
        return List.copyOf(started);
    }

    /** The id the n-th successful start returned (from 1), in CodeBuild's shape. */
    static String buildId(int n) {
        return String.format("fleetpress-local-release:00000000-0000-4000-8000-%012d", n);
    }
}

package dev.fleetpress.release;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@link EnvironmentPointers} like SSM's: every set is a new version, history newest first. */
public final class InMemoryEnvironmentPointers implements EnvironmentPointers {
    private final Map<String, List<PointerVersion>> versions = new TreeMap<>();
    private final Clock clock;

    public InMemoryEnvironmentPointers(Clock clock) {
        this.clock = clock;
    }

    private RuntimeException nextSetFailure;

    /** Makes the next {@link #set} throw {@code failure} (an SSM outage, or a function dying mid-write). */
    public synchronized void failNextSet(RuntimeException failure) {
        this.nextSetFailure = failure;
    }

    @Override
    public synchronized void set(String environment, ReleaseId releaseId) {
        if (nextSetFailure != null) {
            RuntimeException failure = nextSetFailure;
            nextSetFailure = null;
            throw failure;
        }
        List<PointerVersion> list = versions.computeIfAbsent(Environments.requireValid(environment), e -> new ArrayList<>());
        list.add(new PointerVersion(list.size() + 1, releaseId.value(), clock.instant()));
    }

    @Override
    public synchronized Optional<ReleaseId> current(String environment) {
        List<PointerVersion> list = versions.getOrDefault(environment, List.of());
        return list.isEmpty() ? Optional.empty() : Optional.of(ReleaseId.of(list.get(list.size() - 1).value()));
    }

    @Override
    public synchronized List<PointerVersion> history(String environment) {
        List<PointerVersion> list = new ArrayList<>(versions.getOrDefault(environment, List.of()));
        Collections.reverse(list);
        return list;
    }

    @Override
    public synchronized List<String> environments() {
        return List.copyOf(versions.keySet());
    }

    /** Every set so far, across environments: "promoted once" means one entry. */
    synchronized int sets() {
        return versions.values().stream().mapToInt(List::size).sum();
    }
}

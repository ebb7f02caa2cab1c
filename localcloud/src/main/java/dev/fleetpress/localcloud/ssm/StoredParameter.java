package dev.fleetpress.localcloud.ssm;

import java.util.List;
import java.util.Optional;

/** A parameter and its retained versions, oldest first (at most {@link #MAX_VERSIONS}). */
record StoredParameter(String name, List<StoredVersion> versions) {
    static final int MAX_VERSIONS = 100;

    StoredParameter {
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("parameter " + name + " has no version");
        }
        versions = List.copyOf(versions);
    }

    StoredVersion latest() {
        return versions.get(versions.size() - 1);
    }

    Optional<StoredVersion> version(long number) {
        return versions.stream().filter(v -> v.version() == number).findFirst();
    }

    Optional<StoredVersion> labelled(String label) {
        return versions.stream().filter(v -> v.labels().contains(label)).findFirst();
    }
}

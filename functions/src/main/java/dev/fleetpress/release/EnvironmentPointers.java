package dev.fleetpress.release;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The release each environment runs. On AWS each pointer is the SSM String parameter
 * {@code <PARAMETER_PREFIX>/env/<env>/release}; every {@link #set} is a new parameter version, so
 * the parameter's history is the environment's deployment history and its rollback targets.
 */
public interface EnvironmentPointers {
    /** Points {@code environment} at {@code releaseId} (a new version even if the value is unchanged). */
    void set(String environment, ReleaseId releaseId);

    /**
     * The release {@code environment} runs; empty when it has none yet. Throws
     * {@link ReleaseBackendException} when the pointer holds something that is not a release id.
     */
    Optional<ReleaseId> current(String environment);

    /** Every recorded version of the pointer, newest first; empty when the environment has none. */
    List<PointerVersion> history(String environment);

    /** The environments that have a pointer, sorted by name. */
    List<String> environments();

    /**
     * One version of a pointer. {@code value} is what the parameter held, normally a release id; it
     * is kept as text so that a hand-edited value still shows up in the history.
     */
    record PointerVersion(long version, String value, Instant modifiedAt) {
        /** The release this version pointed at, if {@code value} is a release id. */
        public Optional<ReleaseId> releaseId() {
            try {
                return Optional.of(ReleaseId.of(value));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }
}

package dev.fleetpress.release;

import dev.fleetpress.Settings;
import dev.fleetpress.aws.DependencyFactory;
import dev.fleetpress.aws.S3ReleaseStore;
import dev.fleetpress.aws.SsmEnvironmentPointers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Read-only answers about releases and environments, for the CLI's {@code status} and for choosing
 * rollback targets: which environments exist, what each runs, and its deployment history (the
 * pointer's versions, newest first) with the recorded release behind each version. Changing anything
 * goes through {@link ReleasePipeline#promote}.
 */
public final class ReleaseCatalog {
    private final ReleaseRecords records;
    private final EnvironmentPointers pointers;

    private ReleaseCatalog(ReleaseStore store, EnvironmentPointers pointers) {
        this.records = new ReleaseRecords(Objects.requireNonNull(store, "store").records());
        this.pointers = Objects.requireNonNull(pointers, "pointers");
    }

    public static ReleaseCatalog of(ReleaseStore store, EnvironmentPointers pointers) {
        return new ReleaseCatalog(store, pointers);
    }

    /** The catalog over AWS: RELEASE_BUCKET and PARAMETER_PREFIX (the stack's outputs) name where to look. */
    public static ReleaseCatalog create(DependencyFactory deps, Settings settings) {
        return of(S3ReleaseStore.create(deps.s3(), settings.required("RELEASE_BUCKET")),
                SsmEnvironmentPointers.create(deps.ssm(), settings.required("PARAMETER_PREFIX")));
    }

    /** Every environment that has a pointer, sorted by name, with its status. */
    public List<EnvironmentStatus> environments() {
        Map<ReleaseId, Optional<ReleaseRecord>> cache = new HashMap<>();
        List<EnvironmentStatus> out = new ArrayList<>();
        for (String environment : pointers.environments()) {
            out.add(status(environment, cache));
        }
        return out;
    }

    /** What {@code environment} runs and has run; an empty history when it has never been promoted. */
    public EnvironmentStatus status(String environment) {
        return status(Environments.requireValid(environment), new HashMap<>());
    }

    /** The recorded (verified) release, if {@code releaseId} has one. */
    public Optional<ReleaseRecord> release(ReleaseId releaseId) {
        return records.release(releaseId);
    }

    /** The latest build attempt of {@code releaseId}: state, build id and, if it failed, why. */
    public Optional<BuildAttempt> build(ReleaseId releaseId) {
        return records.attempt(releaseId).map(ReleaseRecords.Versioned::value);
    }

    private EnvironmentStatus status(String environment, Map<ReleaseId, Optional<ReleaseRecord>> cache) {
        List<Deployment> history = new ArrayList<>();
        for (EnvironmentPointers.PointerVersion v : pointers.history(environment)) {
            ReleaseRecord recorded = v.releaseId()
                    .flatMap(id -> cache.computeIfAbsent(id, records::release))
                    .orElse(null);
            history.add(new Deployment(v.version(), v.value(), v.modifiedAt(), recorded));
        }
        return new EnvironmentStatus(environment, history);
    }

    /**
     * An environment and its deployments, newest first; the first one is what it runs now.
     */
    public record EnvironmentStatus(String environment, List<Deployment> history) {
        public EnvironmentStatus {
            history = List.copyOf(history);
        }

        /** The deployment the environment runs now, if it was ever promoted. */
        public Optional<Deployment> current() {
            return history.isEmpty() ? Optional.empty() : Optional.of(history.get(0));
        }
    }

    /**
     * One version of an environment's pointer.
     *
     * @param version    the SSM parameter version (a rollback names a release, not a version)
     * @param value      what the pointer held, normally a release id
     * @param promotedAt when the pointer was set
     * @param recorded   the release record behind {@code value}, or null when there is none (a
     *                   hand-edited pointer); prefer {@link #release()}
     */
    public record Deployment(long version, String value, Instant promotedAt, ReleaseRecord recorded) {
        public Optional<ReleaseRecord> release() {
            return Optional.ofNullable(recorded);
        }

        /** The release id, if {@code value} is one. */
        public Optional<ReleaseId> releaseId() {
            return new EnvironmentPointers.PointerVersion(version, value, promotedAt).releaseId();
        }
    }
}

package dev.fleetpress.release;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Starts release builds (CodeBuild's StartBuild on AWS, localcloud's emulator locally). */
public interface ReleaseBuilds {
    /**
     * Starts the build described by {@code start} and returns its build id. Throws
     * {@link ReleaseBackendException} when the build could not be started (or it is unknown whether it
     * was); the idempotency token makes a retry within five minutes return the same build.
     */
    String start(BuildStart start);

    /**
     * One build of one release. The environment variables are visible in the build's console and
     * events: they carry ids only, never secrets.
     *
     * @param attempt the attempt number for this release, from 1; a retried failure gets a new token
     */
    record BuildStart(ReleaseId releaseId, String environment, String repository, String ref, String commit,
                      int attempt) {
        public BuildStart {
            Objects.requireNonNull(releaseId, "releaseId");
            Environments.requireValid(environment);
            Objects.requireNonNull(repository, "repository");
            Objects.requireNonNull(ref, "ref");
            if (!ReleaseId.forCommit(commit).equals(releaseId)) {
                throw new IllegalArgumentException("commit " + commit + " does not belong to release " + releaseId);
            }
            if (attempt < 1) {
                throw new IllegalArgumentException("attempt must be 1 or more, got " + attempt);
            }
        }

        /** At most 64 characters, the same for every retry of this attempt, different for the next attempt. */
        public String idempotencyToken() {
            return releaseId.value() + "-attempt-" + attempt;
        }

        /** The build's inputs, as buildspec.yml reads them. */
        public Map<String, String> environmentVariables() {
            Map<String, String> vars = new LinkedHashMap<>();
            vars.put("RELEASE_ID", releaseId.value());
            vars.put("TARGET_ENV", environment);
            vars.put("SOURCE_REPOSITORY", repository);
            vars.put("SOURCE_REF", ref);
            vars.put("SOURCE_COMMIT", commit);
            return vars;
        }
    }
}

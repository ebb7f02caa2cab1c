package dev.fleetpress.release;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A finished release build, as the handler read it from CodeBuild's event. All fields are validated
 * here, so nothing unchecked reaches a record key.
 *
 * @param buildId     CodeBuild's build id or ARN ({@code …:build/<project>:<uuid>}); its last
 *                    {@code :}-separated part names the build's failure record
 * @param environment the TARGET_ENV the build was started for (for logs and records), or null
 * @param commit      the SOURCE_COMMIT the build was started for, or null when the event lacks it
 * @param reason      for an unsuccessful build, what CodeBuild said about the failing phase; else empty
 */
public record BuildResult(ReleaseId releaseId, BuildStatus status, String buildId, String environment,
                          String commit, String reason) {
    private static final Pattern BUILD_KEY = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9-]{0,127}$");

    public BuildResult {
        Objects.requireNonNull(releaseId, "releaseId");
        Objects.requireNonNull(status, "status");
        if (buildId == null || buildId.length() > 1000 || !BUILD_KEY.matcher(key(buildId)).matches()) {
            throw new IllegalArgumentException("not a CodeBuild build id: '" + buildId
                    + "' (expected <project>:<uuid> or its ARN)");
        }
        if (environment != null) {
            Environments.requireValid(environment);
        }
        if (commit != null && !ReleaseId.forCommit(commit).equals(releaseId)) {
            throw new IllegalArgumentException("commit " + commit + " does not belong to release " + releaseId);
        }
        reason = reason == null ? "" : reason;
    }

    /** The build's unique part (CodeBuild's uuid), used as its record name under {@code builds/}. */
    public String buildKey() {
        return key(buildId);
    }

    private static String key(String buildId) {
        return buildId.substring(buildId.lastIndexOf(':') + 1);
    }
}

package dev.fleetpress.localcloud.codebuild;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * One CodeBuild project as localcloud runs it: the buildspec, the Git repository it checks out
 * (a local path or URL that {@code git clone} accepts), and where S3 artifacts go
 * ({@code s3://artifactBucket/artifactPath/<name>/<file>}, no packaging). With
 * {@code overrideArtifactName} the buildspec's {@code artifacts.name} (after {@code $VAR} expansion)
 * replaces {@code artifactName}. {@code artifactBucket} null means the project has no artifacts.
 */
public record ProjectSpec(String name, String buildSpecYaml, Path sourceRepository, String artifactBucket,
        String artifactPath, String artifactName, boolean overrideArtifactName, int timeoutMinutes) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9\\-_]{1,254}");

    public ProjectSpec {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("project name " + name
                    + " is invalid: 2-255 letters, digits, - or _, starting with a letter or digit");
        }
        if (buildSpecYaml == null || buildSpecYaml.isBlank()) {
            throw new IllegalArgumentException("project " + name + " has no buildspec");
        }
        if (sourceRepository == null) {
            throw new IllegalArgumentException("project " + name + " has no source repository");
        }
        if (timeoutMinutes < 5 || timeoutMinutes > 480) {
            throw new IllegalArgumentException("project " + name + ": timeoutMinutes must be 5-480 (as in CodeBuild), got "
                    + timeoutMinutes);
        }
        if (artifactBucket != null && (artifactName == null || artifactName.isBlank())) {
            throw new IllegalArgumentException("project " + name + " stores artifacts in " + artifactBucket
                    + " but has no artifactName");
        }
        artifactPath = artifactPath == null ? "" : artifactPath;
    }
}

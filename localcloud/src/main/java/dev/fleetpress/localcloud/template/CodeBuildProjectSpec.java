package dev.fleetpress.localcloud.template;

import java.time.Duration;
import java.util.Map;

/**
 * A CodeBuild project of the stack, with what a local build needs.
 *
 * @param buildSpec            the inline {@code Source.BuildSpec}, empty when the project reads buildspec.yml from its source
 * @param timeout              {@code TimeoutInMinutes} (CodeBuild's default 60 when unset)
 * @param environmentVariables the project's {@code PLAINTEXT} environment variables
 */
public record CodeBuildProjectSpec(String logicalId, String name, String buildSpec, Artifacts artifacts, Duration timeout,
                                   Map<String, String> environmentVariables) {
    public CodeBuildProjectSpec {
        environmentVariables = Map.copyOf(environmentVariables);
    }

    /**
     * The project's {@code Artifacts}; absent fields are empty strings.
     *
     * @param location the bucket name the artifacts go to
     */
    public record Artifacts(String type, String location, String path, String name, String namespaceType,
                            String packaging, boolean overrideArtifactName) {
    }
}

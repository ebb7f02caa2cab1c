package dev.fleetpress.aws;

import dev.fleetpress.release.ReleaseBackendException;
import dev.fleetpress.release.ReleaseBuilds;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.codebuild.CodeBuildClient;
import software.amazon.awssdk.services.codebuild.model.AccountLimitExceededException;
import software.amazon.awssdk.services.codebuild.model.EnvironmentVariable;
import software.amazon.awssdk.services.codebuild.model.EnvironmentVariableType;
import software.amazon.awssdk.services.codebuild.model.ResourceNotFoundException;

/**
 * {@link ReleaseBuilds} as CodeBuild StartBuild on the release project: the commit as source version,
 * the release's attempt token as idempotency token, and the build inputs as PLAINTEXT variables (they
 * are ids, visible in the console and in events, so never secrets).
 */
public final class CodeBuildReleaseBuilds implements ReleaseBuilds {
    private final Supplier<CodeBuildClient> codeBuild;
    private final String projectName;

    private CodeBuildReleaseBuilds(Supplier<CodeBuildClient> codeBuild, String projectName) {
        this.codeBuild = codeBuild;
        this.projectName = projectName;
    }

    /**
     * Builds in {@code projectName} (BUILD_PROJECT). The client is fetched on the first start only, so
     * functions that never start builds never build a CodeBuild client.
     */
    public static CodeBuildReleaseBuilds create(Supplier<CodeBuildClient> codeBuild, String projectName) {
        Objects.requireNonNull(codeBuild, "codeBuild");
        if (projectName == null || !projectName.matches("^[A-Za-z0-9][A-Za-z0-9_-]{1,254}$")) {
            throw new IllegalArgumentException("'" + projectName + "' is not a CodeBuild project name; "
                    + "template.yaml sets BUILD_PROJECT to the ReleaseBuildProject");
        }
        return new CodeBuildReleaseBuilds(codeBuild, projectName);
    }

    @Override
    public String start(BuildStart start) {
        List<EnvironmentVariable> variables = new ArrayList<>();
        start.environmentVariables().forEach((name, value) -> variables.add(EnvironmentVariable.builder()
                .name(name).value(value).type(EnvironmentVariableType.PLAINTEXT).build()));
        try {
            return codeBuild.get().startBuild(b -> b.projectName(projectName)
                    .sourceVersion(start.commit())
                    .idempotencyToken(start.idempotencyToken())
                    .environmentVariablesOverride(variables)).build().id();
        } catch (ResourceNotFoundException e) {
            throw failure(start, "project " + projectName + " does not exist: set BUILD_PROJECT to the stack's "
                    + "ReleaseBuildProjectName output", e);
        } catch (AccountLimitExceededException e) {
            throw failure(start, "the account's concurrent build limit is reached; push again once builds finish", e);
        } catch (SdkException e) {
            throw failure(start, e.getMessage() + "; push again (or redeliver the webhook) to retry", e);
        }
    }

    private ReleaseBackendException failure(BuildStart start, String why, SdkException e) {
        return new ReleaseBackendException("CodeBuild StartBuild of release " + start.releaseId() + " (attempt "
                + start.attempt() + ") failed: " + why, e);
    }
}

package dev.fleetpress.localcloud.codebuild;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.services.codebuild.model.Build;
import software.amazon.awssdk.services.codebuild.model.BuildArtifacts;
import software.amazon.awssdk.services.codebuild.model.CacheType;
import software.amazon.awssdk.services.codebuild.model.ComputeType;
import software.amazon.awssdk.services.codebuild.model.EnvironmentType;
import software.amazon.awssdk.services.codebuild.model.EnvironmentVariable;
import software.amazon.awssdk.services.codebuild.model.LogsLocation;
import software.amazon.awssdk.services.codebuild.model.ProjectCache;
import software.amazon.awssdk.services.codebuild.model.ProjectEnvironment;
import software.amazon.awssdk.services.codebuild.model.ProjectSource;
import software.amazon.awssdk.services.codebuild.model.SourceType;
import software.amazon.awssdk.services.codebuild.model.StatusType;

/**
 * A consistent view of one build at one moment, from which both the {@code BatchGetBuilds} answer
 * and the EventBridge event are made, so the two never disagree.
 */
record BuildSnapshot(String uuid, ProjectSpec project, long buildNumber, String sourceVersion,
        String resolvedSourceVersion, List<EnvironmentVariable> overrides, int timeoutMinutes, Instant startTime,
        Instant endTime, StatusType status, List<PhaseResult> phases, boolean complete, String artifactName,
        Path logFile) {
    static final String REGION = "us-east-1";
    static final String ACCOUNT = "000000000000";
    static final String IMAGE = "aws/codebuild/standard:7.0";
    static final String INITIATOR = "localcloud";
    /** What the events say the source is: the template's default, so local events look like deployed ones. */
    static final SourceType SOURCE_TYPE = SourceType.GITHUB;

    String id() {
        return project.name() + ":" + uuid;
    }

    String arn() {
        return "arn:aws:codebuild:" + REGION + ":" + ACCOUNT + ":build/" + id();
    }

    String currentPhase() {
        return phases.isEmpty() ? "SUBMITTED" : phases.get(phases.size() - 1).type().toString();
    }

    String logGroup() {
        return "/aws/codebuild/" + project.name();
    }

    String logLink() {
        return logFile.toUri().toString();
    }

    /**
     * The S3 ARN of the artifact folder, or null when the project keeps no artifacts or the build
     * ended before its artifact name was known.
     */
    String artifactLocation() {
        if (project.artifactBucket() == null || artifactName == null) {
            return null;
        }
        String path = project.artifactPath().isEmpty() ? "" : project.artifactPath() + "/";
        return "arn:aws:s3:::" + project.artifactBucket() + "/" + path + artifactName;
    }

    Build toSdk() {
        Build.Builder b = Build.builder()
                .id(id()).arn(arn()).buildNumber(buildNumber).startTime(startTime).endTime(endTime)
                .currentPhase(currentPhase()).buildStatus(status).sourceVersion(sourceVersion)
                .resolvedSourceVersion(resolvedSourceVersion).projectName(project.name())
                .phases(phases.stream().map(PhaseResult::toSdk).toList())
                .source(ProjectSource.builder().type(SOURCE_TYPE).location(project.sourceRepository().toString())
                        .buildspec(project.buildSpecYaml()).build())
                .cache(ProjectCache.builder().type(CacheType.NO_CACHE).build())
                .environment(ProjectEnvironment.builder().type(EnvironmentType.LINUX_CONTAINER).image(IMAGE)
                        .computeType(ComputeType.BUILD_GENERAL1_SMALL).privilegedMode(false)
                        .environmentVariables(overrides).build())
                .logs(LogsLocation.builder().groupName(logGroup()).streamName(uuid).deepLink(logLink()).build())
                .timeoutInMinutes(timeoutMinutes).queuedTimeoutInMinutes(480).buildComplete(complete)
                .initiator(INITIATOR);
        if (artifactLocation() != null) {
            b.artifacts(BuildArtifacts.builder().location(artifactLocation()).overrideArtifactName(
                    project.overrideArtifactName()).build());
        }
        return b.build();
    }
}

package dev.fleetpress.localcloud.codebuild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.codebuild.model.Build;
import software.amazon.awssdk.services.codebuild.model.BuildPhase;
import software.amazon.awssdk.services.codebuild.model.BuildPhaseType;
import software.amazon.awssdk.services.codebuild.model.EnvironmentVariable;
import software.amazon.awssdk.services.codebuild.model.InvalidInputException;
import software.amazon.awssdk.services.codebuild.model.ResourceNotFoundException;
import software.amazon.awssdk.services.codebuild.model.StartBuildRequest;
import software.amazon.awssdk.services.codebuild.model.StatusType;

class LocalCodeBuildTest {
    private static final String PROJECT = "site-release";
    private static final String BUCKET = "releases-bucket";

    @TempDir
    Path temp;

    private final MemoryS3 s3 = new MemoryS3();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final MutableClock clock = new MutableClock();
    private LocalCodeBuild codeBuild;
    private String commit;

    @AfterEach
    void closeCodeBuild() {
        if (codeBuild != null) {
            codeBuild.close();
        }
    }

    /** A project over a fresh repository whose buildspec is {@code buildspec}. */
    private void project(String buildspec, Map<String, String> files) throws Exception {
        Path repo = temp.resolve("repo");
        commit = GitRepo.commit(repo, files);
        codeBuild = LocalCodeBuild.create(temp.resolve("work"), s3, events::add, List.of(
                new ProjectSpec(PROJECT, buildspec, repo, BUCKET, "releases", "release", true, 30)), clock);
    }

    private void project(String buildspec) throws Exception {
        project(buildspec, Map.of("README.md", "site\n"));
    }

    private StartBuildRequest.Builder request() {
        return StartBuildRequest.builder().projectName(PROJECT).sourceVersion(commit);
    }

    private Build run(StartBuildRequest request) {
        String id = codeBuild.startBuild(request).build().id();
        codeBuild.awaitIdle(Duration.ofSeconds(30));
        return codeBuild.batchGetBuilds(b -> b.ids(id)).builds().get(0);
    }

    private Build run() {
        return run(request().build());
    }

    private static List<BuildPhaseType> phaseTypes(Build build) {
        return build.phases().stream().map(BuildPhase::phaseType).toList();
    }

    private static BuildPhase phase(Build build, BuildPhaseType type) {
        return build.phases().stream().filter(p -> p.phaseType() == type).findFirst()
                .orElseThrow(() -> new AssertionError("no phase " + type + " in " + phaseTypes(build)));
    }

    private static String buildspec(String phases, String artifacts) {
        return "version: 0.2\nenv:\n  variables:\n    GREETING: hello\n    OVERRIDDEN: from-buildspec\nphases:\n" + phases
                + (artifacts.isEmpty() ? "" : "artifacts:\n" + artifacts);
    }

    private static final String ARTIFACT_README = "  files:\n    - README.md\n";

    @Test
    void startBuild_whenProjectIsUnknown_throwsResourceNotFound() throws Exception {
        project(buildspec("  build:\n    commands:\n      - 'true'\n", ARTIFACT_README));

        assertThatThrownBy(() -> codeBuild.startBuild(b -> b.projectName("nope").sourceVersion(commit)))
                .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ResourceNotFoundException");
                    assertThat(e.statusCode()).isEqualTo(400);
                });
    }

    @Test
    void startBuild_withoutSourceVersion_throwsInvalidInput() throws Exception {
        project(buildspec("  build:\n    commands:\n      - 'true'\n", ARTIFACT_README));

        assertThatThrownBy(() -> codeBuild.startBuild(b -> b.projectName(PROJECT)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("sourceVersion is missing");
    }

    @Test
    void startBuild_withAnUnsupportedField_throwsInvalidInputNamingIt() throws Exception {
        project(buildspec("  build:\n    commands:\n      - 'true'\n", ARTIFACT_README));

        assertThatThrownBy(() -> codeBuild.startBuild(request().buildspecOverride("version: 0.2").build()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("buildspecOverride");
    }

    @Test
    void startBuild_withAReservedVariableName_throwsInvalidInput() throws Exception {
        project(buildspec("  build:\n    commands:\n      - 'true'\n", ARTIFACT_README));

        assertThatThrownBy(() -> codeBuild.startBuild(request().environmentVariablesOverride(
                EnvironmentVariable.builder().name("CODEBUILD_BUILD_ID").value("x").build()).build()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("reserved");
    }

    @Test
    void startBuild_withTheSameIdempotencyToken_returnsTheSameBuild() throws Exception {
        project(buildspec("  build:\n    commands:\n      - 'true'\n", ARTIFACT_README));

        String first = codeBuild.startBuild(request().idempotencyToken("push-1").build()).build().id();
        String second = codeBuild.startBuild(request().idempotencyToken("push-1").build()).build().id();

        assertThat(second).isEqualTo(first);
    }

    @Test
    void startBuild_withTheSameTokenForADifferentRequest_throwsInvalidInput() throws Exception {
        project(buildspec("  build:\n    commands:\n      - 'true'\n", ARTIFACT_README));
        codeBuild.startBuild(request().idempotencyToken("push-1").build());

        assertThatThrownBy(() -> codeBuild.startBuild(request().idempotencyToken("push-1").environmentVariablesOverride(
                EnvironmentVariable.builder().name("RELEASE_ID").value("r-other").build()).build()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("idempotencyToken");
    }

    @Test
    void startBuild_withATokenOlderThanFiveMinutes_startsANewBuild() throws Exception {
        project(buildspec("  build:\n    commands:\n      - 'true'\n", ARTIFACT_README));
        String first = codeBuild.startBuild(request().idempotencyToken("push-1").build()).build().id();
        codeBuild.awaitIdle(Duration.ofSeconds(30));
        clock.advance(Duration.ofMinutes(6));

        String second = codeBuild.startBuild(request().idempotencyToken("push-1").build()).build().id();

        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void build_whenEveryCommandSucceeds_succeedsThroughEveryPhase() throws Exception {
        project(buildspec("  build:\n    commands:\n      - echo hello from build\n", ARTIFACT_README));

        Build build = run();

        assertThat(build.buildStatus()).isEqualTo(StatusType.SUCCEEDED);
        assertThat(build.buildComplete()).isTrue();
        assertThat(build.resolvedSourceVersion()).isEqualTo(commit);
        assertThat(phaseTypes(build)).containsExactly(BuildPhaseType.SUBMITTED, BuildPhaseType.QUEUED,
                BuildPhaseType.PROVISIONING, BuildPhaseType.DOWNLOAD_SOURCE, BuildPhaseType.INSTALL,
                BuildPhaseType.PRE_BUILD, BuildPhaseType.BUILD, BuildPhaseType.POST_BUILD,
                BuildPhaseType.UPLOAD_ARTIFACTS, BuildPhaseType.FINALIZING, BuildPhaseType.COMPLETED);
    }

    @Test
    void build_writesCommandOutputToTheLogItLinks() throws Exception {
        project(buildspec("  build:\n    commands:\n      - echo hello from build\n      - echo oops >&2\n",
                ARTIFACT_README));

        Build build = run();

        String log = Files.readString(Path.of(java.net.URI.create(build.logs().deepLink())));
        assertThat(log).contains("hello from build", "oops", "Running command echo hello from build");
    }

    @Test
    void build_givesCommandsTheBuildspecOverrideAndCodeBuildVariables() throws Exception {
        project(buildspec("  build:\n    commands:\n      - printf '%s\\n' \"$GREETING\" \"$OVERRIDDEN\" "
                + "\"$CODEBUILD_RESOLVED_SOURCE_VERSION\" \"$CODEBUILD_BUILD_ID\" \"$CODEBUILD_SRC_DIR\" \"$PWD\" "
                + "\"$CODEBUILD_BUILD_NUMBER\" \"$CODEBUILD_INITIATOR\" \"$CODEBUILD_START_TIME\" > env.txt\n",
                "  files:\n    - env.txt\n"));

        Build build = run(request().environmentVariablesOverride(
                EnvironmentVariable.builder().name("OVERRIDDEN").value("from-request").build()).build());

        List<String> lines = s3.text(BUCKET + "/releases/release/env.txt").lines().toList();
        assertThat(lines.subList(0, 5)).containsExactly("hello", "from-request", commit, build.id(), lines.get(5));
        assertThat(lines.get(4)).endsWith("/src");
        assertThat(lines.subList(6, 8)).containsExactly("1", "localcloud");
        assertThat(Long.parseLong(lines.get(8))).isEqualTo(build.startTime().toEpochMilli());
    }

    @Test
    void build_carriesExportedVariablesAndTheDirectoryToTheNextCommand() throws Exception {
        project(buildspec("  install:\n    commands:\n      - export CARRIED=yes; mkdir -p sub && cd sub\n"
                + "  build:\n    commands:\n      - printf '%s %s' \"$CARRIED\" \"${PWD##*/}\" > \"$CODEBUILD_SRC_DIR/carried.txt\"\n",
                "  files:\n    - carried.txt\n"));

        run();

        assertThat(s3.text(BUCKET + "/releases/release/carried.txt")).isEqualTo("yes sub");
    }

    @Test
    void build_whenACommandFails_skipsTheRestOfThePhase() throws Exception {
        project(buildspec("  build:\n    commands:\n      - exit 4\n      - touch should-not-exist\n"
                + "  post_build:\n    commands:\n      - test ! -e should-not-exist && touch checked\n",
                "  files:\n    - checked\n"));

        Build build = run();

        assertThat(build.buildStatus()).isEqualTo(StatusType.FAILED);
        assertThat(phase(build, BuildPhaseType.BUILD).contexts().get(0).message())
                .isEqualTo("Error while executing command: exit 4. Reason: exit status 4");
        assertThat(s3.objects).containsKey(BUCKET + "/releases/release/checked");
    }

    @Test
    void build_whenBuildFails_stillRunsPostBuildAndAttemptsUpload() throws Exception {
        project(buildspec("  build:\n    commands:\n      - 'false'\n  post_build:\n    commands:\n"
                + "      - echo \"$CODEBUILD_BUILD_SUCCEEDING\" > succeeding.txt\n", "  files:\n    - succeeding.txt\n"));

        Build build = run();

        assertThat(build.buildStatus()).isEqualTo(StatusType.FAILED);
        assertThat(phase(build, BuildPhaseType.BUILD).phaseStatus()).isEqualTo(StatusType.FAILED);
        assertThat(phase(build, BuildPhaseType.POST_BUILD).phaseStatus()).isEqualTo(StatusType.SUCCEEDED);
        assertThat(s3.text(BUCKET + "/releases/release/succeeding.txt")).isEqualTo("0\n");
    }

    @Test
    void build_whenPreBuildFails_skipsStraightToFinalizing() throws Exception {
        project(buildspec("  pre_build:\n    commands:\n      - exit 3\n  build:\n    commands:\n      - 'true'\n",
                ARTIFACT_README));

        Build build = run();

        assertThat(build.buildStatus()).isEqualTo(StatusType.FAILED);
        assertThat(phaseTypes(build)).containsSubsequence(BuildPhaseType.PRE_BUILD, BuildPhaseType.FINALIZING)
                .doesNotContain(BuildPhaseType.BUILD, BuildPhaseType.POST_BUILD, BuildPhaseType.UPLOAD_ARTIFACTS);
        assertThat(s3.objects).isEmpty();
    }

    @Test
    void build_whenInstallFailsWithOnFailureContinue_runsTheNextPhases() throws Exception {
        project(buildspec("  install:\n    on-failure: CONTINUE\n    commands:\n      - 'false'\n"
                + "  build:\n    commands:\n      - touch built\n", "  files:\n    - built\n"));

        Build build = run();

        assertThat(build.buildStatus()).isEqualTo(StatusType.FAILED);
        assertThat(s3.objects).containsKey(BUCKET + "/releases/release/built");
    }

    @Test
    void build_whenTheCommitDoesNotExist_failsInDownloadSource() throws Exception {
        project(buildspec("  build:\n    commands:\n      - 'true'\n", ARTIFACT_README));

        Build build = run(request().sourceVersion("0123456789abcdef0123456789abcdef01234567").build());

        assertThat(build.buildStatus()).isEqualTo(StatusType.FAILED);
        BuildPhase download = phase(build, BuildPhaseType.DOWNLOAD_SOURCE);
        assertThat(download.phaseStatus()).isEqualTo(StatusType.FAILED);
        assertThat(download.contexts().get(0).message()).contains("0123456789abcdef0123456789abcdef01234567");
        assertThat(phaseTypes(build)).doesNotContain(BuildPhaseType.INSTALL);
    }

    @Test
    void build_whenTheBuildspecIsInvalid_failsInDownloadSourceWithYamlFileError() throws Exception {
        project("version: 0.2\nphases:\n  compile:\n    commands:\n      - 'true'\n");

        Build build = run();

        assertThat(phase(build, BuildPhaseType.DOWNLOAD_SOURCE).contexts().get(0).statusCode()).isEqualTo("YAML_FILE_ERROR");
    }

    @Test
    void build_withDiscardPathsAndAnOverriddenName_uploadsFileNamesUnderTheExpandedName() throws Exception {
        project(buildspec("  build:\n    commands:\n      - mkdir -p out/deep && echo a > out/a.txt && echo b > out/deep/b.txt\n",
                "  files:\n    - out/**/*\n  discard-paths: yes\n  name: $RELEASE_ID-${GREETING}\n"));

        run(request().environmentVariablesOverride(EnvironmentVariable.builder().name("RELEASE_ID").value("r-1").build())
                .build());

        assertThat(s3.objects.keySet()).containsExactlyInAnyOrder(BUCKET + "/releases/r-1-hello/a.txt",
                BUCKET + "/releases/r-1-hello/b.txt");
    }

    @Test
    void build_withBaseDirectory_keepsPathsRelativeToIt() throws Exception {
        project(buildspec("  build:\n    commands:\n      - mkdir -p out/deep && echo a > out/a.txt && echo b > out/deep/b.txt\n",
                "  base-directory: out\n  files:\n    - '**/*'\n"));

        run();

        assertThat(s3.objects.keySet()).containsExactlyInAnyOrder(BUCKET + "/releases/release/a.txt",
                BUCKET + "/releases/release/deep/b.txt");
    }

    @Test
    void build_whenAnArtifactFileIsMissing_failsInUploadArtifacts() throws Exception {
        project(buildspec("  build:\n    commands:\n      - 'true'\n", "  files:\n    - missing.tar.gz\n"));

        Build build = run();

        assertThat(build.buildStatus()).isEqualTo(StatusType.FAILED);
        BuildPhase upload = phase(build, BuildPhaseType.UPLOAD_ARTIFACTS);
        assertThat(upload.phaseStatus()).isEqualTo(StatusType.FAILED);
        assertThat(upload.contexts().get(0).message()).contains("no matching artifact paths found for missing.tar.gz");
    }

    @Test
    void build_whenTheTimeoutPasses_timesOutAndKillsTheCommandsProcesses() throws Exception {
        project(buildspec("  build:\n    commands:\n      - sleep 300 & echo $! > sleeper.pid; wait\n", ARTIFACT_README));

        String id = codeBuild.startBuild(request().build(), Duration.ofSeconds(2)).build().id();
        codeBuild.awaitIdle(Duration.ofSeconds(30));

        Build build = codeBuild.batchGetBuilds(b -> b.ids(id)).builds().get(0);
        assertThat(build.buildStatus()).isEqualTo(StatusType.TIMED_OUT);
        assertThat(phase(build, BuildPhaseType.BUILD).phaseStatus()).isEqualTo(StatusType.TIMED_OUT);
        Path pidFile = Path.of(build.source().location()).getParent()
                .resolve("work").resolve(build.logs().streamName()).resolve("src/sleeper.pid");
        long sleeper = Long.parseLong(Files.readString(pidFile).trim());
        assertThat(ProcessHandle.of(sleeper).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
    }

    @Test
    void stopBuild_stopsARunningBuild() throws Exception {
        project(buildspec("  build:\n    commands:\n      - touch \"$CODEBUILD_SRC_DIR/../started\"; sleep 300\n",
                ARTIFACT_README));
        Build started = codeBuild.startBuild(request().build()).build();
        Path marker = temp.resolve("work").resolve(started.logs().streamName()).resolve("started");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Files.exists(marker) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }

        codeBuild.stopBuild(b -> b.id(started.id()));
        codeBuild.awaitIdle(Duration.ofSeconds(30));

        Build build = codeBuild.batchGetBuilds(b -> b.ids(started.id())).builds().get(0);
        assertThat(build.buildStatus()).isEqualTo(StatusType.STOPPED);
        assertThat(phase(build, BuildPhaseType.BUILD).phaseStatus()).isEqualTo(StatusType.STOPPED);
    }

    @Test
    void batchGetBuilds_whenAnIdIsUnknown_reportsItNotFound() throws Exception {
        project(buildspec("  build:\n    commands:\n      - 'true'\n", ARTIFACT_README));

        var response = codeBuild.batchGetBuilds(b -> b.ids(PROJECT + ":no-such-build"));

        assertThat(response.builds()).isEmpty();
        assertThat(response.buildsNotFound()).containsExactly(PROJECT + ":no-such-build");
    }

    @Test
    void build_emitsInProgressThenTheFinalStateChangeAsEventBridgeDoes() throws Exception {
        project(buildspec("  build:\n    commands:\n      - 'true'\n", ARTIFACT_README));

        Build build = run(request().environmentVariablesOverride(
                EnvironmentVariable.builder().name("RELEASE_ID").value("r-1").build()).build());

        assertThat(events).hasSize(2);
        Json.Node started = Json.parse(events.get(0));
        Json.Node finished = Json.parse(events.get(1));
        assertThat(started.text("detail", "build-status")).isEqualTo("IN_PROGRESS");
        assertThat(finished.text("detail-type")).isEqualTo("CodeBuild Build State Change");
        assertThat(finished.text("source")).isEqualTo("aws.codebuild");
        assertThat(finished.text("account")).isEqualTo("000000000000");
        assertThat(finished.text("region")).isEqualTo("us-east-1");
        assertThat(finished.text("time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(finished.get("resources").elements()).extracting(Json.Node::asText).containsExactly(build.arn());
        assertThat(finished.text("detail", "build-status")).isEqualTo("SUCCEEDED");
        assertThat(finished.text("detail", "project-name")).isEqualTo(PROJECT);
        assertThat(finished.text("detail", "build-id"))
                .isEqualTo("arn:aws:codebuild:us-east-1:000000000000:build/" + build.id());
        assertThat(finished.text("detail", "current-phase")).isEqualTo("COMPLETED");
        assertThat(finished.text("detail", "version")).isEqualTo("1");
        Json.Node info = finished.get("detail", "additional-information");
        assertThat(info.text("artifact", "location")).isEqualTo("arn:aws:s3:::" + BUCKET + "/releases/release");
        assertThat(info.text("build-start-time")).matches("[A-Z][a-z]{2} \\d{1,2}, \\d{4} \\d{1,2}:\\d\\d:\\d\\d [AP]M");
        assertThat(info.get("build-complete").asBoolean()).isTrue();
        assertThat(info.text("source-version")).isEqualTo(commit);
        Json.Node variable = info.get("environment", "environment-variables").elements().get(0);
        assertThat(List.of(variable.text("name"), variable.text("value"), variable.text("type")))
                .containsExactly("RELEASE_ID", "r-1", "PLAINTEXT");
        assertThat(info.get("phases").elements()).last().satisfies(p -> assertThat(p.text("phase-type")).isEqualTo("COMPLETED"));
    }

    @Test
    void build_whenItFails_emitsFailedWithThePhaseContext() throws Exception {
        project(buildspec("  build:\n    commands:\n      - exit 2\n", ARTIFACT_README));

        run();

        Json.Node info = Json.parse(events.get(1)).get("detail", "additional-information");
        Json.Node buildPhase = info.get("phases").elements().stream()
                .filter(p -> p.text("phase-type").equals("BUILD")).findFirst().orElseThrow();
        assertThat(Json.parse(events.get(1)).text("detail", "build-status")).isEqualTo("FAILED");
        assertThat(buildPhase.text("phase-status")).isEqualTo("FAILED");
        assertThat(buildPhase.get("phase-context").elements().get(0).asText())
                .isEqualTo("COMMAND_EXECUTION_ERROR: Error while executing command: exit 2. Reason: exit status 2");
    }

    /** A clock tests can move forward, for the idempotency window. */
    static final class MutableClock extends Clock {
        private volatile Duration offset = Duration.ZERO;

        void advance(Duration by) {
            offset = offset.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }
    }
}

package dev.fleetpress.release;

import static dev.fleetpress.release.FakeReleaseBuilds.buildId;
import static dev.fleetpress.release.ReleaseWorld.commit;
import static dev.fleetpress.release.ReleaseWorld.release;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ReleasePipelineTest {
    private static final String A = commit("a");
    private static final String B = commit("b");

    private final ReleaseWorld world = new ReleaseWorld();

    @Test
    void request_whenCommitHasNoRelease_startsBuildWithItsInputs() {
        RequestOutcome outcome = world.push(A, "production");

        assertThat(outcome.kind()).isEqualTo(RequestOutcome.Kind.BUILD_STARTED);
        assertThat(outcome.buildId()).isEqualTo(buildId(1));
        ReleaseBuilds.BuildStart start = world.builds.started().get(0);
        assertThat(start.idempotencyToken()).isEqualTo(release(A) + "-attempt-1").hasSizeLessThanOrEqualTo(64);
        assertThat(start.environmentVariables()).isEqualTo(Map.of(
                "RELEASE_ID", release(A).value(), "TARGET_ENV", "production",
                "SOURCE_REPOSITORY", ReleaseWorld.REPOSITORY, "SOURCE_REF", "refs/heads/main", "SOURCE_COMMIT", A));
    }

    @Test
    void onBuildFinished_whenADuplicateArrivesWhileTheFirstIsWritingThePointer_leavesTheWriteToIt() {
        world.push(A, "production");
        world.pointers.failNextSet(new IllegalStateException("SSM unreachable"));
        assertThatThrownBy(() -> world.buildSucceeds(A, buildId(1))).hasMessageContaining("SSM unreachable");

        BuildOutcome duplicate = world.buildSucceeds(A, buildId(1));

        assertThat(duplicate.promotions()).extracting(PromotionResult::kind).containsExactly(PromotionResult.Kind.ALREADY_CURRENT);
        assertThat(world.pointers.current("production")).isEmpty();
    }

    @Test
    void onBuildFinished_whenThePointerWriterDiedLongAgo_aLaterEventRepairsThePointerOnce() {
        world.push(A, "production");
        world.pointers.failNextSet(new IllegalStateException("SSM unreachable"));
        assertThatThrownBy(() -> world.buildSucceeds(A, buildId(1))).hasMessageContaining("SSM unreachable");
        world.clock.advance(ReleasePipeline.WRITER_GRACE.plusSeconds(1));

        BuildOutcome retry = world.buildSucceeds(A, buildId(1));

        assertThat(retry.promotions()).extracting(PromotionResult::kind).containsExactly(PromotionResult.Kind.PROMOTED);
        assertThat(world.pointers.history("production")).extracting(v -> v.value()).containsExactly(release(A).value());
    }

    @Test
    void request_whenBuildIsUnderWay_answersPendingWithoutSecondBuild() {
        world.push(A, "production");

        RequestOutcome outcome = world.push(A, "staging");

        assertThat(outcome.kind()).isEqualTo(RequestOutcome.Kind.BUILD_PENDING);
        assertThat(outcome.buildId()).isEqualTo(buildId(1));
        assertThat(world.builds.started()).hasSize(1);
    }

    @Test
    void onBuildFinished_whenTwoEnvironmentsWait_promotesBothFromOneBuild() {
        world.push(A, "production");
        world.push(A, "staging");

        BuildOutcome outcome = world.buildSucceeds(A, buildId(1));

        assertThat(outcome.kind()).isEqualTo(BuildOutcome.Kind.RECORDED);
        assertThat(outcome.promotions()).extracting(PromotionResult::kind)
                .containsExactly(PromotionResult.Kind.PROMOTED, PromotionResult.Kind.PROMOTED);
        assertThat(world.pointers.current("production")).contains(release(A));
        assertThat(world.pointers.current("staging")).contains(release(A));
        assertThat(world.builds.started()).hasSize(1);
    }

    @Test
    void request_whenCommitHasRelease_promotesWithoutRebuild() {
        world.push(A, "staging");
        world.buildSucceeds(A, buildId(1));

        RequestOutcome outcome = world.push(A, "production");

        assertThat(outcome.kind()).isEqualTo(RequestOutcome.Kind.PROMOTED);
        assertThat(world.pointers.current("production")).contains(release(A));
        assertThat(world.builds.started()).hasSize(1);
    }

    @Test
    void request_whenEnvironmentAlreadyRunsRelease_answersNoChange() {
        world.push(A, "production");
        world.buildSucceeds(A, buildId(1));

        RequestOutcome outcome = world.push(A, "production");

        assertThat(outcome.kind()).isEqualTo(RequestOutcome.Kind.NO_CHANGE);
        assertThat(world.pointers.history("production")).hasSize(1);
    }

    @Test
    void onBuildFinished_whenSucceededArrivesTwice_recordsOnceAndPromotesOnce() {
        world.push(A, "production");
        world.buildSucceeds(A, buildId(1));
        String recorded = world.store.ledger().read(release(A) + "/release.json").orElseThrow();

        BuildOutcome duplicate = world.finish(A, BuildStatus.SUCCEEDED, buildId(1));

        assertThat(duplicate.kind()).isEqualTo(BuildOutcome.Kind.ALREADY_RECORDED);
        assertThat(duplicate.promotions()).extracting(PromotionResult::kind)
                .containsExactly(PromotionResult.Kind.ALREADY_CURRENT);
        assertThat(world.store.ledger().read(release(A) + "/release.json")).contains(recorded);
        assertThat(world.pointers.sets()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(value = BuildStatus.class, names = {"FAILED", "FAULT", "STOPPED", "TIMED_OUT"})
    void onBuildFinished_whenBuildDidNotSucceed_recordsReasonAndLeavesEnvironments(BuildStatus status) {
        world.push(B, "production");
        world.buildSucceeds(B, buildId(1));
        world.push(A, "production");

        BuildOutcome outcome = world.finish(A, status, buildId(2));

        assertThat(outcome.kind()).isEqualTo(BuildOutcome.Kind.FAILED);
        assertThat(world.store.ledger().read(release(A) + "/builds/00000000-0000-4000-8000-000000000002.json"))
                .hasValueSatisfying(json -> assertThat(json).contains(status.name(), "exit status 2"));
        assertThat(world.catalog.build(release(A))).hasValueSatisfying(a -> assertThat(a.state())
                .isEqualTo(BuildAttempt.State.FAILED));
        assertThat(world.pointers.current("production")).contains(release(B));
        assertThat(world.catalog.release(release(A))).isEmpty();
    }

    @Test
    void onBuildFinished_whenChecksumDiffers_recordsFailureAndPromotesNothing() {
        world.push(A, "production");
        world.buildUploads(A);
        world.store.overwriteArtifact(release(A), "release.tar.gz", "tampered".getBytes(StandardCharsets.UTF_8));

        BuildOutcome outcome = world.finish(A, BuildStatus.SUCCEEDED, buildId(1));

        assertThat(outcome.kind()).isEqualTo(BuildOutcome.Kind.FAILED);
        assertThat(outcome.message()).startsWith("CHECKSUM_MISMATCH");
        assertThat(world.catalog.release(release(A))).isEmpty();
        assertThat(world.pointers.environments()).isEmpty();
    }

    @Test
    void onBuildFinished_whenArtifactIsMissing_recordsFailure() {
        world.push(A, "production");
        world.buildUploads(A);
        world.store.deleteArtifact(release(A), "release.tar.gz");

        BuildOutcome outcome = world.finish(A, BuildStatus.SUCCEEDED, buildId(1));

        assertThat(outcome.message()).startsWith("MISSING_ARTIFACT");
        assertThat(world.pointers.environments()).isEmpty();
    }

    @Test
    void onBuildFinished_whenManifestIsMissing_recordsFailure() {
        world.push(A, "production");

        BuildOutcome outcome = world.finish(A, BuildStatus.SUCCEEDED, buildId(1));

        assertThat(outcome.message()).startsWith("MISSING_MANIFEST");
    }

    @Test
    void onBuildFinished_whenManifestIsForAnotherRelease_recordsFailure() {
        world.push(A, "production");
        byte[] tarball = ReleaseWorld.tarball(B);
        Manifest foreign = ReleaseWorld.manifest(B, tarball);
        world.store.ledger().put(release(A) + "/manifest.json", Json.write(foreign.toJson()));

        BuildOutcome outcome = world.finish(A, BuildStatus.SUCCEEDED, buildId(1));

        assertThat(outcome.message()).startsWith("FOREIGN_MANIFEST");
        assertThat(world.pointers.environments()).isEmpty();
    }

    @Test
    void onBuildFinished_whenOlderPushSucceedsAfterNewerPromotion_isSuperseded() {
        world.push(A, "production");
        world.push(B, "production");
        world.buildSucceeds(B, buildId(2));

        BuildOutcome late = world.buildSucceeds(A, buildId(1));

        assertThat(late.kind()).isEqualTo(BuildOutcome.Kind.RECORDED);
        assertThat(late.promotions()).extracting(PromotionResult::kind).containsExactly(PromotionResult.Kind.SUPERSEDED);
        assertThat(world.pointers.current("production")).contains(release(B));
    }

    @Test
    void request_whenSameReleaseIsPushedAgain_outranksPushesInBetween() {
        world.push(A, "production");
        world.buildSucceeds(A, buildId(1));
        world.push(B, "production");
        world.push(A, "production");

        BuildOutcome b = world.buildSucceeds(B, buildId(2));

        assertThat(b.promotions()).extracting(PromotionResult::kind).containsExactly(PromotionResult.Kind.SUPERSEDED);
        assertThat(world.pointers.current("production")).contains(release(A));
    }

    @Test
    void request_whenStartBuildFails_propagatesAndLetsNextPushRetry() {
        world.builds.failNextStart();

        assertThatThrownBy(() -> world.push(A, "production")).isInstanceOf(ReleaseBackendException.class);
        RequestOutcome retry = world.push(A, "production");

        assertThat(retry.kind()).isEqualTo(RequestOutcome.Kind.BUILD_STARTED);
        assertThat(world.builds.started()).extracting(ReleaseBuilds.BuildStart::idempotencyToken)
                .containsExactly(release(A) + "-attempt-2");
    }

    @Test
    void request_whenPreviousBuildFailed_startsNextAttempt() {
        world.push(A, "production");
        world.finish(A, BuildStatus.FAILED, buildId(1));

        RequestOutcome retry = world.push(A, "production");

        assertThat(retry.kind()).isEqualTo(RequestOutcome.Kind.BUILD_STARTED);
        assertThat(world.builds.started()).extracting(ReleaseBuilds.BuildStart::attempt).containsExactly(1, 2);
    }

    @Test
    void request_whenRequesterDiedBeforeStartBuild_retriesAfterFiveMinutes() {
        world.store.ledger().createIfAbsent(release(A) + "/build.json",
                BuildAttempt.requested(1, world.clock.instant()).toJson());
        assertThat(world.push(A, "production").kind()).isEqualTo(RequestOutcome.Kind.BUILD_PENDING);
        world.clock.advance(Duration.ofMinutes(6));

        RequestOutcome retry = world.push(A, "production");

        assertThat(retry.kind()).isEqualTo(RequestOutcome.Kind.BUILD_STARTED);
    }

    @Test
    void onBuildFinished_whenOldAttemptFailsLate_keepsNewAttemptRunning() {
        world.push(A, "production");
        world.finish(A, BuildStatus.FAILED, buildId(1));
        world.push(A, "production");

        world.finish(A, BuildStatus.FAILED, buildId(1));

        assertThat(world.catalog.build(release(A))).hasValueSatisfying(a -> {
            assertThat(a.state()).isEqualTo(BuildAttempt.State.STARTED);
            assertThat(a.buildId()).isEqualTo(buildId(2));
        });
    }

    @Test
    void promote_whenOperatorRollsBack_winsOverEarlierPendingPush() {
        world.push(A, "production");
        world.buildSucceeds(A, buildId(1));
        world.push(B, "production");
        world.pipeline.promote("production", release(A), "alice");

        BuildOutcome b = world.buildSucceeds(B, buildId(2));

        assertThat(b.promotions()).extracting(PromotionResult::kind).containsExactly(PromotionResult.Kind.SUPERSEDED);
        assertThat(world.pointers.current("production")).contains(release(A));
    }

    @Test
    void promote_whenReleaseIsNotRecorded_refuses() {
        assertThatThrownBy(() -> world.pipeline.promote("production", release(A), "alice"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not recorded");
    }

    @Test
    void promote_whenTheGuardRefuses_leavesHeadAndPointerAlone() {
        List<String> asked = new ArrayList<>();
        PromotionGuard guard = (environment, target, force) -> {
            asked.add(environment + " " + target.releaseId() + " force=" + force);
            return target.releaseId().equals(release(A)) && !force ? Optional.of("database is newer") : Optional.empty();
        };
        ReleasePipeline guarded = ReleasePipeline.of(world.store, world.builds, world.pointers, guard, world.clock);
        world.push(A, "staging");
        world.buildSucceeds(A, buildId(1));
        world.push(B, "production");
        world.buildSucceeds(B, buildId(2));

        PromotionResult refused = guarded.promote("production", release(A), "alice");
        PromotionResult forced = guarded.promote("production", release(A), "alice", true);
        PromotionResult repeat = guarded.promote("production", release(A), "alice");

        assertThat(refused.kind()).isEqualTo(PromotionResult.Kind.REFUSED);
        assertThat(refused.message()).isEqualTo("database is newer");
        assertThat(forced.kind()).isEqualTo(PromotionResult.Kind.PROMOTED);
        // Staying on the current release needs no consent, so the guard is not asked again.
        assertThat(repeat.kind()).isEqualTo(PromotionResult.Kind.ALREADY_CURRENT);
        assertThat(asked).containsExactly("production " + release(A) + " force=false", "production " + release(A) + " force=true");
        assertThat(world.pointers.current("production")).contains(release(A));
    }

    @Test
    void request_whenThePushIsRefusedByTheGuard_answersNoChange() {
        ReleasePipeline guarded = ReleasePipeline.of(world.store, world.builds, world.pointers,
                (environment, target, force) -> Optional.of("blocked"), world.clock);
        world.push(A, "staging");
        world.buildSucceeds(A, buildId(1));

        BuildRequest push = new BuildRequest(release(A), ReleaseWorld.REPOSITORY, A, "refs/heads/main", "production",
                "delivery-2", world.clock.instant());
        RequestOutcome outcome = guarded.request(push);

        assertThat(outcome.kind()).isEqualTo(RequestOutcome.Kind.NO_CHANGE);
        assertThat(outcome.message()).isEqualTo("blocked");
        assertThat(world.pointers.current("production")).isEmpty();
    }
}

package dev.fleetpress.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ReleasePipeline#acceptCaptured} over the in-memory release store, as the EFS exit plan calls
 * it: the capture lies under {@code captures/<capture-id>/} (where instances may write), and only a
 * verified one is copied into {@code releases/<id>/}, never over what is there.
 */
class ReleasePipelineCaptureTest {
    private static final ReleaseId ID = ReleaseId.of("r-0a1b2c3d4e5f");
    private static final String CAPTURE = "c-2026-11-27-production";
    private static final byte[] TARBALL = "captured webroot".getBytes(StandardCharsets.UTF_8);
    private static final String BY = "efs-evacuation c-2026-11-27-production";

    private final ReleaseWorld world = new ReleaseWorld();

    /** The manifest as capture-release.sh writes it, for {@code tarball}. */
    private static String manifest(ReleaseId id, byte[] tarball) {
        return manifest(id, tarball, "i-0123456789abcdef0");
    }

    private static String manifest(ReleaseId id, byte[] tarball, String instance) {
        return """
                {"formatVersion":1,"releaseId":"%s","kind":"captured","capturedAt":"2026-11-27T20:15:00Z",\
                "capturedFrom":"%s","environment":"production",
                 "wordpress":{"version":"6.8.3","dbVersion":60421},
                 "plugins":[{"slug":"akismet","name":"Akismet Anti-spam","version":"5.3"}],
                 "themes":[],
                 "fileCount":7,
                 "artifact":{"key":"release.tar.gz","sha256":"%s","bytes":%d}}
                """.formatted(id, instance, sha256(tarball), tarball.length);
    }

    /** What the capture uploads under captures/<capture>/: the tarball, then the manifest. */
    private void captureUploads(String capture, String manifest, byte[] tarball) {
        world.store.putCaptured(capture, "release.tar.gz", tarball);
        world.store.putCaptured(capture, "manifest.json", manifest.getBytes(StandardCharsets.UTF_8));
    }

    private void captureUploads(String manifest, byte[] tarball) {
        captureUploads(CAPTURE, manifest, tarball);
    }

    /** releases/<id>/ as an earlier accepted capture left it (copied, maybe not recorded). */
    private void released(String manifest, byte[] tarball) {
        world.store.overwriteArtifact(ID, "release.tar.gz", tarball);
        world.store.ledger().put(ID + "/manifest.json", manifest);
    }

    private String releasedManifest() {
        return world.store.ledger().snapshot().get(ID + "/manifest.json");
    }

    // ---------------------------------------------------------------- accepted

    @Test
    void acceptCaptured_whenManifestAndArtifactMatch_recordsTheRelease() {
        captureUploads(manifest(ID, TARBALL), TARBALL);

        CaptureOutcome outcome = world.pipeline.acceptCaptured(CAPTURE, ID, BY);

        assertThat(outcome.kind()).isEqualTo(CaptureOutcome.Kind.RECORDED);
        assertThat(outcome.accepted()).isTrue();
        assertThat(outcome.failure()).isNull();
        assertThat(outcome.message()).contains("r-0a1b2c3d4e5f", "i-0123456789abcdef0", "7 files", CAPTURE);
        ReleaseRecord record = world.catalog.release(ID).orElseThrow();
        assertThat(record.manifest().isCaptured()).isTrue();
        assertThat(record.manifest().capturedFrom()).isEqualTo("i-0123456789abcdef0");
        assertThat(record.buildId()).isEqualTo(BY);
        assertThat(record.recordedAt()).isEqualTo(world.clock.instant());
    }

    @Test
    void acceptCaptured_whenVerified_copiesTheTarballAndTheManifestIntoTheRelease() {
        captureUploads(manifest(ID, TARBALL), TARBALL);

        world.pipeline.acceptCaptured(CAPTURE, ID, BY);

        assertThat(world.store.artifact(ID, "release.tar.gz")).isEqualTo(TARBALL);
        assertThat(releasedManifest()).isEqualTo(manifest(ID, TARBALL));
        assertThat(world.store.copies()).isEqualTo(2);
    }

    @Test
    void acceptCaptured_whenRecorded_promotesNothing() {
        captureUploads(manifest(ID, TARBALL), TARBALL);

        world.pipeline.acceptCaptured(CAPTURE, ID, BY);

        assertThat(world.pointers.current("production")).isEmpty();
        assertThat(world.store.ledger().snapshot()).doesNotContainKey("environments/production.json");
    }

    @Test
    void acceptCaptured_whenCalledAgain_answersAlreadyRecordedAndKeepsTheFirstRecord() {
        captureUploads(manifest(ID, TARBALL), TARBALL);
        world.pipeline.acceptCaptured(CAPTURE, ID, BY);
        String first = world.store.ledger().snapshot().get(ID + "/release.json");
        world.clock.advance(Duration.ofMinutes(5));

        CaptureOutcome again = world.pipeline.acceptCaptured(CAPTURE, ID, "someone else");

        assertThat(again.kind()).isEqualTo(CaptureOutcome.Kind.ALREADY_RECORDED);
        assertThat(again.accepted()).isTrue();
        assertThat(again.message()).contains("already recorded by " + BY);
        assertThat(world.store.ledger().snapshot().get(ID + "/release.json")).isEqualTo(first);
        assertThat(world.store.copies()).isEqualTo(2);
    }

    @Test
    void acceptCaptured_whenRecordedAfterTheArtifactWasDamaged_doesNotReadItAgain() {
        captureUploads(manifest(ID, TARBALL), TARBALL);
        world.pipeline.acceptCaptured(CAPTURE, ID, BY);
        world.store.deleteArtifact(ID, "release.tar.gz");
        world.store.deleteCaptured(CAPTURE, "release.tar.gz");

        assertThat(world.pipeline.acceptCaptured(CAPTURE, ID, BY).kind()).isEqualTo(CaptureOutcome.Kind.ALREADY_RECORDED);
    }

    @Test
    void acceptCaptured_whenTheReleaseAlreadyHoldsTheSameTarball_recordsTheReleaseAsItIs() {
        // An earlier capture of the same webroot (on another instance) was copied but never recorded.
        String earlier = manifest(ID, TARBALL, "i-0fedcba9876543210");
        released(earlier, TARBALL);
        captureUploads(manifest(ID, TARBALL), TARBALL);

        CaptureOutcome outcome = world.pipeline.acceptCaptured(CAPTURE, ID, BY);

        assertThat(outcome.kind()).as(outcome.message()).isEqualTo(CaptureOutcome.Kind.RECORDED);
        assertThat(world.store.copies()).isZero();
        assertThat(releasedManifest()).isEqualTo(earlier);
        assertThat(world.catalog.release(ID).orElseThrow().manifest().capturedFrom()).isEqualTo("i-0fedcba9876543210");
    }

    @Test
    void acceptCaptured_whenTheReleaseHoldsTheTarballButNoManifest_copiesTheManifest() {
        // An earlier call stopped between its two copies.
        world.store.overwriteArtifact(ID, "release.tar.gz", TARBALL);
        captureUploads(manifest(ID, TARBALL), TARBALL);

        CaptureOutcome outcome = world.pipeline.acceptCaptured(CAPTURE, ID, BY);

        assertThat(outcome.kind()).as(outcome.message()).isEqualTo(CaptureOutcome.Kind.RECORDED);
        assertThat(releasedManifest()).isEqualTo(manifest(ID, TARBALL));
        assertThat(world.store.copies()).isEqualTo(1);
    }

    @Test
    void acceptCaptured_whenTheCaptureFoundItsReleaseAlreadyThere_verifiesThatReleaseAndRecordsIt() {
        // The capture saw releases/<id>/manifest.json and uploaded only its record ("alreadyReleased": true).
        released(manifest(ID, TARBALL, "i-0fedcba9876543210"), TARBALL);

        CaptureOutcome outcome = world.pipeline.acceptCaptured(CAPTURE, ID, BY);

        assertThat(outcome.kind()).as(outcome.message()).isEqualTo(CaptureOutcome.Kind.RECORDED);
        assertThat(world.store.copies()).isZero();
        assertThat(world.catalog.release(ID).orElseThrow().buildId()).isEqualTo(BY);
    }

    @Test
    void acceptCaptured_whenTheCaptureFoundItsReleaseAlreadyRecorded_answersAlreadyRecorded() {
        captureUploads(manifest(ID, TARBALL), TARBALL);
        world.pipeline.acceptCaptured(CAPTURE, ID, BY);

        CaptureOutcome outcome = world.pipeline.acceptCaptured("c-2026-11-28-production", ID, "efs-evacuation again");

        assertThat(outcome.kind()).isEqualTo(CaptureOutcome.Kind.ALREADY_RECORDED);
        assertThat(world.catalog.release(ID).orElseThrow().buildId()).isEqualTo(BY);
    }

    @Test
    void acceptCaptured_whenTheRecordIsCreatedConcurrently_answersAlreadyRecorded() {
        captureUploads(manifest(ID, TARBALL), TARBALL);
        // Another caller's record lands between this call's read and its create-if-absent.
        ReleaseRecord other = new ReleaseRecord(Manifest.parse(manifest(ID, TARBALL)), "the other caller",
                Instant.parse("2026-11-27T15:00:00Z"));
        ReleaseStore racing = new DelegatingReleaseStore(world.store) {
            private boolean raced;

            @Override
            public Optional<ArtifactDigest> capturedDigest(String captureId, String fileName) {
                if (!raced) {
                    raced = true;
                    world.store.ledger().put(ID + "/release.json", other.toJson());
                }
                return super.capturedDigest(captureId, fileName);
            }
        };
        ReleasePipeline pipeline = ReleasePipeline.of(racing, world.builds, world.pointers, world.clock);

        CaptureOutcome outcome = pipeline.acceptCaptured(CAPTURE, ID, BY);

        assertThat(outcome.kind()).isEqualTo(CaptureOutcome.Kind.ALREADY_RECORDED);
        assertThat(world.catalog.release(ID).orElseThrow().buildId()).isEqualTo("the other caller");
    }

    @Test
    void acceptCaptured_whenCalledConcurrently_copiesAndRecordsOnce() throws Exception {
        captureUploads(manifest(ID, TARBALL), TARBALL);
        captureUploads("c-2026-11-27-second", manifest(ID, TARBALL, "i-0fedcba9876543210"), TARBALL);
        int callers = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        List<Future<CaptureOutcome>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < callers; i++) {
                String capture = i % 2 == 0 ? CAPTURE : "c-2026-11-27-second";
                futures.add(pool.submit(() -> {
                    start.await();
                    return world.pipeline.acceptCaptured(capture, ID, BY);
                }));
            }
            start.countDown();
            List<CaptureOutcome.Kind> kinds = new ArrayList<>();
            for (Future<CaptureOutcome> future : futures) {
                kinds.add(future.get(10, TimeUnit.SECONDS).kind());
            }

            assertThat(kinds).containsOnlyOnce(CaptureOutcome.Kind.RECORDED)
                    .doesNotContain(CaptureOutcome.Kind.FAILED).hasSize(callers);
        } finally {
            pool.shutdownNow();
        }
        assertThat(world.store.copies()).isEqualTo(2);
        assertThat(world.store.artifact(ID, "release.tar.gz")).isEqualTo(TARBALL);
        assertThat(Manifest.parse(releasedManifest()).artifact().sha256()).isEqualTo(sha256(TARBALL));
        assertThat(world.catalog.release(ID)).isPresent();
    }

    @Test
    void acceptCaptured_whenAFailedCaptureIsRedoneCorrectly_recordsIt() {
        captureUploads(manifest(ID, TARBALL), "half an upload".getBytes(StandardCharsets.UTF_8));
        assertThat(world.pipeline.acceptCaptured(CAPTURE, ID, BY).kind()).isEqualTo(CaptureOutcome.Kind.FAILED);
        captureUploads("c-2026-11-27-again", manifest(ID, TARBALL), TARBALL);

        assertThat(world.pipeline.acceptCaptured("c-2026-11-27-again", ID, BY).kind()).isEqualTo(CaptureOutcome.Kind.RECORDED);
    }

    @Test
    void acceptCaptured_whenRecorded_canBePromotedByTheCaller() {
        captureUploads(manifest(ID, TARBALL), TARBALL);
        world.pipeline.acceptCaptured(CAPTURE, ID, BY);

        PromotionResult promotion = world.pipeline.promote("production", ID, "efs-evacuation");

        assertThat(promotion.kind()).isEqualTo(PromotionResult.Kind.PROMOTED);
        assertThat(world.pointers.current("production")).contains(ID);
    }

    // ---------------------------------------------------------------- a release is never overwritten

    @Test
    void acceptCaptured_whenTheReleaseHoldsAnotherTarball_refusesAndChangesNothing() {
        byte[] theirs = "the fleet's webroot".getBytes(StandardCharsets.UTF_8);
        world.store.overwriteArtifact(ID, "release.tar.gz", theirs);
        captureUploads(manifest(ID, TARBALL), TARBALL);

        CaptureOutcome outcome = world.pipeline.acceptCaptured(CAPTURE, ID, BY);

        assertFailed(outcome, "CONFLICTING_RELEASE", "releases/r-0a1b2c3d4e5f/release.tar.gz already exists with sha256 "
                + sha256(theirs), "never overwritten");
        assertThat(world.store.artifact(ID, "release.tar.gz")).isEqualTo(theirs);
        assertThat(releasedManifest()).isNull();
    }

    @Test
    void acceptCaptured_whenTheReleaseHoldsAnotherManifest_refusesAndChangesNothing() {
        byte[] theirs = "the fleet's webroot".getBytes(StandardCharsets.UTF_8);
        // The tarball is the capture's, the manifest describes another one.
        released(manifest(ID, theirs), TARBALL);
        captureUploads(manifest(ID, TARBALL), TARBALL);

        CaptureOutcome outcome = world.pipeline.acceptCaptured(CAPTURE, ID, BY);

        assertFailed(outcome, "CONFLICTING_RELEASE", "releases/r-0a1b2c3d4e5f/manifest.json already exists", sha256(theirs));
        assertThat(releasedManifest()).isEqualTo(manifest(ID, theirs));
    }

    @Test
    void acceptCaptured_whenTheIdBelongsToABuiltRelease_refusesAndLeavesItAlone() {
        String commit = ReleaseWorld.commit("a");
        ReleaseId built = ReleaseWorld.release(commit);
        world.buildUploads(commit);
        String before = world.store.ledger().snapshot().get(built + "/manifest.json");
        byte[] tarball = ReleaseWorld.tarball(commit);
        captureUploads(manifest(built, tarball), tarball);

        CaptureOutcome outcome = world.pipeline.acceptCaptured(CAPTURE, built, BY);

        assertThat(outcome.kind()).isEqualTo(CaptureOutcome.Kind.FAILED);
        assertThat(outcome.failure()).isEqualTo("CONFLICTING_RELEASE");
        assertThat(outcome.message()).contains("already exists for built release");
        assertThat(world.store.ledger().snapshot().get(built + "/manifest.json")).isEqualTo(before);
        assertThat(world.catalog.release(built)).isEmpty();
    }

    @Test
    void acceptCaptured_whenRecordedWithAnotherTarball_refuses() {
        captureUploads(manifest(ID, TARBALL), TARBALL);
        world.pipeline.acceptCaptured(CAPTURE, ID, BY);
        byte[] other = "a tampered webroot".getBytes(StandardCharsets.UTF_8);
        captureUploads("c-2026-11-28-tampered", manifest(ID, other), other);

        CaptureOutcome outcome = world.pipeline.acceptCaptured("c-2026-11-28-tampered", ID, BY);

        assertThat(outcome.kind()).isEqualTo(CaptureOutcome.Kind.FAILED);
        assertThat(outcome.failure()).isEqualTo("CONFLICTING_RELEASE");
        assertThat(outcome.message()).contains("is recorded with sha256 " + sha256(TARBALL), sha256(other));
        assertThat(world.store.artifact(ID, "release.tar.gz")).isEqualTo(TARBALL);
    }

    // ---------------------------------------------------------------- refused captures

    @Test
    void acceptCaptured_whenNothingWasUploadedAndNothingIsReleased_failsAsMissingManifest() {
        CaptureOutcome outcome = world.pipeline.acceptCaptured(CAPTURE, ID, BY);

        assertFailed(outcome, "MISSING_MANIFEST", "captures/c-2026-11-27-production/manifest.json does not exist",
                "releases/r-0a1b2c3d4e5f/manifest.json");
    }

    @Test
    void acceptCaptured_whenOnlyTheTarballWasUploaded_failsAsMissingManifestAndCopiesNothing() {
        world.store.putCaptured(CAPTURE, "release.tar.gz", TARBALL);

        assertFailed(world.pipeline.acceptCaptured(CAPTURE, ID, BY), "MISSING_MANIFEST", "captures/" + CAPTURE);
        assertThat(world.store.hasArtifact(ID, "release.tar.gz")).isFalse();
    }

    @Test
    void acceptCaptured_whenManifestIsNotJson_failsAsInvalid() {
        captureUploads("{\"formatVersion\":1,", TARBALL);

        assertFailed(world.pipeline.acceptCaptured(CAPTURE, ID, BY), "INVALID_MANIFEST",
                "captures/c-2026-11-27-production/manifest.json is invalid");
    }

    @Test
    void acceptCaptured_whenTheStoreFindsTheManifestOversized_failsAsInvalid() {
        ReleaseStore oversized = new DelegatingReleaseStore(world.store) {
            @Override
            public Optional<String> capturedManifest(String captureId) {
                throw new Manifest.ManifestException("it is over 1048576 bytes, which no capture's manifest is: capture again");
            }
        };

        CaptureOutcome outcome = ReleasePipeline.of(oversized, world.builds, world.pointers, world.clock)
                .acceptCaptured(CAPTURE, ID, BY);

        assertFailed(outcome, "INVALID_MANIFEST", "captures/c-2026-11-27-production/manifest.json is invalid: it is over");
    }

    @Test
    void acceptCaptured_whenManifestLacksAField_failsNamingIt() {
        captureUploads(manifest(ID, TARBALL).replace("\"capturedFrom\":\"i-0123456789abcdef0\",", ""), TARBALL);

        assertFailed(world.pipeline.acceptCaptured(CAPTURE, ID, BY), "INVALID_MANIFEST", "capturedFrom");
    }

    @Test
    void acceptCaptured_whenManifestIsForAnotherRelease_fails() {
        captureUploads(manifest(ReleaseId.of("r-ffffffffffff"), TARBALL), TARBALL);

        assertFailed(world.pipeline.acceptCaptured(CAPTURE, ID, BY), "FOREIGN_MANIFEST", "is for release r-ffffffffffff");
        assertThat(world.store.copies()).isZero();
    }

    @Test
    void acceptCaptured_whenTheCapturedManifestSaysBuilt_refusesToRecordIt() {
        captureUploads(manifest(ID, TARBALL).replace("\"kind\":\"captured\"", "\"kind\":\"built\""), TARBALL);

        CaptureOutcome outcome = world.pipeline.acceptCaptured(CAPTURE, ID, BY);

        assertThat(outcome.failure()).isIn("NOT_CAPTURED", "INVALID_MANIFEST");
        assertThat(world.catalog.release(ID)).isEmpty();
        assertThat(world.store.copies()).isZero();
    }

    @Test
    void acceptCaptured_whenTheReleaseInPlaceWasBuilt_refusesToRecordItAsCaptured() {
        String commit = ReleaseWorld.commit("a");
        ReleaseId built = ReleaseWorld.release(commit);
        world.buildUploads(commit);

        CaptureOutcome outcome = world.pipeline.acceptCaptured(CAPTURE, built, BY);

        assertThat(outcome.kind()).isEqualTo(CaptureOutcome.Kind.FAILED);
        assertThat(outcome.failure()).isEqualTo("NOT_CAPTURED");
        assertThat(outcome.message()).contains("of kind 'built'");
        assertThat(world.catalog.release(built)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"release.json", "build.json", "manifest.json", "other.tar.gz"})
    void acceptCaptured_whenTheManifestNamesAnotherArtifact_refusesAndCopiesNothing(String key) {
        world.store.putCaptured(CAPTURE, key, TARBALL);
        captureUploads(manifest(ID, TARBALL).replace("\"key\":\"release.tar.gz\"", "\"key\":\"" + key + "\""), TARBALL);

        assertFailed(world.pipeline.acceptCaptured(CAPTURE, ID, BY), "INVALID_MANIFEST", "names the artifact '" + key + "'");
        assertThat(world.store.copies()).isZero();
        assertThat(world.store.ledger().snapshot()).containsOnlyKeys();
    }

    @Test
    void acceptCaptured_whenArtifactIsMissing_fails() {
        world.store.putCaptured(CAPTURE, "manifest.json", manifest(ID, TARBALL).getBytes(StandardCharsets.UTF_8));

        assertFailed(world.pipeline.acceptCaptured(CAPTURE, ID, BY), "MISSING_ARTIFACT",
                "captures/c-2026-11-27-production/release.tar.gz does not exist");
    }

    @Test
    void acceptCaptured_whenTheCapturedTarballWasTamperedWith_failsWithBothChecksumsAndCopiesNothing() {
        byte[] other = "another webroot!".getBytes(StandardCharsets.UTF_8);
        captureUploads(manifest(ID, TARBALL), other);

        CaptureOutcome outcome = world.pipeline.acceptCaptured(CAPTURE, ID, BY);

        assertFailed(outcome, "CHECKSUM_MISMATCH", sha256(other), sha256(TARBALL), "capture again");
        assertThat(world.store.hasArtifact(ID, "release.tar.gz")).isFalse();
        assertThat(releasedManifest()).isNull();
    }

    @Test
    void acceptCaptured_whenArtifactHasTheChecksumButNotTheSize_fails() {
        captureUploads(manifest(ID, TARBALL).replace("\"bytes\":" + TARBALL.length, "\"bytes\":" + (TARBALL.length + 1)),
                TARBALL);

        assertFailed(world.pipeline.acceptCaptured(CAPTURE, ID, BY), "CHECKSUM_MISMATCH", (TARBALL.length + 1) + " bytes");
    }

    @Test
    void acceptCaptured_whenTheReleaseInPlaceIsDamaged_failsAsChecksumMismatch() {
        released(manifest(ID, TARBALL), "damaged".getBytes(StandardCharsets.UTF_8));

        assertFailed(world.pipeline.acceptCaptured(CAPTURE, ID, BY), "CHECKSUM_MISMATCH",
                "releases/r-0a1b2c3d4e5f/release.tar.gz has sha256");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "line\nbreak"})
    void acceptCaptured_whenCapturedByIsBlankOrHasControlCharacters_throws(String by) {
        captureUploads(manifest(ID, TARBALL), TARBALL);

        assertThatThrownBy(() -> world.pipeline.acceptCaptured(CAPTURE, ID, by)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capturedBy");
        assertThat(world.catalog.release(ID)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "c-../x", "c-abc", "r-0a1b2c3d4e5f", "c-UPPER-case", "c-2026/11"})
    void acceptCaptured_whenTheCaptureIdIsNotOne_throws(String capture) {
        assertThatThrownBy(() -> world.pipeline.acceptCaptured(capture, ID, BY)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capture id");
    }

    @Test
    void acceptCaptured_whenTheStoreFails_propagatesSoTheCallerRetries() {
        ReleaseStore failing = new DelegatingReleaseStore(world.store) {
            @Override
            public Optional<ArtifactDigest> capturedDigest(String captureId, String fileName) {
                throw new ReleaseBackendException("S3 answered 503 SlowDown", null);
            }
        };
        captureUploads(manifest(ID, TARBALL), TARBALL);

        assertThatThrownBy(() -> ReleasePipeline.of(failing, world.builds, world.pointers, world.clock)
                .acceptCaptured(CAPTURE, ID, BY)).hasMessageContaining("SlowDown");
        assertThat(world.catalog.release(ID)).isEmpty();
    }

    private void assertFailed(CaptureOutcome outcome, String failure, String... messageParts) {
        assertThat(outcome.kind()).isEqualTo(CaptureOutcome.Kind.FAILED);
        assertThat(outcome.accepted()).isFalse();
        assertThat(outcome.failure()).isEqualTo(failure);
        assertThat(outcome.message()).startsWith(failure + ": ").contains(messageParts);
        assertThat(world.catalog.release(outcome.releaseId())).isEmpty();
        assertThat(world.pointers.current("production")).isEmpty();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

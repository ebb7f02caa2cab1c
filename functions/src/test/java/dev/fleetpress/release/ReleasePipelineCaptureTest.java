package dev.fleetpress.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ReleasePipeline#acceptCaptured} over the in-memory release store, as the EFS exit plan calls it. */
class ReleasePipelineCaptureTest {
    private static final ReleaseId ID = ReleaseId.of("r-0a1b2c3d4e5f");
    private static final byte[] TARBALL = "captured webroot".getBytes(StandardCharsets.UTF_8);
    private static final String BY = "efs-evacuation c-2026-11-27-production";

    private final ReleaseWorld world = new ReleaseWorld();

    /** The manifest as capture-release.sh writes it, for {@code tarball}. */
    private static String manifest(ReleaseId id, byte[] tarball) {
        return """
                {"formatVersion":1,"releaseId":"%s","kind":"captured","capturedAt":"2026-11-27T20:15:00Z",\
                "capturedFrom":"i-0123456789abcdef0","environment":"production",
                 "wordpress":{"version":"6.8.3","dbVersion":60421},
                 "plugins":[{"slug":"akismet","name":"Akismet Anti-spam","version":"5.3"}],
                 "themes":[],
                 "fileCount":7,
                 "artifact":{"key":"release.tar.gz","sha256":"%s","bytes":%d}}
                """.formatted(id, sha256(tarball), tarball.length);
    }

    /** What the capture uploads: the tarball, then the manifest. */
    private void captureUploads(ReleaseId id, String manifest, byte[] tarball) {
        world.store.overwriteArtifact(id, "release.tar.gz", tarball);
        world.store.ledger().put(id + "/manifest.json", manifest);
    }

    @Test
    void acceptCaptured_whenManifestAndArtifactMatch_recordsTheRelease() {
        captureUploads(ID, manifest(ID, TARBALL), TARBALL);

        CaptureOutcome outcome = world.pipeline.acceptCaptured(ID, BY);

        assertThat(outcome.kind()).isEqualTo(CaptureOutcome.Kind.RECORDED);
        assertThat(outcome.accepted()).isTrue();
        assertThat(outcome.failure()).isNull();
        assertThat(outcome.message()).contains("r-0a1b2c3d4e5f", "i-0123456789abcdef0", "7 files");
        ReleaseRecord record = world.catalog.release(ID).orElseThrow();
        assertThat(record.manifest().isCaptured()).isTrue();
        assertThat(record.manifest().capturedFrom()).isEqualTo("i-0123456789abcdef0");
        assertThat(record.buildId()).isEqualTo(BY);
        assertThat(record.recordedAt()).isEqualTo(world.clock.instant());
    }

    @Test
    void acceptCaptured_whenRecorded_promotesNothing() {
        captureUploads(ID, manifest(ID, TARBALL), TARBALL);

        world.pipeline.acceptCaptured(ID, BY);

        assertThat(world.pointers.current("production")).isEmpty();
        assertThat(world.store.ledger().snapshot()).doesNotContainKey("environments/production.json");
    }

    @Test
    void acceptCaptured_whenCalledAgain_answersAlreadyRecordedAndKeepsTheFirstRecord() {
        captureUploads(ID, manifest(ID, TARBALL), TARBALL);
        world.pipeline.acceptCaptured(ID, BY);
        String first = world.store.ledger().snapshot().get(ID + "/release.json");
        world.clock.advance(Duration.ofMinutes(5));

        CaptureOutcome again = world.pipeline.acceptCaptured(ID, "someone else");

        assertThat(again.kind()).isEqualTo(CaptureOutcome.Kind.ALREADY_RECORDED);
        assertThat(again.accepted()).isTrue();
        assertThat(again.message()).contains("already recorded by " + BY);
        assertThat(world.store.ledger().snapshot().get(ID + "/release.json")).isEqualTo(first);
    }

    @Test
    void acceptCaptured_whenRecordedAfterTheArtifactWasDamaged_doesNotReadItAgain() {
        captureUploads(ID, manifest(ID, TARBALL), TARBALL);
        world.pipeline.acceptCaptured(ID, BY);
        world.store.deleteArtifact(ID, "release.tar.gz");

        assertThat(world.pipeline.acceptCaptured(ID, BY).kind()).isEqualTo(CaptureOutcome.Kind.ALREADY_RECORDED);
    }

    @Test
    void acceptCaptured_whenTheRecordIsCreatedConcurrently_answersAlreadyRecorded() {
        captureUploads(ID, manifest(ID, TARBALL), TARBALL);
        // Another caller's record lands between this call's read and its create-if-absent.
        ReleaseRecord other = new ReleaseRecord(Manifest.parse(manifest(ID, TARBALL)), "the other caller",
                Instant.parse("2026-11-27T15:00:00Z"));
        ReleaseStore racing = new ReleaseStore() {
            private boolean raced;

            @Override
            public dev.fleetpress.ledger.VersionedLedger records() {
                return world.store.records();
            }

            @Override
            public java.util.Optional<ArtifactDigest> digest(ReleaseId releaseId, String fileName) {
                if (!raced) {
                    raced = true;
                    world.store.ledger().put(ID + "/release.json", other.toJson());
                }
                return world.store.digest(releaseId, fileName);
            }
        };
        ReleasePipeline pipeline = ReleasePipeline.of(racing, world.builds, world.pointers, world.clock);

        CaptureOutcome outcome = pipeline.acceptCaptured(ID, BY);

        assertThat(outcome.kind()).isEqualTo(CaptureOutcome.Kind.ALREADY_RECORDED);
        assertThat(world.catalog.release(ID).orElseThrow().buildId()).isEqualTo("the other caller");
    }

    @Test
    void acceptCaptured_whenManifestIsMissing_failsAndRecordsNothing() {
        world.store.overwriteArtifact(ID, "release.tar.gz", TARBALL);

        CaptureOutcome outcome = world.pipeline.acceptCaptured(ID, BY);

        assertFailed(outcome, "MISSING_MANIFEST", "releases/r-0a1b2c3d4e5f/manifest.json does not exist");
    }

    @Test
    void acceptCaptured_whenManifestIsNotJson_failsAsInvalid() {
        captureUploads(ID, "{\"formatVersion\":1,", TARBALL);

        assertFailed(world.pipeline.acceptCaptured(ID, BY), "INVALID_MANIFEST", "manifest.json is invalid");
    }

    @Test
    void acceptCaptured_whenManifestLacksAField_failsNamingIt() {
        captureUploads(ID, manifest(ID, TARBALL).replace("\"capturedFrom\":\"i-0123456789abcdef0\",", ""), TARBALL);

        assertFailed(world.pipeline.acceptCaptured(ID, BY), "INVALID_MANIFEST", "capturedFrom");
    }

    @Test
    void acceptCaptured_whenManifestIsForAnotherRelease_fails() {
        ReleaseId other = ReleaseId.of("r-ffffffffffff");
        captureUploads(ID, manifest(other, TARBALL), TARBALL);

        assertFailed(world.pipeline.acceptCaptured(ID, BY), "FOREIGN_MANIFEST", "is for release r-ffffffffffff");
    }

    @Test
    void acceptCaptured_whenTheReleaseWasBuilt_refusesToRecordItAsCaptured() {
        String commit = ReleaseWorld.commit("a");
        ReleaseId built = ReleaseWorld.release(commit);
        world.buildUploads(commit);

        CaptureOutcome outcome = world.pipeline.acceptCaptured(built, BY);

        assertThat(outcome.kind()).isEqualTo(CaptureOutcome.Kind.FAILED);
        assertThat(outcome.failure()).isEqualTo("NOT_CAPTURED");
        assertThat(outcome.message()).contains("of kind 'built'");
        assertThat(world.catalog.release(built)).isEmpty();
    }

    @Test
    void acceptCaptured_whenArtifactIsMissing_fails() {
        world.store.ledger().put(ID + "/manifest.json", manifest(ID, TARBALL));

        assertFailed(world.pipeline.acceptCaptured(ID, BY), "MISSING_ARTIFACT", "release.tar.gz does not exist");
    }

    @Test
    void acceptCaptured_whenArtifactDiffersFromTheManifest_failsWithBothChecksums() {
        byte[] other = "another webroot!".getBytes(StandardCharsets.UTF_8);
        captureUploads(ID, manifest(ID, TARBALL), other);

        CaptureOutcome outcome = world.pipeline.acceptCaptured(ID, BY);

        assertFailed(outcome, "CHECKSUM_MISMATCH", sha256(other), sha256(TARBALL), "capture again");
    }

    @Test
    void acceptCaptured_whenArtifactHasTheChecksumButNotTheSize_fails() {
        captureUploads(ID, manifest(ID, TARBALL).replace("\"bytes\":" + TARBALL.length, "\"bytes\":" + (TARBALL.length + 1)),
                TARBALL);

        assertFailed(world.pipeline.acceptCaptured(ID, BY), "CHECKSUM_MISMATCH", (TARBALL.length + 1) + " bytes");
    }

    @Test
    void acceptCaptured_whenAFailedCaptureIsRedoneCorrectly_recordsIt() {
        captureUploads(ID, manifest(ID, TARBALL), "half an upload".getBytes(StandardCharsets.UTF_8));
        assertThat(world.pipeline.acceptCaptured(ID, BY).kind()).isEqualTo(CaptureOutcome.Kind.FAILED);
        captureUploads(ID, manifest(ID, TARBALL), TARBALL);

        assertThat(world.pipeline.acceptCaptured(ID, BY).kind()).isEqualTo(CaptureOutcome.Kind.RECORDED);
    }

    @Test
    void acceptCaptured_whenRecorded_canBePromotedByTheCaller() {
        captureUploads(ID, manifest(ID, TARBALL), TARBALL);
        world.pipeline.acceptCaptured(ID, BY);

        PromotionResult promotion = world.pipeline.promote("production", ID, "efs-evacuation");

        assertThat(promotion.kind()).isEqualTo(PromotionResult.Kind.PROMOTED);
        assertThat(world.pointers.current("production")).contains(ID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "line\nbreak"})
    void acceptCaptured_whenCapturedByIsBlankOrHasControlCharacters_throws(String by) {
        captureUploads(ID, manifest(ID, TARBALL), TARBALL);

        assertThatThrownBy(() -> world.pipeline.acceptCaptured(ID, by)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capturedBy");
        assertThat(world.catalog.release(ID)).isEmpty();
    }

    @Test
    void acceptCaptured_whenTheStoreFails_propagatesSoTheCallerRetries() {
        ReleaseStore failing = new ReleaseStore() {
            @Override
            public dev.fleetpress.ledger.VersionedLedger records() {
                return world.store.records();
            }

            @Override
            public java.util.Optional<ArtifactDigest> digest(ReleaseId releaseId, String fileName) {
                throw new ReleaseBackendException("S3 answered 503 SlowDown", null);
            }
        };
        captureUploads(ID, manifest(ID, TARBALL), TARBALL);

        assertThatThrownBy(() -> ReleasePipeline.of(failing, world.builds, world.pointers, world.clock).acceptCaptured(ID, BY))
                .hasMessageContaining("SlowDown");
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

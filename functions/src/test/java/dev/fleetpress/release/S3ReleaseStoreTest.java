package dev.fleetpress.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.aws.S3ReleaseStore;
import dev.fleetpress.ledger.FakeS3;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class S3ReleaseStoreTest {
    private static final ReleaseId ID = ReleaseId.of("r-0123456789ab");
    private static final String CAPTURE = "c-2026-11-27-production";

    private final FakeS3 s3 = new FakeS3("releases-bucket");
    private final S3ReleaseStore store = S3ReleaseStore.create(s3, "releases-bucket");

    @Test
    void digest_whenArtifactExists_streamsSha256AndSize() {
        s3.putRaw("releases/r-0123456789ab/release.tar.gz", "abc".getBytes(StandardCharsets.UTF_8));

        assertThat(store.digest(ID, "release.tar.gz")).contains(new ReleaseStore.ArtifactDigest(
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", 3));
    }

    @Test
    void digest_whenArtifactIsMissing_isEmpty() {
        assertThat(store.digest(ID, "release.tar.gz")).isEmpty();
    }

    @Test
    void digest_whenS3IsUnavailable_throwsBackendException() {
        s3.unavailableOnNextCalls(1);

        assertThatThrownBy(() -> store.digest(ID, "release.tar.gz"))
                .isInstanceOf(ReleaseBackendException.class)
                .hasMessageContaining("s3://releases-bucket/releases/r-0123456789ab/release.tar.gz");
    }

    @Test
    void capturedManifest_whenUploaded_readsItFromCaptures() {
        s3.putRaw("captures/c-2026-11-27-production/manifest.json", "{\"formatVersion\":1}".getBytes(StandardCharsets.UTF_8));

        assertThat(store.capturedManifest(CAPTURE)).contains("{\"formatVersion\":1}");
        assertThat(store.capturedManifest("c-2026-11-27-staging")).isEmpty();
    }

    @Test
    void capturedManifest_whenOverOneMebibyte_throwsManifestExceptionWithoutReadingItWhole() {
        s3.putRaw("captures/c-2026-11-27-production/manifest.json", new byte[1024 * 1024 + 1]);

        assertThatThrownBy(() -> store.capturedManifest(CAPTURE)).isInstanceOf(Manifest.ManifestException.class)
                .hasMessageContaining("over 1048576 bytes");
    }

    @Test
    void capturedDigest_whenUploaded_streamsSha256AndSize() {
        s3.putRaw("captures/c-2026-11-27-production/release.tar.gz", "abc".getBytes(StandardCharsets.UTF_8));

        assertThat(store.capturedDigest(CAPTURE, "release.tar.gz")).contains(new ReleaseStore.ArtifactDigest(
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", 3));
    }

    @Test
    void copyCaptured_whenTheTargetIsAbsent_copiesIntoTheRelease() {
        s3.putRaw("captures/c-2026-11-27-production/release.tar.gz", "abc".getBytes(StandardCharsets.UTF_8));

        assertThat(store.copyCaptured(CAPTURE, ID, "release.tar.gz")).isTrue();

        assertThat(s3.object("releases/r-0123456789ab/release.tar.gz")).asString(StandardCharsets.UTF_8).isEqualTo("abc");
    }

    @Test
    void copyCaptured_whenTheTargetExists_leavesItAndAnswersFalse() {
        s3.putRaw("captures/c-2026-11-27-production/manifest.json", "theirs".getBytes(StandardCharsets.UTF_8));
        s3.putRaw("releases/r-0123456789ab/manifest.json", "ours".getBytes(StandardCharsets.UTF_8));

        assertThat(store.copyCaptured(CAPTURE, ID, "manifest.json")).isFalse();

        assertThat(s3.object("releases/r-0123456789ab/manifest.json")).asString(StandardCharsets.UTF_8).isEqualTo("ours");
    }

    @Test
    void copyCaptured_whenAConflictingWriteIsInFlight_retriesUntilItsDefiniteAnswer() {
        s3.putRaw("captures/c-2026-11-27-production/release.tar.gz", "abc".getBytes(StandardCharsets.UTF_8));
        s3.conflictOnNextPuts(2);

        assertThat(store.copyCaptured(CAPTURE, ID, "release.tar.gz")).isTrue();
    }

    @Test
    void copyCaptured_whenTheSourceIsMissing_throwsBackendExceptionNamingBoth() {
        assertThatThrownBy(() -> store.copyCaptured(CAPTURE, ID, "release.tar.gz"))
                .isInstanceOf(ReleaseBackendException.class)
                .hasMessageContaining("captures/c-2026-11-27-production/release.tar.gz")
                .hasMessageContaining("releases/r-0123456789ab/release.tar.gz");
    }

    @Test
    void copyCaptured_whenAskedForARecord_refusesBeforeCallingS3() {
        s3.putRaw("captures/c-2026-11-27-production/release.json", "{}".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> store.copyCaptured(CAPTURE, ID, "release.json")).isInstanceOf(IllegalArgumentException.class);
        assertThat(s3.object("releases/r-0123456789ab/release.json")).isNull();
        assertThat(s3.puts()).isZero();
    }

    @Test
    void records_whenWritten_landUnderReleasesPrefix() {
        store.records().createIfAbsent("r-0123456789ab/release.json", "{}");

        assertThat(s3.object("releases/r-0123456789ab/release.json")).isNotNull();
    }
}

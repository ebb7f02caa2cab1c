package dev.fleetpress.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.aws.S3ReleaseStore;
import dev.fleetpress.ledger.FakeS3;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class S3ReleaseStoreTest {
    private static final ReleaseId ID = ReleaseId.of("r-0123456789ab");

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
    void records_whenWritten_landUnderReleasesPrefix() {
        store.records().createIfAbsent("r-0123456789ab/release.json", "{}");

        assertThat(s3.object("releases/r-0123456789ab/release.json")).isNotNull();
    }
}

package dev.fleetpress.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.efs.CapturedReleaseAcceptor;
import dev.fleetpress.efs.PipelineCapturedReleases;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The EFS exit plan's port onto {@link ReleasePipeline#acceptCaptured}, over the in-memory release store. */
class PipelineCapturedReleasesTest {
    private static final ReleaseId ID = ReleaseId.of("r-0a1b2c3d4e5f");
    private static final String CAPTURE = "c-2026-11-27-production";

    private final ReleaseWorld world = new ReleaseWorld();
    private final PipelineCapturedReleases acceptor = new PipelineCapturedReleases(world.pipeline);

    @Test
    void accept_whenTheCaptureIdHoldsTheRelease_copiesAndRecordsIt() throws Exception {
        byte[] tarball = "captured webroot".getBytes(StandardCharsets.UTF_8);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(tarball));
        world.store.putCaptured(CAPTURE, "release.tar.gz", tarball);
        world.store.putCaptured(CAPTURE, "manifest.json", ("""
                {"formatVersion":1,"releaseId":"r-0a1b2c3d4e5f","kind":"captured","capturedAt":"2026-11-27T20:15:00Z",\
                "capturedFrom":"i-0123456789abcdef0","environment":"production","wordpress":{"version":"6.8.3","dbVersion":60421},\
                "plugins":[],"themes":[],"fileCount":1,"artifact":{"key":"release.tar.gz","sha256":"%s","bytes":%d}}
                """.formatted(sha256, tarball.length)).getBytes(StandardCharsets.UTF_8));

        CapturedReleaseAcceptor.Acceptance acceptance = acceptor.accept(CAPTURE, ID, "capture " + CAPTURE);

        assertThat(acceptance.kind()).as(acceptance.message()).isEqualTo(CapturedReleaseAcceptor.Kind.RECORDED);
        assertThat(world.store.artifact(ID, "release.tar.gz")).isEqualTo(tarball);
        assertThat(acceptor.accept(CAPTURE, ID, "capture " + CAPTURE).kind())
                .isEqualTo(CapturedReleaseAcceptor.Kind.ALREADY_RECORDED);
    }

    @Test
    void accept_whenRefused_namesTheFailureOnce() {
        CapturedReleaseAcceptor.Acceptance acceptance = acceptor.accept(CAPTURE, ID, "capture " + CAPTURE);

        assertThat(acceptance.kind()).isEqualTo(CapturedReleaseAcceptor.Kind.FAILED);
        assertThat(acceptance.message()).startsWith("MISSING_MANIFEST: captures/" + CAPTURE + "/manifest.json")
                .doesNotContain("MISSING_MANIFEST: MISSING_MANIFEST");
    }
}

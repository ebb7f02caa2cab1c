package dev.fleetpress.release;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/** The pipeline over in-memory ports, with the moves tests make: pushes, builds, events. */
final class ReleaseWorld {
    static final String REPOSITORY = "https://github.com/acme/site.git";

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T15:00:00Z"));
    final InMemoryReleaseStore store = new InMemoryReleaseStore();
    final FakeReleaseBuilds builds = new FakeReleaseBuilds();
    final InMemoryEnvironmentPointers pointers = new InMemoryEnvironmentPointers(clock);
    final ReleasePipeline pipeline = ReleasePipeline.of(store, builds, pointers, clock);
    final ReleaseCatalog catalog = ReleaseCatalog.of(store, pointers);

    /** A distinct, valid 40-hex commit id for {@code name}. */
    static String commit(String name) {
        return hex(sha("SHA-1", name.getBytes(StandardCharsets.UTF_8)));
    }

    static ReleaseId release(String commit) {
        return ReleaseId.forCommit(commit);
    }

    /** A push of {@code commit} to {@code environment}, received now; the clock then moves on a second. */
    RequestOutcome push(String commit, String environment) {
        BuildRequest request = new BuildRequest(release(commit), REPOSITORY, commit, "refs/heads/main", environment,
                "delivery-" + clock.instant().getEpochSecond(), clock.instant());
        clock.advance(Duration.ofSeconds(1));
        return pipeline.request(request);
    }

    static byte[] tarball(String commit) {
        return ("tarball of " + commit).getBytes(StandardCharsets.UTF_8);
    }

    static Manifest manifest(String commit, byte[] tarball) {
        return new Manifest(1, release(commit), Manifest.BUILT, REPOSITORY, commit, "refs/heads/main", "production",
                Instant.parse("2026-11-27T15:00:00Z"), "fleetpress-local-release:build",
                new Manifest.WordPress("6.8.3", 60421), List.of(new Manifest.Component("hello-fleet", "Hello Fleet", "1.0.0")),
                List.of(new Manifest.Component("fleet-theme", "Fleet Theme", "1.0.0")), 42,
                new Manifest.Artifact("release.tar.gz", hex(sha("SHA-256", tarball)), tarball.length));
    }

    /** The build of {@code commit} uploads its output, as buildspec.yml does. */
    void buildUploads(String commit) {
        byte[] tarball = tarball(commit);
        store.upload(manifest(commit, tarball), tarball);
    }

    /** The build uploads and its SUCCEEDED event arrives. */
    BuildOutcome buildSucceeds(String commit, String buildId) {
        buildUploads(commit);
        return finish(commit, BuildStatus.SUCCEEDED, buildId);
    }

    BuildOutcome finish(String commit, BuildStatus status, String buildId) {
        clock.advance(Duration.ofSeconds(1));
        return pipeline.onBuildFinished(new BuildResult(release(commit), status, buildId, "production", commit,
                status == BuildStatus.SUCCEEDED ? "" : "BUILD " + status + ": exit status 2"));
    }

    private static byte[] sha(String algorithm, byte[] bytes) {
        try {
            return MessageDigest.getInstance(algorithm).digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}

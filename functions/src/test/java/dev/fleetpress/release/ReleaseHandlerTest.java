package dev.fleetpress.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.json.Json;
import dev.fleetpress.ledger.LedgerException;
import dev.fleetpress.ledger.VersionedLedger;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReleaseHandlerTest {
    private static final String PROJECT = "fleetpress-local-release";
    private static final String BUCKET = "fleetpress-local-releasebucket";
    /** The commit the fixtures in events/release were built from. */
    private static final String COMMIT = "3f2a9c41d07be85e6a1c9f0b2d4e6a8c0b1d3f5e";
    private static final ReleaseId RELEASE = ReleaseId.of("r-3f2a9c41d07b");

    private final ReleaseWorld world = new ReleaseWorld();
    private final ReleaseHandler handler = new ReleaseHandler(world.pipeline, PROJECT, BUCKET);

    @Test
    void handleRequest_whenBuildSucceeded_promotesRelease() {
        world.push(COMMIT, "production");
        world.buildUploads(COMMIT);

        Json.Node answer = handle(fixture("release/codebuild-succeeded.json"));

        assertThat(answer.text("outcome")).isEqualTo("RECORDED");
        assertThat(world.pointers.current("production")).contains(RELEASE);
    }

    @ParameterizedTest
    @CsvSource({
            "codebuild-failed.json, 2b3c4d5e-6f70-4a81-92b3-c4d5e6f70819, FAILED, composer install",
            "codebuild-fault.json, 3c4d5e6f-7081-4b92-a3c4-d5e6f708192a, FAULT, BUILD_CONTAINER_UNABLE_TO_PULL_IMAGE",
            "codebuild-stopped.json, 4d5e6f70-8192-4ca3-b4d5-e6f708192a3b, STOPPED, BUILD STOPPED",
            "codebuild-timed-out.json, 5e6f7081-92a3-4db4-85e6-f708192a3b4c, TIMED_OUT, BUILD_TIMED_OUT"})
    void handleRequest_whenBuildDidNotSucceed_recordsFailureWithReason(String file, String build, String status,
                                                                      String reason) {
        world.push(COMMIT, "production");

        Json.Node answer = handle(fixture("release/" + file));

        assertThat(answer.text("outcome")).isEqualTo("FAILED");
        assertThat(world.store.ledger().read(RELEASE + "/builds/" + build + ".json"))
                .hasValueSatisfying(json -> assertThat(json).contains("\"status\":\"" + status + "\"", reason));
        assertThat(world.pointers.environments()).isEmpty();
    }

    @Test
    void handleRequest_whenBuildInProgress_ignoresIt() {
        world.push(COMMIT, "production");
        Map<String, String> before = world.store.ledger().snapshot();

        Json.Node answer = handle(fixture("unrouted/codebuild-in-progress.json"));

        assertThat(answer.text("outcome")).isEqualTo("IGNORED");
        assertThat(world.store.ledger().snapshot()).isEqualTo(before);
    }

    @Test
    void handleRequest_whenOtherProject_ignoresIt() {
        String event = fixture("release/codebuild-failed.json").replace("\"project-name\": \"" + PROJECT + "\"",
                "\"project-name\": \"someone-elses-project\"");

        assertThat(handle(event).text("outcome")).isEqualTo("IGNORED");
        assertThat(world.store.ledger().snapshot()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"climbing release id", "artifact in another bucket", "artifact of another release",
            "missing detail", "commit of another release", "not json", "other source"})
    void handleRequest_whenEventIsHostileOrMalformed_rejectsWithoutEffect(String variant) {
        world.push(COMMIT, "production");
        world.buildUploads(COMMIT);
        Map<String, String> before = world.store.ledger().snapshot();
        String ok = fixture("release/codebuild-succeeded.json");
        String event = switch (variant) {
            case "climbing release id" -> ok.replace("\"value\": \"r-3f2a9c41d07b\"", "\"value\": \"r-../../x\"");
            case "artifact in another bucket" -> ok.replace(BUCKET + "/releases", "attacker-bucket/releases");
            case "artifact of another release" -> ok.replace("/releases/r-3f2a9c41d07b", "/releases/r-000000000000");
            case "missing detail" -> ok.replace("\"detail\": {", "\"detail-gone\": {");
            case "commit of another release" -> ok.replace("\"value\": \"" + COMMIT + "\"",
                    "\"value\": \"" + ReleaseWorld.commit("other") + "\"");
            case "not json" -> "{\"detail\": ";
            case "other source" -> ok.replace("\"source\": \"aws.codebuild\"", "\"source\": \"acme.fake\"");
            default -> throw new IllegalArgumentException(variant);
        };
        assertThat(event).isNotEqualTo(ok);

        Json.Node answer = handle(event);

        assertThat(answer.text("outcome")).isEqualTo("REJECTED");
        assertThat(world.store.ledger().snapshot()).isEqualTo(before);
        assertThat(world.pointers.environments()).isEmpty();
    }

    @Test
    void handleRequest_whenStoreIsUnavailable_throwsSoLambdaRetries() {
        ReleaseStore down = new ReleaseStore() {
            @Override
            public VersionedLedger records() {
                return new UnavailableLedger();
            }

            @Override
            public Optional<ArtifactDigest> digest(ReleaseId releaseId, String fileName) {
                throw new ReleaseBackendException("S3 is unavailable", new RuntimeException("503 SlowDown"));
            }

            @Override
            public Optional<String> capturedManifest(String captureId) {
                throw new ReleaseBackendException("S3 is unavailable", new RuntimeException("503 SlowDown"));
            }

            @Override
            public Optional<ArtifactDigest> capturedDigest(String captureId, String fileName) {
                throw new ReleaseBackendException("S3 is unavailable", new RuntimeException("503 SlowDown"));
            }

            @Override
            public boolean copyCaptured(String captureId, ReleaseId releaseId, String fileName) {
                throw new ReleaseBackendException("S3 is unavailable", new RuntimeException("503 SlowDown"));
            }
        };
        ReleaseHandler failing = new ReleaseHandler(ReleasePipeline.of(down, world.builds, world.pointers,
                Clock.systemUTC()), PROJECT, BUCKET);

        assertThatThrownBy(() -> failing.handleRequest(input(fixture("release/codebuild-succeeded.json")),
                new ByteArrayOutputStream(), null)).isInstanceOf(LedgerException.class);
    }

    private Json.Node handle(String event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(input(event), out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Json.parse(out.toByteArray());
    }

    private static ByteArrayInputStream input(String event) {
        return new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8));
    }

    static String fixture(String name) {
        try {
            return Files.readString(Path.of(System.getProperty("fleetpress.root"), "events", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A ledger whose S3 answers 503 to everything. */
    private static final class UnavailableLedger implements VersionedLedger {
        @Override
        public boolean createIfAbsent(String key, String content) {
            throw down(key);
        }

        @Override
        public Optional<Entry> readEntry(String key) {
            throw down(key);
        }

        @Override
        public boolean replace(String key, String expectedVersion, String content) {
            throw down(key);
        }

        private static LedgerException down(String key) {
            return new LedgerException("ledger read of s3://bucket/releases/" + key + " failed: 503 SlowDown");
        }
    }
}

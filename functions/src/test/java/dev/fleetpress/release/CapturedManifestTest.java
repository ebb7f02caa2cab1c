package dev.fleetpress.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.json.Json;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Manifests of releases captured from a running site, in the shape instance/capture-release.sh writes them. */
class CapturedManifestTest {
    private static final String SHA = "5d0c3b8a9e1f47d26c8b0a3e5f7d9c1b2a4e6f8d0c2b4a6e8f0d2c4b6a8e0f21";
    static final String CAPTURED = """
            {"formatVersion":1,"releaseId":"r-0a1b2c3d4e5f","kind":"captured","capturedAt":"2026-11-27T20:15:00Z",\
            "capturedFrom":"i-0123456789abcdef0","environment":"production",
             "wordpress":{"version":"6.8.3","dbVersion":60421},
             "plugins":[{"slug":"akismet","name":"Akismet Anti-spam","version":"5.3"},{"slug":"no-version","name":"No Version","version":null}],
             "themes":[{"slug":"twentytwentyfour","name":"Twenty Twenty-Four","version":"1.2"}],
             "fileCount":1234,
             "artifact":{"key":"release.tar.gz","sha256":"%s","bytes":4096}}
            """.formatted(SHA);

    @Test
    void parse_whenCaptured_readsTimeInstanceAndEnvironmentWithoutCommit() {
        Manifest manifest = Manifest.parse(CAPTURED);

        assertThat(manifest.isCaptured()).isTrue();
        assertThat(manifest.releaseId()).isEqualTo(ReleaseId.of("r-0a1b2c3d4e5f"));
        assertThat(manifest.builtAt()).isEqualTo(Instant.parse("2026-11-27T20:15:00Z"));
        assertThat(manifest.capturedFrom()).isEqualTo("i-0123456789abcdef0");
        assertThat(manifest.targetEnvironment()).isEqualTo("production");
        assertThat(manifest.commit()).isNull();
        assertThat(manifest.ref()).isNull();
        assertThat(manifest.buildId()).isNull();
        assertThat(manifest.repository()).isNull();
        assertThat(manifest.fileCount()).isEqualTo(1234);
        assertThat(manifest.artifact()).isEqualTo(new Manifest.Artifact("release.tar.gz", SHA, 4096));
    }

    @Test
    void parse_whenAComponentHasNoVersionHeader_keepsItWithoutVersion() {
        assertThat(Manifest.parse(CAPTURED).plugins()).containsExactly(
                new Manifest.Component("akismet", "Akismet Anti-spam", "5.3"),
                new Manifest.Component("no-version", "No Version", null));
    }

    @Test
    void toJson_whenCaptured_writesTheCapturedShapeAndReadsBackEqual() {
        Manifest manifest = Manifest.parse(CAPTURED);

        Json.Node written = Json.parse(Json.write(manifest.toJson()));

        assertThat(written.text("capturedAt")).isEqualTo("2026-11-27T20:15:00Z");
        assertThat(written.text("capturedFrom")).isEqualTo("i-0123456789abcdef0");
        assertThat(written.text("environment")).isEqualTo("production");
        assertThat(written.find("commit")).isEmpty();
        assertThat(written.find("builtAt")).isEmpty();
        assertThat(written.find("targetEnvironment")).isEmpty();
        assertThat(Manifest.parse(Json.write(manifest.toJson()))).isEqualTo(manifest);
    }

    @Test
    void releaseRecord_whenCaptured_roundTrips() {
        ReleaseRecord record = new ReleaseRecord(Manifest.parse(CAPTURED), "efs-evacuation c-abcd-1234",
                Instant.parse("2026-11-27T20:16:00Z"));

        assertThat(ReleaseRecord.fromJson(record.toJson())).isEqualTo(record);
    }

    @Test
    void parse_whenCapturedNamesACommit_refuses() {
        String withCommit = CAPTURED.replace("\"kind\":\"captured\",",
                "\"kind\":\"captured\",\"commit\":\"3f2a9c41d07be85e6a1c9f0b2d4e6a8c0b1d3f5e\",");

        assertThatThrownBy(() -> Manifest.parse(withCommit)).isInstanceOf(Manifest.ManifestException.class)
                .hasMessageContaining("a captured release has no commit");
    }

    @Test
    void parse_whenCapturedFromIsNotAnInstanceId_refuses() {
        assertThatThrownBy(() -> Manifest.parse(CAPTURED.replace("i-0123456789abcdef0", "i-$(reboot)")))
                .isInstanceOf(Manifest.ManifestException.class).hasMessageContaining("capturedFrom", "not an instance id");
    }

    @Test
    void parse_whenCapturedLacksCapturedAt_namesTheField() {
        assertThatThrownBy(() -> Manifest.parse(CAPTURED.replace("\"capturedAt\"", "\"builtAt\"")))
                .isInstanceOf(Manifest.ManifestException.class).hasMessageContaining("capturedAt");
    }

    @Test
    void parse_whenCapturedAtIsNotAnInstant_namesTheField() {
        assertThatThrownBy(() -> Manifest.parse(CAPTURED.replace("2026-11-27T20:15:00Z", "yesterday")))
                .isInstanceOf(Manifest.ManifestException.class).hasMessageContaining("capturedAt 'yesterday'");
    }

    @Test
    void parse_whenCapturedEnvironmentIsInvalid_namesTheField() {
        assertThatThrownBy(() -> Manifest.parse(CAPTURED.replace("\"environment\":\"production\"", "\"environment\":\"Prod uction\"")))
                .isInstanceOf(Manifest.ManifestException.class).hasMessageContaining("environment 'Prod uction'");
    }
}

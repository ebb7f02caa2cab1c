package dev.fleetpress.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.json.Json;
import org.junit.jupiter.api.Test;

class ManifestTest {
    private static final String COMMIT = "3f2a9c41d07be85e6a1c9f0b2d4e6a8c0b1d3f5e";
    private static final String SHA = "5d0c3b8a9e1f47d26c8b0a3e5f7d9c1b2a4e6f8d0c2b4a6e8f0d2c4b6a8e0f21";
    private static final String VALID = """
            {"formatVersion":1,"releaseId":"r-3f2a9c41d07b","kind":"built","repository":"https://github.com/acme/site.git",
             "commit":"%s","ref":"refs/heads/main","targetEnvironment":"production","builtAt":"2026-11-27T15:00:00Z",
             "buildId":"fleetpress-local-release:7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
             "wordpress":{"version":"6.8.3","dbVersion":60421},
             "plugins":[{"slug":"hello-fleet","name":"Hello Fleet","version":"1.0.0"}],
             "themes":[{"slug":"fleet-theme","name":"Fleet Theme","version":"1.0.0"}],
             "fileCount":1234,"artifact":{"key":"release.tar.gz","sha256":"%s","bytes":4096}}
            """.formatted(COMMIT, SHA);

    @Test
    void parse_whenValid_readsEveryField() {
        Manifest manifest = Manifest.parse(VALID);

        assertThat(manifest.releaseId()).isEqualTo(ReleaseId.of("r-3f2a9c41d07b"));
        assertThat(manifest.wordpress()).isEqualTo(new Manifest.WordPress("6.8.3", 60421));
        assertThat(manifest.plugins()).containsExactly(new Manifest.Component("hello-fleet", "Hello Fleet", "1.0.0"));
        assertThat(manifest.artifact()).isEqualTo(new Manifest.Artifact("release.tar.gz", SHA, 4096));
    }

    @Test
    void parse_whenWritten_readsBackEqual() {
        Manifest manifest = Manifest.parse(VALID);

        assertThat(Manifest.parse(Json.write(manifest.toJson()))).isEqualTo(manifest);
    }

    @Test
    void parse_whenWordPressIsNull_hasNoCore() {
        assertThat(Manifest.parse(VALID.replace("{\"version\":\"6.8.3\",\"dbVersion\":60421}", "null")).wordpress())
                .isNull();
    }

    @Test
    void parse_whenReleaseIdIsNotOfCommit_refuses() {
        assertThatThrownBy(() -> Manifest.parse(VALID.replace("r-3f2a9c41d07b", "r-000000000000")))
                .isInstanceOf(Manifest.ManifestException.class)
                .hasMessageContaining("does not belong to commit");
    }

    @Test
    void parse_whenReleaseIdClimbs_refuses() {
        assertThatThrownBy(() -> Manifest.parse(VALID.replace("\"r-3f2a9c41d07b\"", "\"r-../../x\"")))
                .isInstanceOf(Manifest.ManifestException.class)
                .hasMessageContaining("not a release id");
    }

    @Test
    void parse_whenSha256IsShort_refuses() {
        assertThatThrownBy(() -> Manifest.parse(VALID.replace(SHA, "abc123")))
                .isInstanceOf(Manifest.ManifestException.class)
                .hasMessageContaining("64 lower-case hex");
    }

    @Test
    void parse_whenArtifactKeyIsAPath_refuses() {
        assertThatThrownBy(() -> Manifest.parse(VALID.replace("\"release.tar.gz\"", "\"../r-000000000000/release.tar.gz\"")))
                .isInstanceOf(Manifest.ManifestException.class)
                .hasMessageContaining("plain file name");
    }

    @Test
    void parse_whenKindIsUnknown_refuses() {
        assertThatThrownBy(() -> Manifest.parse(VALID.replace("\"built\"", "\"borrowed\"")))
                .isInstanceOf(Manifest.ManifestException.class)
                .hasMessageContaining("kind");
    }

    @Test
    void parse_whenCapturedWithoutCommit_accepts() {
        // A captured release names when and where it was taken instead of a commit, ref and build
        // (CapturedManifestTest has the rest).
        String captured = VALID.replace("\"built\"", "\"captured\"").replace("\"commit\":\"" + COMMIT + "\",", "")
                .replace("\"ref\":\"refs/heads/main\",", "").replaceAll("\"buildId\":\"[^\"]*\",", "")
                .replace("\"targetEnvironment\"", "\"environment\"")
                .replace("\"builtAt\"", "\"capturedFrom\":\"i-0123456789abcdef0\",\"capturedAt\"");

        assertThat(Manifest.parse(captured).commit()).isNull();
    }

    @Test
    void parse_whenFieldIsMissing_namesIt() {
        assertThatThrownBy(() -> Manifest.parse(VALID.replace("\"fileCount\":1234,", "")))
                .isInstanceOf(Manifest.ManifestException.class)
                .hasMessageContaining("fileCount");
    }
}

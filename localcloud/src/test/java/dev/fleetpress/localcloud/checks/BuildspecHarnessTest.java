package dev.fleetpress.localcloud.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildspecHarnessTest {
    private static final String PATH = System.getenv("PATH");

    @Test
    void check_whenRepoBuildspecTest_passes() {
        Repo.assertNoFindings(BuildspecHarness.check(Repo.root(), "examples/test-buildspec.sh", PATH, Duration.ofMinutes(10)));
    }

    @Test
    void check_whenScriptFails_reportsExitAndLastLines(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("failing.sh"), "echo 'ok    first'\necho 'FAIL  second' >&2\nexit 3\n");

        assertThat(BuildspecHarness.check(dir, "failing.sh", PATH, Duration.ofMinutes(1))).singleElement().asString()
                .contains("bash failing.sh exited 3", "ok    first", "FAIL  second");
    }

    @Test
    void check_whenComposerIsNotOnPath_failsSayingToInstallIt(@TempDir Path emptyDir) {
        assertThat(BuildspecHarness.check(Repo.root(), "examples/test-buildspec.sh", emptyDir.toString(), Duration.ofMinutes(1)))
                .singleElement().asString().contains("[php, composer] is not on PATH", "install them");
    }
}

package dev.fleetpress.localcloud.checks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Runs the shell test of the release build (examples/test-buildspec.sh). The build runs composer,
 * so php-cli and composer must be installed.
 */
final class BuildspecHarness {
    static final List<String> TOOLS = List.of("php", "composer");

    private BuildspecHarness() {
    }

    /** Findings of {@code bash <script>} in {@code root} with {@code path} as PATH; empty when it passes. */
    static List<String> check(Path root, String script, String path, Duration timeout) {
        return ShellHarness.run(root, script, TOOLS, "apt-get install php-cli composer", path, timeout);
    }
}

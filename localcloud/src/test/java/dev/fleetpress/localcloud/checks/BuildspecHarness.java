package dev.fleetpress.localcloud.checks;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a shell test of the release build (examples/test-buildspec.sh) and turns its outcome into
 * findings. The build runs composer, so php-cli and composer must be installed; their absence is a
 * finding, never a skip, so a machine without them cannot pass the build unnoticed.
 */
final class BuildspecHarness {
    static final List<String> TOOLS = List.of("php", "composer");
    static final int TAIL_LINES = 30;

    private BuildspecHarness() {
    }

    /** The {@link #TOOLS} that no directory of {@code path} (a PATH value) holds as an executable. */
    static List<String> missingTools(String path) {
        List<String> missing = new ArrayList<>();
        for (String tool : TOOLS) {
            boolean found = false;
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, tool);
                found |= Files.isRegularFile(candidate) && Files.isExecutable(candidate);
            }
            if (!found) {
                missing.add(tool);
            }
        }
        return missing;
    }

    /** Runs {@code bash <script>} in {@code root} with {@code path} as PATH; empty when it exits 0. */
    static List<String> check(Path root, String script, String path, Duration timeout) {
        List<String> missing = missingTools(path);
        if (!missing.isEmpty()) {
            return List.of(script + " needs php-cli and composer, and " + missing + " is not on PATH: install them "
                    + "(Debian/Ubuntu: apt-get install php-cli composer; CI installs them) and run the tests again");
        }
        try {
            Path log = Files.createTempFile("fleetpress-buildspec-test", ".log");
            try {
                ProcessBuilder builder = new ProcessBuilder("bash", script).directory(root.toFile())
                        .redirectErrorStream(true).redirectOutput(log.toFile());
                builder.environment().put("PATH", path);
                Process process = builder.start();
                boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!finished) {
                    process.destroyForcibly().waitFor();
                }
                if (finished && process.exitValue() == 0) {
                    return List.of();
                }
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                String tail = String.join("\n    ", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
                return List.of("bash " + script + (finished ? " exited " + process.exitValue() : " ran longer than " + timeout)
                        + "; run it from the repository root to see everything (KEEP_WORK=1 keeps its work folder). "
                        + "Last lines:\n    " + tail);
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run bash " + script + " in " + root, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script, e);
        }
    }
}

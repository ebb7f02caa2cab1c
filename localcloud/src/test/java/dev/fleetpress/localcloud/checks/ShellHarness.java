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
 * Runs a repository shell test (a harness that prints its own pass/fail lines) and turns its outcome
 * into findings. The tools it needs must be installed: their absence is a finding, never a skip, so a
 * machine without them cannot pass the build unnoticed.
 */
final class ShellHarness {
    static final int TAIL_LINES = 30;

    private ShellHarness() {
    }

    /** The {@code tools} that no directory of {@code path} (a PATH value) holds as an executable. */
    static List<String> missingTools(List<String> tools, String path) {
        List<String> missing = new ArrayList<>();
        for (String tool : tools) {
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

    /**
     * Runs {@code bash <script>} in {@code root} with {@code path} as PATH; empty when it exits 0.
     * A missing tool is one finding that names {@code install}, the command that brings it.
     */
    static List<String> run(Path root, String script, List<String> tools, String install, String path, Duration timeout) {
        List<String> missing = missingTools(tools, path);
        if (!missing.isEmpty()) {
            return List.of(script + " needs " + String.join(", ", tools) + ", and " + missing + " is not on PATH: install them "
                    + "(Debian/Ubuntu: " + install + "; CI installs them) and run the tests again");
        }
        try {
            Path log = Files.createTempFile("fleetpress-shell-test", ".log");
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

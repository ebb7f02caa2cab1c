package dev.fleetpress.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs the external programs of the bootstrap benchmark (composer, rsync, tar, aws) and times them. */
final class BootstrapProcess {
    private static final Duration LIMIT = Duration.ofMinutes(10);

    /** What one program did: exit status, stdout and stderr together, and its wall time. */
    record Result(int exit, String output, double millis) {
    }

    private BootstrapProcess() {
    }

    /** Runs {@code command} in {@code dir} with {@code env} added to this process's environment; fails unless it exits 0. */
    static Result run(Path dir, Map<String, String> env, List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        long start = System.nanoTime();
        try {
            Process p = pb.start();
            // Read before waiting: a program whose output fills the pipe would otherwise never end.
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + LIMIT.toMinutes() + " minutes");
            }
            Result result = new Result(p.exitValue(), output, (System.nanoTime() - start) / 1e6);
            if (result.exit() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + result.exit() + " in " + dir + ":\n" + tail(output));
            }
            return result;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }

    /** Whether {@code command} exits 0 (its output is discarded). */
    static boolean succeeds(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(1, TimeUnit.MINUTES) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The first of {@code tools} not found on PATH, if any. */
    static Optional<String> missing(List<String> tools) {
        String[] path = System.getenv().getOrDefault("PATH", "").split(":");
        return tools.stream().filter(tool -> Arrays.stream(path).map(d -> Path.of(d, tool)).noneMatch(Files::isExecutable)).findFirst();
    }

    private static String tail(String output) {
        String[] lines = output.strip().split("\n");
        return String.join("\n", Arrays.copyOfRange(lines, Math.max(0, lines.length - 15), lines.length));
    }
}

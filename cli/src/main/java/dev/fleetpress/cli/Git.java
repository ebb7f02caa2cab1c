package dev.fleetpress.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code git} for the demo and the push hook; fails with git's own message. */
final class Git {
    private final Path dir;

    Git(Path dir) {
        this.dir = dir;
    }

    String run(String... args) {
        List<String> command = new ArrayList<>();
        command.add("git");
        // A fixed identity so commits work on a fresh machine without global git configuration.
        command.add("-c");
        command.add("user.name=FleetPress Demo");
        command.add("-c");
        command.add("user.email=demo@fleetpress.invalid");
        command.add("-c");
        command.add("init.defaultBranch=main");
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("git " + String.join(" ", args) + " timed out");
            }
            String text = new String(out, StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                throw new IllegalStateException("git " + String.join(" ", args) + " failed: " + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run git (is it installed?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running git", e);
        }
    }
}

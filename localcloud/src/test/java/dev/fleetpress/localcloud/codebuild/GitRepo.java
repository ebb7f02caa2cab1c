package dev.fleetpress.localcloud.codebuild;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A throwaway Git repository for builds to check out. */
final class GitRepo {
    private GitRepo() {
    }

    /** Creates a repository at {@code dir} holding {@code files} (path → content) in one commit; returns the commit. */
    static String commit(Path dir, Map<String, String> files) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path file = dir.resolve(f.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, f.getValue());
        }
        if (!Files.exists(dir.resolve(".git"))) {
            git(dir, "init", "--quiet");
        }
        git(dir, "add", "-A");
        git(dir, "-c", "user.name=FleetPress Test", "-c", "user.email=test@fleetpress.invalid", "commit", "--quiet",
                "--allow-empty", "-m", "test commit");
        return git(dir, "rev-parse", "HEAD").trim();
    }

    static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed in " + dir + ": " + out);
        }
        return out;
    }
}

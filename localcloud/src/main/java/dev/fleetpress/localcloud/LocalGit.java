package dev.fleetpress.localcloud;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real {@code git} in one folder, for the local site repositories that localcloud's CodeBuild
 * checks out (the demo, {@code local up}, the whole-flow tests). Runs with a fixed identity so that
 * commits work on a fresh machine without global git configuration; fails with git's own message.
 */
public final class LocalGit {
    private final Path dir;

    private LocalGit(Path dir) {
        this.dir = dir;
    }

    public static LocalGit in(Path dir) {
        return new LocalGit(dir);
    }

    /**
     * Copies {@code source} (a site such as examples/site; its vendor/ and .git/ left out) into
     * {@code target} and makes that a git repository with one commit on {@code main}.
     */
    public static LocalGit copyOf(Path source, Path target) {
        copyTree(source, target);
        LocalGit git = new LocalGit(target);
        git.run("init", "--quiet");
        git.run("add", "-A");
        git.run("commit", "--quiet", "-m", "Example site");
        return git;
    }

    /**
     * Lays {@code update} (a folder of files to replace or add, such as one of examples/site-updates/)
     * over the work tree and commits everything with {@code message}; returns the new commit id.
     */
    public String commitUpdate(Path update, String message) {
        copyTree(update, dir);
        run("add", "-A");
        run("commit", "--quiet", "-m", message);
        return head();
    }

    private static void copyTree(Path source, Path target) {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path rel = source.relativize(p);
                if (rel.startsWith("vendor") || rel.startsWith(".git")) {
                    continue;
                }
                Path dest = target.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + source + " to " + target, e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** The full commit id of HEAD. */
    public String head() {
        return run("rev-parse", "HEAD");
    }

    /** Runs {@code git args…} and returns its trimmed output. */
    public String run(String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=FleetPress", "-c",
                "user.email=localcloud@fleetpress.invalid", "-c", "init.defaultBranch=main"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("git " + String.join(" ", args) + " timed out");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("git " + String.join(" ", args) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run git (is it installed?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running git", e);
        }
    }
}

package dev.fleetpress.localcloud.flow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A real git repository made from examples/site, for whole-flow tests. */
final class SiteRepo {
    final Path dir;

    private SiteRepo(Path dir) {
        this.dir = dir;
    }

    static SiteRepo create(Path root, Path target) throws IOException {
        Path source = root.resolve("examples/site");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path rel = source.relativize(p);
                if (rel.startsWith("vendor")) {
                    continue;
                }
                Path dest = target.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        SiteRepo repo = new SiteRepo(target);
        repo.git("init", "--quiet");
        repo.git("add", "-A");
        repo.git("commit", "--quiet", "-m", "Example site");
        return repo;
    }

    String head() {
        return git("rev-parse", "HEAD");
    }

    String git(String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=FleetPress Test", "-c",
                "user.email=test@fleetpress.invalid", "-c", "init.defaultBranch=main"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("git " + String.join(" ", args) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run git", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

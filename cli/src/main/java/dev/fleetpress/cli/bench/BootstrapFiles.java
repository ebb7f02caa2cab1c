package dev.fleetpress.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** File trees of the bootstrap benchmark: copies and sizes. */
final class BootstrapFiles {
    /** Regular files and their total size in bytes. */
    record Size(long files, long bytes) {
        double megabytes() {
            return bytes / 1e6;
        }
    }

    /** What one variant's on-instance step took (wall time) and placed in the webroot. */
    record Placed(double millis, Size size) {
    }

    private BootstrapFiles() {
    }

    /** Copies {@code source} into {@code target} (modes kept, symlinks copied as links), skipping paths (relative to source) that {@code skip} accepts. */
    static void copy(Path source, Path target, Predicate<Path> skip) {
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path rel = source.relativize(p);
                if (!rel.toString().isEmpty() && skip.test(rel)) {
                    continue;
                }
                Path dest = target.resolve(rel.toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + source + " to " + target, e);
        }
    }

    /** The regular files under {@code dir} (symlinks not followed). */
    static Size size(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            long[] total = new long[2];
            paths.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).forEach(p -> {
                total[0]++;
                total[1] += p.toFile().length();
            });
            return new Size(total[0], total[1]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure " + dir, e);
        }
    }
}

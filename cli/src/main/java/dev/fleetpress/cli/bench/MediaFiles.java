package dev.fleetpress.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The benchmark's uploads folder: {@code count} files of 32–48 KiB (40 KiB on average) of seeded random
 * bytes (incompressible, and the same in every run) under WordPress's {@code <year>/<month>/} folders,
 * a few of them with the awkward names real uploads have.
 */
final class MediaFiles {
    static final List<String> AWKWARD = List.of("2026/11/photo one+two ü.jpg", "2026/11/100% sure.png",
            "2025/01/café menu.pdf", "2024/07/it's a name & more (1).gif");
    private static final long SEED = 20_260_101L;

    /** One file, by its path relative to the uploads folder. */
    record File(String path, Path absolute, long size) {
    }

    private final List<File> files;

    private MediaFiles(List<File> files) {
        this.files = List.copyOf(files);
    }

    static MediaFiles generate(Path uploads, int count) throws IOException {
        Random random = new Random(SEED);
        List<File> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String path = i < AWKWARD.size() && count > AWKWARD.size() * 10 ? AWKWARD.get(i)
                    : String.format("20%02d/%02d/image-%05d.jpg", 15 + i % 12, 1 + (i / 12) % 12, i);
            byte[] bytes = new byte[32 * 1024 + random.nextInt(16 * 1024 + 1)];
            random.nextBytes(bytes);
            Path file = uploads.resolve(path);
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
            files.add(new File(path, file, bytes.length));
        }
        return new MediaFiles(files);
    }

    List<File> files() {
        return files;
    }

    int count() {
        return files.size();
    }

    long bytes() {
        return files.stream().mapToLong(File::size).sum();
    }
}

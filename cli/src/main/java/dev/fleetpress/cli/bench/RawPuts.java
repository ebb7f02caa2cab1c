package dev.fleetpress.cli.bench;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The endpoint's ceiling: every file read from disk and put with one PutObject by a fixed pool of
 * threads, nothing else. {@link #importerPattern} makes the request the importer makes per file instead
 * (a conditional PutObject, {@code If-None-Match: *}, with Content-Type, Cache-Control and sha256
 * metadata), to show what that request costs without touching the import.
 */
final class RawPuts {
    private final S3Client s3;
    private final String bucket;

    RawPuts(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    /** Wall and CPU seconds of one loop. */
    record Run(double seconds, double cpuSeconds) {
    }

    /** Puts every file under {@code prefix} with {@code threads} threads. */
    Run putOnly(MediaFiles files, String prefix, int threads) throws Exception {
        return run(files, threads, f -> s3.putObject(b -> b.bucket(bucket).key(prefix + f.path()),
                RequestBody.fromBytes(Files.readAllBytes(f.absolute()))));
    }

    /** As {@link #putOnly}, with the importer's condition and headers per file. */
    Run importerPattern(MediaFiles files, String prefix, int threads) throws Exception {
        return run(files, threads, f -> s3.putObject(b -> b.bucket(bucket).key(prefix + f.path()).ifNoneMatch("*")
                        .contentType("image/jpeg").cacheControl("public, max-age=31536000, immutable")
                        .metadata(Map.of("sha256", "0".repeat(64))),
                RequestBody.fromBytes(Files.readAllBytes(f.absolute()))));
    }

    private interface Put {
        void put(MediaFiles.File file) throws Exception;
    }

    private static Run run(MediaFiles files, int threads, Put put) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            double cpu = MediaMigration.processCpuSeconds();
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (MediaFiles.File f : files.files()) {
                done.add(pool.submit(() -> {
                    put.put(f);
                    return null;
                }));
            }
            for (Future<?> d : done) {
                d.get();
            }
            return new Run((System.nanoTime() - start) / 1e9, MediaMigration.processCpuSeconds() - cpu);
        } finally {
            pool.shutdownNow();
        }
    }
}

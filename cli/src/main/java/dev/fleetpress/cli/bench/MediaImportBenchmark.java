package dev.fleetpress.cli.bench;

import dev.fleetpress.cli.FunctionLogs;
import dev.fleetpress.localcloud.LocalCloud;
import dev.fleetpress.localcloud.LocalGit;
import dev.fleetpress.localcloud.ec2.Instances;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Media import throughput on localcloud, side by side in one run with {@code aws s3 sync} of the same
 * files to the same S3 endpoint and with a raw parallel PutObject loop (the endpoint's ceiling),
 * interleaved round by round; prints medians and ratios, asserts nothing about time.
 *
 * <p>The import is MediaFunction driven by S3 notifications, exactly as deployed; its shards come from
 * the real export document, run once per shard size (its time is reported apart, with the import that
 * overlapped it), and each measured import replays those shards under a new migration id: staged with
 * localcloud S3 notifications held, then released at once (the measure of the import; on AWS the uploads are an instance's work, not the
 * function's), and once more uploaded one by one during the import, as an export on this machine would.
 * The import's time is report.json's window: the first shard's start to the report. Since UPLOADS_PREFIX is one per
 * function, not per migration, the imported objects are deleted between imports so that none is skipped
 * as already present; aws s3 sync and the raw loop each write to a fresh prefix, also deleted afterwards.
 */
public final class MediaImportBenchmark {
    static final double TIME_SCALE = 0.1;
    static final int MAIN_SHARD_MB = 64;
    static final List<Integer> SCALING_SHARD_MB = List.of(8, 32, 128);
    static final List<Integer> RAW_THREADS = List.of(16, 32);
    /** The importer's concurrency per shard. */
    static final int SAME_REQUEST_THREADS = 16;

    /**
     * One round: seconds of each variant. {@code fleetPress}: the import with its shards in S3 (staged,
     * then published); {@code arriving}: the same shards uploaded one by one during the import, as an
     * export on this machine would.
     */
    record Round(MediaMigration.Import fleetPress, MediaMigration.Import arriving, double sync, Map<Integer, RawPuts.Run> raw,
                 RawPuts.Run sameRequest) {
        /** The import's rate over the best raw loop's of the same round: load that shifts between rounds cancels out. */
        double ratio() {
            return best().seconds() / fleetPress.windowSeconds();
        }

        /** The import's rate over the raw loop's making the importer's own request (headers, metadata, condition). */
        double sameRequestRatio() {
            return sameRequest.seconds() / fleetPress.windowSeconds();
        }

        double arrivingRatio() {
            return best().seconds() / arriving.windowSeconds();
        }

        /**
         * The best raw loop's CPU over the import's (publish to report seen), both in this JVM: the rate
         * ratio the two would have on an idle machine where both are CPU-bound, whatever else runs here.
         */
        double cpuRatio() {
            return best().cpuSeconds() / fleetPress.cpuSeconds();
        }

        RawPuts.Run best() {
            return raw.values().stream().min(Comparator.comparingDouble(RawPuts.Run::seconds)).orElseThrow();
        }
    }

    private final Path root;
    private final int fileCount;
    private final int rounds;
    /** MediaImportParallelism for the run; 0: the template's default. */
    private final int importParallelism;

    public MediaImportBenchmark(Path root, int fileCount, int rounds, int importParallelism) {
        this.root = root;
        this.fileCount = fileCount;
        this.rounds = rounds;
        this.importParallelism = importParallelism;
    }

    public int run() throws Exception {
        if (fileCount < 100 || rounds < 1 || importParallelism < 0 || importParallelism > 64) {
            System.err.println("--files must be at least 100, --rounds at least 1 and --import-parallelism 1 to 64");
            return 2;
        }
        if (!BootstrapProcess.missing(List.of("aws", "bash", "tar", "sha256sum")).isEmpty()) {
            System.err.println("the benchmark needs aws (the CLI it compares with, and the export's), bash, tar and sha256sum on PATH");
            return 2;
        }
        Path tmp = Files.createTempDirectory("fleetpress-bench-media-");
        try {
            // The functions' JSON log lines would bury the table: they go to a file that goes with tmp.
            return FunctionLogs.into(tmp.resolve("functions.log"), console -> () -> {
                try {
                    measure(tmp, console);
                    return 0;
                } catch (IllegalStateException e) {
                    System.err.println("media import benchmark failed: " + e.getMessage());
                    return 1;
                }
            });
        } finally {
            LocalCloud.deleteRecursively(tmp);
        }
    }

    private void measure(Path tmp, PrintStream out) throws Exception {
        LocalGit site = LocalGit.copyOf(root.resolve("examples/site"), tmp.resolve("site"));
        LocalCloud.Builder builder = LocalCloud.builder().projectRoot(root).dataDir(tmp.resolve("cloud")).siteRepository(site.dir())
                .timeScale(TIME_SCALE);
        if (importParallelism > 0) {
            builder.parameter("MediaImportParallelism", String.valueOf(importParallelism));
        }
        try (LocalCloud cloud = builder.build()) {
            MediaBucket bucket = new MediaBucket(cloud.s3(), cloud.template().outputs().get("MediaBucketName"));
            Instances.Instance instance = cloud.instances().launch("fleetpress-production");
            Path uploads = instance.root().resolve("var/www/fleetpress/current/wp-content/uploads");
            MediaFiles files = MediaFiles.generate(uploads, fileCount);
            Thread.sleep(500); // the instance's SSM agent registers 0.2 s after launch (time scale 0.1)
            out.printf("Media import benchmark: %d files, %.1f MB (32-48 KiB each), %d interleaved rounds after one warm-up; %s; "
                            + "%d cores, load %s, max heap %.0f MB%n", files.count(), files.bytes() / 1e6, rounds, AwsSync.version(),
                    Runtime.getRuntime().availableProcessors(), loadAverage(), HeapSampler.maxHeapMb());

            out.printf("JIT: this JVM %s; MediaFunction's JAVA_TOOL_OPTIONS in template.yaml: %s%n", jitFlags(),
                    cloud.environmentOf("MediaFunction").getOrDefault("JAVA_TOOL_OPTIONS", "(none)"));
            out.printf("import concurrency: IMPORT_PARALLELISM %s per shard invocation, localcloud runs 4 invocations at once "
                    + "(up to %d PutObjects in flight; the raw loops run %s)%n", cloud.environmentOf("MediaFunction").get("IMPORT_PARALLELISM"),
                    4 * Integer.parseInt(cloud.environmentOf("MediaFunction").get("IMPORT_PARALLELISM")), RAW_THREADS);
            MediaMigration migration = new MediaMigration(cloud, instance, bucket);
            Map<Integer, MediaMigration.Shards> shards = new LinkedHashMap<>();
            for (int mb : concat(MAIN_SHARD_MB, SCALING_SHARD_MB)) {
                MediaMigration.Shards s = migration.export(mb, tmp.resolve("shards-" + mb));
                shards.put(mb, s);
                out.printf("export (export-media.sh via SSM, not measured against the others) ShardMegabytes %d: %d shards in %.1f s; "
                                + "the import overlapping it: %.1f s window%n", mb, s.count(), s.exportSeconds(), s.duringExport().windowSeconds());
            }

            AwsSync sync = new AwsSync(uploads, bucket.name(), cloud.s3Endpoint().toString(), cloud.localS3().accessKeyId(),
                    cloud.localS3().secretAccessKey(), tmp);
            RawPuts raw = new RawPuts(cloud.s3(), bucket.name());
            List<Round> measured = new ArrayList<>();
            for (int r = 0; r <= rounds; r++) {
                Round round = round(r, migration, shards.get(MAIN_SHARD_MB), sync, raw, bucket, files);
                out.printf("%s: import %.2f s (window, verification %.2f s of it; %.2f s from first shard published to report seen, "
                                + "heap peak +%.0f MB), import of arriving shards %.2f s, aws s3 sync %.2f s, raw PutObject %s; "
                                + "import/raw this round %.2f (arriving %.2f; vs the loop making the importer's request %.2f in %.2f s); "
                                + "CPU import %.1f s, best raw %.1f s: raw/import %.2f%n",
                        r == 0 ? "warm-up (not counted)" : "round " + r + "/" + rounds, round.fleetPress().windowSeconds(),
                        round.fleetPress().verifySeconds(), round.fleetPress().wallSeconds(), round.fleetPress().heapPeakMb(),
                        round.arriving().windowSeconds(), round.sync(), rawText(round.raw()), round.ratio(), round.arrivingRatio(),
                        round.sameRequestRatio(), round.sameRequest().seconds(),
                        round.fleetPress().cpuSeconds(), round.best().cpuSeconds(), round.cpuRatio());
                if (r > 0) {
                    measured.add(round);
                }
            }
            report(out, measured, files, shards.get(MAIN_SHARD_MB));
            scaling(out, migration, shards, bucket, files);
            requestPattern(out, raw, bucket, files);
        }
    }

    /** The four variants once each, the first one rotating so that none always follows the same neighbour. */
    private static Round round(int r, MediaMigration migration, MediaMigration.Shards shards, AwsSync sync, RawPuts raw,
                               MediaBucket bucket, MediaFiles files) throws Exception {
        MediaMigration.Import imported = null;
        MediaMigration.Import arriving = null;
        double synced = 0;
        Map<Integer, RawPuts.Run> puts = new LinkedHashMap<>();
        RawPuts.Run sameRequest = null;
        for (int k = 0; k < 4; k++) {
            switch ((r + k) % 4) {
                case 0 -> imported = importOnce(migration, shards, "m-bench-round-" + r, true, bucket, files);
                case 3 -> arriving = importOnce(migration, shards, "m-bench-arriving-" + r, false, bucket, files);
                case 1 -> {
                    String prefix = "sync-round-" + r + "/";
                    synced = sync.sync(prefix);
                    expect(bucket, prefix, files);
                }
                default -> {
                    for (int threads : RAW_THREADS) {
                        String prefix = "raw-round-" + r + "-t" + threads + "/";
                        puts.put(threads, raw.putOnly(files, prefix, threads));
                        expect(bucket, prefix, files);
                    }
                    String prefix = "raw-round-" + r + "-same-request/";
                    sameRequest = raw.importerPattern(files, prefix, SAME_REQUEST_THREADS);
                    expect(bucket, prefix, files);
                }
            }
        }
        return new Round(imported, arriving, synced, puts, sameRequest);
    }

    private static MediaMigration.Import importOnce(MediaMigration migration, MediaMigration.Shards shards, String id, boolean staged,
                                                    MediaBucket bucket, MediaFiles files) throws Exception {
        MediaMigration.Import imported = migration.replay(shards, id, staged);
        check(imported.imported() == files.count() && imported.skipped() == 0,
                id + " imported " + imported.imported() + " and skipped " + imported.skipped() + " of " + files.count());
        bucket.delete(MediaMigration.UPLOADS);
        return imported;
    }

    private static void report(PrintStream out, List<Round> rounds, MediaFiles files, MediaMigration.Shards shards) {
        double importSeconds = median(rounds, r -> r.fleetPress().windowSeconds());
        double importWall = median(rounds, r -> r.fleetPress().wallSeconds());
        double syncSeconds = median(rounds, Round::sync);
        Map<Integer, Double> rawSeconds = new LinkedHashMap<>();
        RAW_THREADS.forEach(t -> rawSeconds.put(t, median(rounds, r -> r.raw().get(t).seconds())));
        int best = rawSeconds.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
        double ceiling = files.count() / rawSeconds.get(best);

        out.println();
        out.printf("%-58s %9s %9s %8s %11s%n", "variant (medians of " + rounds.size() + " rounds)", "seconds", "files/s", "MB/s", "vs ceiling");
        row(out, "FleetPress import, " + shards.count() + " shards of <= " + shards.shardMegabytes() + " MiB (report window)",
                importSeconds, files, ceiling);
        row(out, "  the same, first shard published -> report.json seen", importWall, files, ceiling);
        row(out, "  shards uploaded during the import (report window)", median(rounds, r -> r.arriving().windowSeconds()), files,
                ceiling);
        row(out, "aws s3 sync (aws CLI on PATH, default settings)", syncSeconds, files, ceiling);
        rawSeconds.forEach((t, s) -> row(out, "raw PutObject loop, " + t + " threads" + (t == best ? " (ceiling)" : ""), s, files, ceiling));
        row(out, "raw loop making the importer's request, " + SAME_REQUEST_THREADS + " threads", median(rounds, r -> r.sameRequest().seconds()),
                files, ceiling);
        double importRatio = files.count() / importSeconds / ceiling;
        out.printf("import/ceiling %.2f (median of the rounds' own ratios %.2f; with the shards uploaded meanwhile %.2f), "
                        + "aws s3 sync/ceiling %.2f, ceiling/aws s3 sync %.2fx; goal import >= 0.90 x ceiling: %s%n", importRatio,
                median(rounds, Round::ratio), median(rounds, Round::arrivingRatio), files.count() / syncSeconds / ceiling,
                ceiling / (files.count() / syncSeconds), importRatio >= 0.9 ? "MET" : "NOT MET");
        out.printf("import / raw loop making the importer's request (Content-Type, Cache-Control, sha256 metadata, If-None-Match): "
                        + "%.2f (median of the rounds' own %.2f)%n", median(rounds, r -> r.sameRequest().seconds()) / importSeconds,
                median(rounds, Round::sameRequestRatio));
        out.printf("CPU of this JVM (S3 server, function or loop, benchmark) per 1,000 files, medians: import %.2f s, best raw loop %.2f s; "
                        + "raw/import %.2f (median of the rounds' own %.2f): the ratio on a machine with nothing else to run%n",
                median(rounds, r -> r.fleetPress().cpuSeconds()) * 1000 / files.count(),
                median(rounds, r -> r.best().cpuSeconds()) * 1000 / files.count(),
                median(rounds, r -> r.best().cpuSeconds()) / median(rounds, r -> r.fleetPress().cpuSeconds()),
                median(rounds, Round::cpuRatio));
        MediaMigration.Import last = rounds.get(rounds.size() - 1).fleetPress();
        out.printf("verification: median %.2f s after the last shard's result; entries verified by listing %d, by HeadObject %d (last round)%n",
                median(rounds, r -> r.fleetPress().verifySeconds()), last.byListing(), last.byHeadObject());
        out.printf("import heap peak above baseline (whole JVM: function, S3 server, benchmark), median %.0f MB, max %.0f MB%n",
                median(rounds, r -> r.fleetPress().heapPeakMb()), rounds.stream().mapToDouble(r -> r.fleetPress().heapPeakMb()).max().orElse(0));
    }

    private static void scaling(PrintStream out, MediaMigration migration, Map<Integer, MediaMigration.Shards> shards, MediaBucket bucket,
                                MediaFiles files) throws Exception {
        out.println();
        out.printf("%-24s %7s %9s %9s %8s %14s %10s %8s %10s%n", "shard size (one import)", "shards", "seconds", "files/s", "MB/s",
                "heap peak MB", "verify s", "CPU s", "export s");
        for (MediaMigration.Shards s : shards.values()) {
            MediaMigration.Import imported = migration.replay(s, "m-bench-scale-" + s.shardMegabytes(), true);
            check(imported.imported() == files.count(), "the " + s.shardMegabytes() + " MiB import imported " + imported.imported());
            bucket.delete(MediaMigration.UPLOADS);
            out.printf("%-24s %7d %9.2f %9.0f %8.1f %14.0f %10.2f %8.1f %10.1f%n", s.shardMegabytes() + " MiB", s.count(),
                    imported.windowSeconds(), files.count() / imported.windowSeconds(), files.bytes() / 1e6 / imported.windowSeconds(),
                    imported.heapPeakMb(), imported.verifySeconds(), imported.cpuSeconds(), s.exportSeconds());
        }
    }

    /** What the importer's request costs: the raw loop making it per file, at the import's concurrency and more. */
    private static void requestPattern(PrintStream out, RawPuts raw, MediaBucket bucket, MediaFiles files) throws Exception {
        out.println();
        out.printf("%-58s %9s %9s %9s%n", "request pattern (raw loop, once each)", "seconds", "files/s", "CPU s");
        for (int threads : List.of(16, 64)) {
            String prefix = "pattern-put-" + threads + "/";
            RawPuts.Run put = raw.putOnly(files, prefix, threads);
            bucket.delete(prefix);
            prefix = "pattern-conditional-put-" + threads + "/";
            RawPuts.Run conditional = raw.importerPattern(files, prefix, threads);
            bucket.delete(prefix);
            out.printf("%-58s %9.2f %9.0f %9.2f%n", "PutObject only, " + threads + " threads", put.seconds(),
                    files.count() / put.seconds(), put.cpuSeconds());
            out.printf("%-58s %9.2f %9.0f %9.2f%n", "PutObject If-None-Match: * with headers, " + threads + " threads",
                    conditional.seconds(), files.count() / conditional.seconds(), conditional.cpuSeconds());
        }
    }

    private static void expect(MediaBucket bucket, String prefix, MediaFiles files) {
        long stored = bucket.count(prefix);
        check(stored == files.count(), prefix + " holds " + stored + " objects, not " + files.count());
        bucket.delete(prefix);
    }

    private static void check(boolean ok, String failure) {
        if (!ok) {
            throw new IllegalStateException(failure);
        }
    }

    private static void row(PrintStream out, String name, double seconds, MediaFiles files, double ceiling) {
        double rate = files.count() / seconds;
        out.printf("%-58s %9.2f %9.0f %8.1f %11.2f%n", name, seconds, rate, files.bytes() / 1e6 / seconds, rate / ceiling);
    }

    private static String rawText(Map<Integer, RawPuts.Run> raw) {
        StringBuilder text = new StringBuilder();
        raw.forEach((t, s) -> text.append(text.length() == 0 ? "" : ", ").append(String.format("%.2f s (%d threads)", s.seconds(), t)));
        return text.toString();
    }

    private static List<Integer> concat(int first, List<Integer> rest) {
        List<Integer> all = new ArrayList<>(List.of(first));
        all.addAll(rest);
        return all;
    }

    private static double median(List<Round> rounds, ToDoubleFunction<Round> f) {
        double[] v = rounds.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String jitFlags() {
        List<String> flags = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.contains("Tiered")).toList();
        return flags.isEmpty() ? "default tiered compilation (C1 and C2)" : String.join(" ", flags);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }
}

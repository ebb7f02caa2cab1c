package dev.fleetpress.cli.bench;

import dev.fleetpress.cli.FunctionLogs;
import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.LocalCloud;
import dev.fleetpress.localcloud.LocalGit;
import dev.fleetpress.localcloud.ssm.run.RunCommandConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bootstrap of a WordPress-sized release, from the launch lifecycle event to CONTINUE, side by side
 * with two alternatives on the same files: {@code composer install} at boot, and {@code rsync} from
 * a shared folder standing in for an EFS mount. The three run interleaved, round by round, and the
 * program prints medians and ratios against FleetPress; it asserts nothing about time.
 *
 * <p>FleetPress is measured end to end on localcloud. The alternatives are measured as their
 * on-instance step only, to which each round adds FleetPress's own orchestration in that round
 * (event → SendCommand → status event → CONTINUE, i.e. event → CONTINUE minus the script's run
 * time): they would need the same hook, command and completion to keep an instance out of service
 * until its code is in place.
 */
public final class BootstrapBenchmark {
    /** localcloud's time scale: emulated timers (SSM agent registration, SQS delays) run at a tenth of real time. */
    static final double TIME_SCALE = 0.1;
    static final String PREPARE = "bash bench/prepare-wordpress.sh";
    private static final Pattern WP_VERSION = Pattern.compile("(?m)^\\$wp_version = '([^']+)';");
    private static final List<String> TOOLS = List.of("bash", "git", "tar", "gzip", "sha256sum", "aws", "php", "composer", "unzip", "rsync");

    /** One round of the three variants. */
    record Round(FleetPressLaunch.Launch fleetPress, FleetPressLaunch.Split split, BootstrapFiles.Placed composer, BootstrapFiles.Placed rsync) {
    }

    private final Path root;
    private final int rounds;

    public BootstrapBenchmark(Path root, int rounds) {
        this.root = root;
        this.rounds = rounds;
    }

    public int run() throws Exception {
        Path wordpress = root.resolve(".bench-cache/wordpress");
        if (!Files.isRegularFile(wordpress.resolve("wp-includes/version.php"))) {
            System.err.println("the WordPress tree is not prepared (no " + wordpress.resolve("wp-includes/version.php") + "): run " + PREPARE);
            return 2;
        }
        Optional<String> missing = BootstrapProcess.missing(TOOLS);
        if (missing.isPresent()) {
            System.err.println(missing.get() + " is not on PATH; the benchmark needs " + String.join(", ", TOOLS)
                    + " (" + PREPARE + " installs rsync; apt-get install php-cli composer unzip for composer)");
            return 2;
        }
        if (!BootstrapProcess.succeeds(List.of("php", "-r", "exit(extension_loaded('zip') ? 0 : 1);"))) {
            System.err.println("PHP's zip extension is missing (composer's artifact repository needs it): run " + PREPARE);
            return 2;
        }
        if (rounds < 1) {
            System.err.println("--rounds must be at least 1, got " + rounds);
            return 2;
        }
        Path tmp = Files.createTempDirectory("fleetpress-bench-bootstrap-");
        try {
            // The functions' JSON log lines would bury the table: they go to a file that goes with tmp.
            return FunctionLogs.into(tmp.resolve("functions.log"), console -> () -> {
                try {
                    measure(tmp, wordpress, console);
                    return 0;
                } catch (IllegalStateException e) {
                    System.err.println("bootstrap benchmark failed: " + e.getMessage());
                    return 1;
                }
            });
        } finally {
            LocalCloud.deleteRecursively(tmp);
        }
    }

    private void measure(Path tmp, Path wordpress, PrintStream out) throws Exception {
        String version = wordpressVersion(wordpress);
        out.printf("Bootstrap benchmark: WordPress %s (Debian's tree) released three ways, %d interleaved rounds after one warm-up (load average %s)%n",
                version, rounds, loadAverage());
        out.printf("setup (not measured): site repository, localcloud (time scale %.1f), release build by buildspec.yml, composer artifact, shared tree%n", TIME_SCALE);

        LocalGit site = siteRepository(tmp.resolve("site"), wordpress, version);
        try (LocalCloud cloud = LocalCloud.builder().projectRoot(root).dataDir(tmp.resolve("cloud")).siteRepository(site.dir())
                .timeScale(TIME_SCALE).build()) {
            FleetPressLaunch fleet = new FleetPressLaunch(cloud);
            long buildStart = System.nanoTime();
            String release = fleet.promote(site);
            double buildSeconds = (System.nanoTime() - buildStart) / 1e9;

            Json.Node manifest = Json.parse(cloud.s3().getObjectAsBytes(b -> b.bucket(cloud.releaseBucket())
                    .key("releases/" + release + "/manifest.json")).asByteArray());
            Path tarball = tmp.resolve("release.tar.gz");
            cloud.s3().getObject(b -> b.bucket(cloud.releaseBucket()).key("releases/" + release + "/release.tar.gz"), tarball);
            // The rsync variant's "EFS": the very files of the release, unpacked once.
            Path shared = Files.createDirectories(tmp.resolve("shared"));
            BootstrapProcess.run(tmp, Map.of(), List.of("tar", "--extract", "--gzip", "--file=" + tarball, "--directory=" + shared));
            BootstrapFiles.Size unpacked = BootstrapFiles.size(shared);
            ComposerAtBoot composer = ComposerAtBoot.prepare(root.resolve("examples/site"), wordpress, version, tmp.resolve("composer"));
            out.printf("release %s built and promoted in %.1f s: %d files, %.1f MB unpacked, %.1f MB tarball (WordPress %s per its manifest)%n",
                    release, buildSeconds, manifest.get("fileCount").asLong(), unpacked.megabytes(), Files.size(tarball) / 1e6,
                    manifest.find("wordpress", "version").map(Json.Node::asText).orElse("?"));

            List<Round> measured = new ArrayList<>();
            for (int r = 0; r <= rounds; r++) {
                Path dir = tmp.resolve("round-" + r);
                Round round = round(r, fleet, composer, shared, release, dir);
                LocalCloud.deleteRecursively(dir);
                if (r == 0) {
                    out.printf("warm-up (not counted): FleetPress %.0f ms, composer %.0f ms, rsync %.0f ms%n",
                            round.fleetPress().eventToContinueMs(), round.composer().millis(), round.rsync().millis());
                    continue;
                }
                measured.add(round);
                out.printf("round %d/%d: FleetPress %.0f ms (script %.0f, orchestration %.0f), composer install %.0f ms, rsync %.0f ms%n",
                        r, rounds, round.fleetPress().eventToContinueMs(), round.fleetPress().scriptMs(), round.fleetPress().orchestrationMs(),
                        round.composer().millis(), round.rsync().millis());
            }
            report(out, measured, manifest.get("fileCount").asLong());
        }
    }

    /** The three variants once each, the first one rotating so that none always follows the same neighbour. */
    private static Round round(int r, FleetPressLaunch fleet, ComposerAtBoot composer, Path shared, String release, Path dir) throws Exception {
        FleetPressLaunch.Launch launch = null;
        BootstrapFiles.Placed composed = null;
        BootstrapFiles.Placed synced = null;
        for (int k = 0; k < 3; k++) {
            // Each variant starts with no write-back pending from the one before (or from deleting the last round).
            BootstrapProcess.run(dir.getParent(), Map.of(), List.of("sync"));
            switch ((r + k) % 3) {
                case 0 -> launch = fleet.launch();
                case 1 -> composed = composer.install(dir.resolve("composer"));
                default -> synced = rsync(shared, dir.resolve("rsync"));
            }
        }
        // After the three, so that the replay's I/O overlaps none of them.
        return new Round(launch, fleet.replaySplit(release, dir.resolve("replay")), composed, synced);
    }

    /** The shared folder (the EFS stand-in) copied into a fresh instance's webroot. */
    private static BootstrapFiles.Placed rsync(Path shared, Path instanceRoot) throws IOException {
        Path webroot = instanceRoot.resolve("var/www/fleetpress/current");
        Files.createDirectories(webroot.getParent());
        double millis = BootstrapProcess.run(instanceRoot, Map.of(), List.of("rsync", "-a", "--delete", shared + "/", webroot + "/")).millis();
        return new BootstrapFiles.Placed(millis, BootstrapFiles.size(webroot));
    }

    private static void report(PrintStream out, List<Round> rounds, long releaseFiles) {
        double fleetTotal = median(rounds, r -> r.fleetPress().eventToContinueMs());
        double fleetStep = median(rounds, r -> r.fleetPress().scriptMs());
        double orchestration = median(rounds, r -> r.fleetPress().orchestrationMs());
        // Each alternative gets the orchestration FleetPress paid in the same round.
        double composerTotal = median(rounds, r -> r.composer().millis() + r.fleetPress().orchestrationMs());
        double composerStep = median(rounds, r -> r.composer().millis());
        double rsyncTotal = median(rounds, r -> r.rsync().millis() + r.fleetPress().orchestrationMs());
        double rsyncStep = median(rounds, r -> r.rsync().millis());

        out.println();
        out.printf("%-42s %16s %18s %12s %8s%n", "variant (medians of " + rounds.size() + " rounds)", "event→CONTINUE", "on-instance step", "ratio", "files");
        row(out, "FleetPress: S3 tarball, verify, unpack", fleetTotal, fleetStep, fleetTotal, releaseFiles);
        row(out, "composer install at boot (local artifact)", composerTotal, composerStep, fleetTotal, rounds.get(0).composer().size().files());
        row(out, "rsync from a shared dir (EFS stand-in)", rsyncTotal, rsyncStep, fleetTotal, rounds.get(0).rsync().size().files());
        out.println();
        out.printf("ratio = variant's event→CONTINUE / FleetPress's; on-instance step ratios: composer %.2fx, rsync %.2fx of FleetPress's script%n",
                composerStep / fleetStep, rsyncStep / fleetStep);
        out.printf("orchestration = FleetPress event→CONTINUE − script, median %.0f ms, added to composer and rsync round by round. Its parts (medians):%n",
                orchestration);
        out.printf("  event → SendCommand accepted %.0f ms: FleetFunction, retrying while the instance's SSM agent is not registered"
                        + " (localcloud registers it %.1f s after launch; the retry waits AGENT_RETRY_SECONDS through SQS, both × time scale %.1f)%n",
                median(rounds, r -> r.fleetPress().eventToSendMs()), RunCommandConfig.DEFAULT_AGENT_REGISTRATION.toMillis() * TIME_SCALE / 1000, TIME_SCALE);
        out.printf("  SendCommand → script start %.0f ms; script end → CONTINUE (status event, FleetFunction, CompleteLifecycleAction) → InService %.0f ms%n",
                median(rounds, r -> r.fleetPress().sendToStartMs()), median(rounds, r -> r.fleetPress().endToContinueMs()));
        // The script prints no timestamps, so its two heavy steps are replayed (same commands) after each round.
        out.printf("FleetPress script, its two heavy steps replayed outside it after each round (medians): download %.0f ms"
                        + " (manifest and tarball at once, two aws CLI runs), verify+unpack %.0f ms (sha256, tar -x, file count, files.sha256);"
                        + " the script also writes wp-config.php from SSM (one more aws CLI run), runs php -l, switches and health-checks%n",
                median(rounds, r -> r.split().downloadMs()), median(rounds, r -> r.split().verifyUnpackMs()));
        out.println("composer: no network (artifact repository on local disk), empty composer cache, lock resolved beforehand: its best case");
        out.println("rsync: the shared dir is local disk, not NFS: its best case (EFS adds a network round trip per file)");
        out.println("all three read a warm page cache; FleetPress alone verifies checksums, writes wp-config.php and health-checks before CONTINUE");
        out.printf("load average (1 min) at the end: %s on %d cores; other work on the machine shows up as spread between rounds%n",
                loadAverage(), Runtime.getRuntime().availableProcessors());
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void row(PrintStream out, String name, double total, double step, double fleetTotal, long files) {
        out.printf("%-42s %13.0f ms %15.0f ms %11.2fx %8d%n", name, total, step, total / fleetTotal, files);
    }

    private static double median(List<Round> rounds, ToDoubleFunction<Round> f) {
        double[] v = rounds.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** examples/site with the WordPress tree committed under wordpress/, where the manifest looks for core. */
    private LocalGit siteRepository(Path dir, Path wordpress, String version) {
        LocalGit git = LocalGit.copyOf(root.resolve("examples/site"), dir);
        BootstrapFiles.copy(wordpress, dir.resolve("wordpress"), rel -> false);
        git.run("add", "wordpress");
        git.run("commit", "--quiet", "-m", "WordPress " + version + " under wordpress/");
        return git;
    }

    private static String wordpressVersion(Path wordpress) throws IOException {
        Matcher m = WP_VERSION.matcher(Files.readString(wordpress.resolve("wp-includes/version.php")));
        if (!m.find()) {
            throw new IllegalStateException("no $wp_version in " + wordpress.resolve("wp-includes/version.php") + ": run " + PREPARE + " again");
        }
        return m.group(1);
    }
}

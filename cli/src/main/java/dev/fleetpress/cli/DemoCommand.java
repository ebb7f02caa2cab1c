package dev.fleetpress.cli;

import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.GitHubPush;
import dev.fleetpress.localcloud.LocalCloud;
import dev.fleetpress.localcloud.LocalGit;
import java.io.IOException;
import java.io.PrintStream;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.codebuild.model.Build;
import software.amazon.awssdk.services.codebuild.model.StatusType;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/**
 * Plays the release flow for real on localcloud and checks every step's effect: a signed GitHub
 * push of a real git repository → CodeBuild running buildspec.yml → a checksummed artifact in S3 →
 * the release recorded → the environment pointer moved. Then build once, promote many (a tag on the
 * same commit), a redelivered webhook, and a broken commit that must leave production as it was; the
 * fleet (FleetSteps, MediaSteps) and releases on the running fleet with the database upgrade gate
 * and the rollback guard (RolloutSteps), and the way off EFS under credit pressure (EfsSteps).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start localcloud and play the release flow end to end, verifying each step.")
final class DemoCommand implements Callable<Integer> {
    private static final Duration STEP_LIMIT = Duration.ofMinutes(3);
    private static final String REPOSITORY = "local/example-site";

    @Option(names = "--data", description = "Folder for localcloud's state (default: a new temporary folder).")
    Path data;

    @Option(names = "--keep", description = "Keep the temporary data folder afterwards.")
    boolean keep;

    @Override
    public Integer call() throws Exception {
        Path dir = data != null ? Files.createDirectories(data) : Files.createTempDirectory("fleetpress-demo-");
        Path functionLog = dir.resolve("functions.log");
        try {
            // The functions' JSON log lines go to a file so that the timeline stays readable.
            return FunctionLogs.into(functionLog, console -> () -> play(dir, console, functionLog));
        } finally {
            if (data == null && !keep) {
                LocalCloud.deleteRecursively(dir);
            }
        }
    }

    private int play(Path dir, PrintStream console, Path functionLog) throws Exception {
        Timeline timeline = new Timeline(console);
        console.println("FleetPress demo: the release flow on localcloud (data in " + dir + ")");
        console.println();
        long t = System.nanoTime();
        Path site = Workspace.createSiteRepository(Files.createDirectories(dir.resolve("site")));
        LocalGit git = LocalGit.in(site);
        String first = git.run("rev-parse", "HEAD");
        timeline.step("site repository created from examples/site", true, t, "commit " + first.substring(0, 12));

        t = System.nanoTime();
        try (LocalCloud cloud = LocalCloud.builder()
                .projectRoot(Workspace.root())
                .dataDir(dir.resolve("cloud"))
                .siteRepository(site)
                .parameter("PluginUpgraders", RolloutSteps.PLUGIN_UPGRADERS)
                .timeScale(0.1)
                .fileSystem(EfsSteps.ENV, EfsSteps.FILE_SYSTEM, EfsSteps.STORED_BYTES)
                .simulatedSchedule("EfsFunction", Duration.ofMinutes(5))
                .build()) {
            timeline.step("localcloud started", true, t, "S3 " + cloud.s3Endpoint() + ", webhook " + cloud.webhookUrl("github"));
            RolloutSteps.prepareDatabase(cloud);
            EfsSteps.prepareDatabase(cloud);
            new Flow(cloud, git, site, timeline).run(first);
        }
        console.println();
        console.println("Function logs (one JSON line per event): " + functionLog
                + (data == null && !keep ? " (deleted on exit; keep it with --keep)" : ""));
        if (timeline.allPassed()) {
            console.println("All " + timeline.size() + " steps verified their effect.");
            return 0;
        }
        console.println(timeline.failures() + " of " + timeline.size() + " steps failed.");
        return 1;
    }

    /** The flow itself, step by step. */
    private record Flow(LocalCloud cloud, LocalGit git, Path site, Timeline timeline) {
        void run(String first) throws Exception {
            String release = "r-" + first.substring(0, 12);
            String url = "file://" + site;

            // 1. A push to main builds a release and promotes it to production.
            long pushed = System.nanoTime();
            String payload = GitHubPush.payload(REPOSITORY, url, "refs/heads/main", GitHubPush.ZERO, first);
            GitHubPush.Response response = GitHubPush.send(cloud.webhookUrl("github"), cloud.webhookSecret(), payload);
            Json.Node answer = Json.parse(response.body());
            String buildId = answer.findText("buildId").orElse("");
            timeline.step("push refs/heads/main → webhook", response.status() == 202
                    && "BUILD_STARTED".equals(answer.findText("outcome").orElse("")), pushed,
                    response.status() + " " + answer.findText("outcome").orElse(response.body()) + " in " + Timeline.format(response.took()));

            long t = System.nanoTime();
            Optional<Build> build = awaitBuild(buildId);
            timeline.step("CodeBuild ran buildspec.yml", build.map(b -> b.buildStatus() == StatusType.SUCCEEDED).orElse(false), t,
                    build.map(b -> b.buildStatusAsString() + ", log " + logOf(b)).orElse("no finished build " + buildId));

            t = System.nanoTime();
            String check = verifyArtifact(release);
            timeline.step("artifact in S3 matches its manifest", check.startsWith("sha256 "), t, check);

            t = System.nanoTime();
            boolean recorded = await(() -> exists("releases/" + release + "/release.json"));
            timeline.step("release recorded", recorded, t, "s3://" + cloud.releaseBucket() + "/releases/" + release + "/release.json");

            t = System.nanoTime();
            boolean promoted = await(() -> release.equals(pointer("production")));
            timeline.step("production → " + release, promoted, t, "SSM " + cloud.parameterPrefix() + "/env/production/release");
            Duration pushToPromoted = Duration.ofNanos(System.nanoTime() - pushed);
            timeline.note("push → promoted: " + Timeline.format(pushToPromoted));

            // 2. The same delivery again changes nothing.
            t = System.nanoTime();
            GitHubPush.Response replay = GitHubPush.send(cloud.webhookUrl("github"), cloud.webhookSecret(), payload, response.deliveryId());
            timeline.step("redelivered webhook ignored", replay.status() == 200 && replay.body().contains("duplicate"), t,
                    replay.status() + " " + replay.body());

            // 3. A tag on the same commit: the release is promoted to staging without a rebuild.
            t = System.nanoTime();
            git.run("tag", "v1.0.0");
            GitHubPush.Response tag = GitHubPush.send(cloud.webhookUrl("github"), cloud.webhookSecret(),
                    GitHubPush.payload(REPOSITORY, url, "refs/tags/v1.0.0", GitHubPush.ZERO, first));
            String tagOutcome = Json.parse(tag.body()).findText("outcome").orElse(tag.body());
            boolean staged = await(() -> release.equals(pointer("staging")));
            timeline.step("tag v1.0.0 → staging, no rebuild", tag.status() == 202 && "PROMOTED".equals(tagOutcome) && staged, t,
                    tag.status() + " " + tagOutcome + ", staging → " + pointer("staging"));

            // 4. A broken commit (composer.lock removed) fails to build; production stays where it was.
            t = System.nanoTime();
            git.run("rm", "--quiet", "composer.lock");
            git.run("commit", "--quiet", "-m", "Forget the lock file");
            String broken = git.run("rev-parse", "HEAD");
            GitHubPush.Response bad = GitHubPush.send(cloud.webhookUrl("github"), cloud.webhookSecret(),
                    GitHubPush.payload(REPOSITORY, url, "refs/heads/main", first, broken));
            Optional<Build> failed = awaitBuild(Json.parse(bad.body()).findText("buildId").orElse(""));
            cloud.awaitIdle(STEP_LIMIT);
            boolean unchanged = release.equals(pointer("production"));
            timeline.step("broken commit: build fails, production unchanged",
                    failed.map(b -> b.buildStatus() == StatusType.FAILED).orElse(false) && unchanged, t,
                    failed.map(Build::buildStatusAsString).orElse("no build") + ", production still " + pointer("production"));

            new FleetSteps(cloud, timeline).run(release);
            new RolloutSteps(cloud, git, REPOSITORY, timeline).run(release, broken);
            new EfsSteps(cloud, timeline).run();
        }

        Optional<Build> awaitBuild(String buildId) {
            if (buildId.isEmpty()) {
                return Optional.empty();
            }
            long deadline = System.nanoTime() + STEP_LIMIT.toNanos();
            while (System.nanoTime() < deadline) {
                Optional<Build> build = cloud.codeBuild().batchGetBuilds(b -> b.ids(buildId)).builds().stream().findFirst();
                if (build.isPresent() && build.get().buildComplete()) {
                    cloud.awaitIdle(STEP_LIMIT);
                    return build;
                }
                sleep();
            }
            return Optional.empty();
        }

        private String logOf(Build build) {
            return build.logs() == null ? "-" : String.valueOf(build.logs().deepLink());
        }

        /** Streams the tarball and compares its sha256 and size with the manifest, independently of FleetPress. */
        private String verifyArtifact(String release) {
            String prefix = "releases/" + release + "/";
            try {
                Json.Node manifest = Json.parse(cloud.s3().getObjectAsBytes(b -> b.bucket(cloud.releaseBucket()).key(prefix + "manifest.json")).asByteArray());
                String expected = manifest.text("artifact", "sha256");
                long bytes = 0;
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                try (ResponseInputStream<GetObjectResponse> in = cloud.s3().getObject(b -> b.bucket(cloud.releaseBucket()).key(prefix + "release.tar.gz"))) {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        sha.update(buf, 0, n);
                        bytes += n;
                    }
                }
                String actual = HexFormat.of().formatHex(sha.digest());
                if (!actual.equals(expected)) {
                    return "MISMATCH manifest " + expected + " tarball " + actual;
                }
                return "sha256 " + actual.substring(0, 16) + "…, " + bytes + " bytes, " + manifest.text("fileCount") + " files, WordPress "
                        + manifest.find("wordpress", "version").map(Json.Node::asText).orElse("-");
            } catch (NoSuchKeyException e) {
                return "missing: " + e.awsErrorDetails().errorMessage();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        private boolean exists(String key) {
            try {
                cloud.s3().headObject(b -> b.bucket(cloud.releaseBucket()).key(key));
                return true;
            } catch (NoSuchKeyException e) {
                return false;
            } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
                if (e.statusCode() == 404) {
                    return false;
                }
                throw e;
            }
        }

        private String pointer(String environment) {
            try {
                return cloud.ssm().getParameter(b -> b.name(cloud.parameterPrefix() + "/env/" + environment + "/release")).parameter().value();
            } catch (ParameterNotFoundException e) {
                return "(none)";
            }
        }

        private static boolean await(Supplier<Boolean> condition) {
            long deadline = System.nanoTime() + STEP_LIMIT.toNanos();
            while (System.nanoTime() < deadline) {
                if (condition.get()) {
                    return true;
                }
                sleep();
            }
            return false;
        }

        private static void sleep() {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

}

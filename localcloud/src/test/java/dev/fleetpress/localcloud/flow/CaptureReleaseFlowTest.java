package dev.fleetpress.localcloud.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.Settings;
import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.LocalCloud;
import dev.fleetpress.localcloud.LocalGit;
import dev.fleetpress.localcloud.autoscaling.InstanceView;
import dev.fleetpress.release.CaptureOutcome;
import dev.fleetpress.release.Manifest;
import dev.fleetpress.release.PromotionResult;
import dev.fleetpress.release.ReleaseCatalog;
import dev.fleetpress.release.ReleaseId;
import dev.fleetpress.release.ReleasePipeline;
import dev.fleetpress.release.ReleaseRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * The EFS exit plan's first two steps on localcloud, for real: an instance of the production group
 * serves a site from a webroot standing for an EFS mount (a symlink out of its sandbox and a
 * {@code proc/mounts} line, as LocalEfs mounts one); the capture document, sent through Run Command,
 * runs instance/capture-release.sh with bash in the sandbox and uploads under {@code captures/} only;
 * ReleasePipeline.acceptCaptured verifies what it uploaded, copies it into {@code releases/<id>/} on
 * localcloud's S3 (CopyObject with If-None-Match, concurrent calls included) and records it once;
 * promoted, the RolloutFunction installs it on the instance with the bootstrap document like any
 * built release.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CaptureReleaseFlowTest {
    private static final Path ROOT = Flows.ROOT;
    private static final Duration LIMIT = Duration.ofMinutes(3);
    private static final String GROUP = "fleetpress-production";
    private static final String ENV = "production";
    private static final String FILE_SYSTEM = "fs-0123456789abcdef0";
    private static final String SECRET = "TOPSECRET-capture-flow";

    private Path tmp;
    private LocalCloud cloud;
    private ReleasePipeline operator;
    private InstanceView instance;
    private String built;
    private String captured;

    @BeforeAll
    void anInstanceServesASiteFromEfs() throws Exception {
        tmp = Files.createTempDirectory("capture-flow-");
        LocalGit site = LocalGit.copyOf(ROOT.resolve("examples/site"), tmp.resolve("site"));
        cloud = LocalCloud.builder().projectRoot(ROOT).dataDir(tmp.resolve("cloud")).siteRepository(site.dir()).timeScale(0.1).build();
        String config = cloud.parameterPrefix() + "/config/" + ENV + "/";
        cloud.ssm().putParameter(b -> b.name(config + "DB_HOST").value("localdb").type(ParameterType.STRING));
        cloud.ssm().putParameter(b -> b.name(config + "DB_NAME").value("wp_production").type(ParameterType.STRING));
        cloud.database("localdb", "wp_production").install(60421);
        operator = ReleasePipeline.create(cloud.dependencies(), Settings.of(cloud.environmentOf("ReleaseFunction")));
        built = Flows.promote(cloud, site);
        cloud.autoScaling().scale(GROUP, 1);
        assertThat(cloud.autoScaling().awaitSteady(GROUP, LIMIT)).isTrue();
        assertThat(cloud.awaitIdle(LIMIT)).isTrue();
        instance = cloud.autoScaling().instances(GROUP).get(0);

        // The site as it lived on EFS before FleetPress: WordPress (the built release's files stand in
        // for it), plus its own wp-config.php with the database password, uploads, a cache, an .env and
        // a symlink out of the webroot.
        Path efs = tmp.resolve("efs").resolve(FILE_SYSTEM);
        Files.createDirectories(efs);
        run("cp", "-a", instance.root().resolve("var/www/fleetpress/current").toRealPath() + "/.", efs.toString());
        run("rm", "-rf", efs.resolve(".fleetpress").toString(), efs.resolve("wp-config.php").toString());
        // A classic layout: WordPress core at the webroot's top (the built release has it under vendor/).
        write(efs.resolve("wp-includes/version.php"), "<?php\n$wp_version = '6.8.3';\n$wp_db_version = 60421;\n");
        write(efs.resolve("wp-config.php"), "<?php\ndefine('DB_PASSWORD', '" + SECRET + "');\n");
        write(efs.resolve(".env"), "DB_PASSWORD=" + SECRET + "\n");
        write(efs.resolve("wp-content/uploads/2026/11/photo one.jpg"), "jpeg " + SECRET);
        write(efs.resolve("wp-content/cache/page.html"), "cached " + SECRET);
        write(efs.resolve("efs-only.php"), "<?php\necho 'only on EFS';\n");
        Files.createSymbolicLink(efs.resolve("wp-content/escape"), Path.of("/etc"));
        Path webroot = instance.root().resolve("var/www/html");
        Files.createDirectories(webroot.getParent());
        Files.createSymbolicLink(webroot, efs);
        Path mounts = instance.root().resolve("proc/mounts");
        Files.createDirectories(mounts.getParent());
        Files.writeString(mounts, FILE_SYSTEM + ".efs.us-east-1.amazonaws.com:/ /var/www/html nfs4 rw,relatime 0 0\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @AfterAll
    void stop() {
        if (cloud != null) {
            cloud.close();
        }
        LocalCloud.deleteRecursively(tmp);
    }

    @Test
    @Order(1)
    void captureDocument_onTheInstance_uploadsTheReleaseAndItsRecordUnderCaptures() {
        assertThat(cloud.template().outputs().get("CaptureReleaseDocumentName")).isEqualTo("fleetpress-local-capture-release");

        GetCommandInvocationResponse run = capture("c-flow-test-0001");

        assertThat(run.statusAsString()).as(run.standardErrorContent()).isEqualTo("Success");
        Json.Node record = json("captures/c-flow-test-0001.json");
        captured = record.text("releaseId");
        assertThat(captured).matches("r-[0-9a-f]{12}").isNotEqualTo(built);
        assertThat(run.standardOutputContent()).contains("FLEETPRESS_RESULT capture=c-flow-test-0001 release=" + captured)
                .contains("uploaded=true");
        assertThat(record.text("captureId")).isEqualTo("c-flow-test-0001");
        assertThat(record.text("environment")).isEqualTo(ENV);
        assertThat(record.text("instanceId")).isEqualTo(instance.id());
        assertThat(record.get("files").asLong()).isPositive();
        assertThat(record.get("webrootOnEfs").asBoolean()).isTrue();
        assertThat(record.get("mounts").elements()).singleElement()
                .satisfies(m -> assertThat(m.text("fileSystemId")).isEqualTo(FILE_SYSTEM))
                .satisfies(m -> assertThat(m.text("mountPoint")).isEqualTo("/var/www/html"));
        Json.Node excluded = record.get("excluded");
        assertThat(excluded.get("secrets").asLong()).isEqualTo(2);
        assertThat(excluded.get("uploads").asLong()).isEqualTo(1);
        assertThat(excluded.get("caches").asLong()).isEqualTo(1);
        assertThat(excluded.get("symlinksOutsideWebroot").asLong()).isEqualTo(1);
        assertThat(record.get("alreadyReleased").asBoolean()).isFalse();
        assertThat(keys("captures/c-flow-test-0001/")).containsExactly("captures/c-flow-test-0001/manifest.json",
                "captures/c-flow-test-0001/release.tar.gz");
        assertThat(keys("releases/" + captured + "/")).isEmpty();
    }

    @Test
    @Order(2)
    void capturedTarball_holdsNoSecretUploadOrCache() throws IOException {
        byte[] gz = bytes("captures/c-flow-test-0001/release.tar.gz");
        String tar;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            tar = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }

        assertThat(tar).contains("efs-only.php").doesNotContain(SECRET).doesNotContain("wp-content/escape");
    }

    @Test
    @Order(3)
    void acceptCaptured_calledConcurrently_copiesTheCaptureIntoTheReleaseAndRecordsItOnce() throws Exception {
        int callers = 4;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        List<Future<CaptureOutcome>> calls = new ArrayList<>();
        try {
            for (int i = 0; i < callers; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    return operator.acceptCaptured("c-flow-test-0001", ReleaseId.of(captured), "efs-evacuation c-flow-test-0001");
                }));
            }
            start.countDown();
            List<CaptureOutcome> outcomes = new ArrayList<>();
            for (Future<CaptureOutcome> call : calls) {
                outcomes.add(call.get(LIMIT.toSeconds(), TimeUnit.SECONDS));
            }
            assertThat(outcomes).as(outcomes.toString()).extracting(CaptureOutcome::kind)
                    .containsOnlyOnce(CaptureOutcome.Kind.RECORDED).doesNotContain(CaptureOutcome.Kind.FAILED);
        } finally {
            pool.shutdownNow();
        }
        CaptureOutcome again = operator.acceptCaptured("c-flow-test-0001", ReleaseId.of(captured), "efs-evacuation c-flow-test-0001");

        assertThat(again.kind()).isEqualTo(CaptureOutcome.Kind.ALREADY_RECORDED);
        assertThat(bytes("releases/" + captured + "/release.tar.gz")).isEqualTo(bytes("captures/c-flow-test-0001/release.tar.gz"));
        assertThat(bytes("releases/" + captured + "/manifest.json")).isEqualTo(bytes("captures/c-flow-test-0001/manifest.json"));
        ReleaseRecord record = ReleaseCatalog.create(cloud.dependencies(),
                Settings.of(cloud.environmentOf("ReleaseFunction"))).release(ReleaseId.of(captured)).orElseThrow();
        assertThat(record.manifest().isCaptured()).isTrue();
        assertThat(record.manifest().capturedFrom()).isEqualTo(instance.id());
        assertThat(record.manifest().wordpress()).isNotNull();
    }

    @Test
    @Order(4)
    void promotedCapturedRelease_isInstalledByTheBootstrapDocument() throws IOException {
        PromotionResult promotion = operator.promote(ENV, ReleaseId.of(captured), "efs-evacuation");
        assertThat(promotion.kind()).as(promotion.message()).isEqualTo(PromotionResult.Kind.PROMOTED);

        await(() -> captured.equals(runningRelease()));
        assertThat(cloud.awaitIdle(LIMIT)).isTrue();

        Path current = instance.root().resolve("var/www/fleetpress/current");
        assertThat(current.toRealPath().getFileName().toString()).isEqualTo(captured);
        assertThat(Files.readString(current.resolve("efs-only.php"))).contains("only on EFS");
        assertThat(Files.readString(current.resolve("wp-config.php"))).contains("wp_production").doesNotContain(SECRET);
        assertThat(current.resolve(".env")).doesNotExist();
        assertThat(current.resolve("wp-content/uploads/2026/11/photo one.jpg")).doesNotExist();
    }

    @Test
    @Order(5)
    void captureAgain_ofTheUnchangedWebroot_givesTheSameReleaseAndUploadsOnlyItsRecord() {
        GetCommandInvocationResponse run = capture("c-flow-test-0002");

        assertThat(run.statusAsString()).as(run.standardErrorContent()).isEqualTo("Success");
        assertThat(run.standardOutputContent()).contains("release=" + captured).contains("uploaded=false");
        Json.Node record = json("captures/c-flow-test-0002.json");
        assertThat(record.text("releaseId")).isEqualTo(captured);
        assertThat(record.get("alreadyReleased").asBoolean()).isTrue();
        assertThat(keys("captures/c-flow-test-0002/")).isEmpty();
        CaptureOutcome accepted = operator.acceptCaptured("c-flow-test-0002", ReleaseId.of(captured), "efs-evacuation c-flow-test-0002");
        assertThat(accepted.kind()).as(accepted.message()).isEqualTo(CaptureOutcome.Kind.ALREADY_RECORDED);
    }

    @Test
    @Order(6)
    void acceptCaptured_ofAForgedCaptureOfTheSameRelease_refusesItAndLeavesTheReleaseAlone() throws Exception {
        byte[] release = bytes("releases/" + captured + "/release.tar.gz");
        byte[] manifest = bytes("releases/" + captured + "/manifest.json");
        // A compromised instance can write only under captures/: a consistent capture (its manifest
        // matches its tarball) claiming the recorded release's id with other code.
        byte[] forged = "forged code".getBytes(StandardCharsets.UTF_8);
        Manifest.Artifact real = Manifest.parse(new String(manifest, StandardCharsets.UTF_8)).artifact();
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(forged));
        put("captures/c-flow-test-forged/release.tar.gz", forged);
        put("captures/c-flow-test-forged/manifest.json", new String(manifest, StandardCharsets.UTF_8)
                .replace(real.sha256(), sha256).replace("\"bytes\":" + real.bytes(), "\"bytes\":" + forged.length)
                .getBytes(StandardCharsets.UTF_8));

        CaptureOutcome outcome = operator.acceptCaptured("c-flow-test-forged", ReleaseId.of(captured), "efs-evacuation forged");

        assertThat(outcome.kind()).isEqualTo(CaptureOutcome.Kind.FAILED);
        assertThat(outcome.failure()).as(outcome.message()).isEqualTo("CONFLICTING_RELEASE");
        assertThat(bytes("releases/" + captured + "/release.tar.gz")).isEqualTo(release);
        assertThat(bytes("releases/" + captured + "/manifest.json")).isEqualTo(manifest);
    }

    private GetCommandInvocationResponse capture(String captureId) {
        String commandId = cloud.ssm().sendCommand(b -> b.documentName(cloud.template().outputs().get("CaptureReleaseDocumentName"))
                .instanceIds(instance.id())
                .parameters(Map.of("CaptureId", List.of(captureId), "ReleaseBucket", List.of(cloud.releaseBucket()),
                        "Environment", List.of(ENV))))
                .command().commandId();
        GetCommandInvocationResponse[] last = new GetCommandInvocationResponse[1];
        await(() -> {
            last[0] = cloud.ssm().getCommandInvocation(b -> b.commandId(commandId).instanceId(instance.id()));
            return !List.of("Pending", "InProgress", "Delayed").contains(last[0].statusAsString());
        });
        return last[0];
    }

    private byte[] bytes(String key) {
        return cloud.s3().getObjectAsBytes(b -> b.bucket(cloud.releaseBucket()).key(key)).asByteArray();
    }

    private void put(String key, byte[] content) {
        cloud.s3().putObject(b -> b.bucket(cloud.releaseBucket()).key(key), RequestBody.fromBytes(content));
    }

    private List<String> keys(String prefix) {
        return cloud.s3().listObjectsV2(b -> b.bucket(cloud.releaseBucket()).prefix(prefix)).contents().stream()
                .map(S3Object::key).sorted().toList();
    }

    private Json.Node json(String key) {
        return Json.parse(new String(cloud.s3().getObjectAsBytes(b -> b.bucket(cloud.releaseBucket()).key(key)).asByteArray(),
                StandardCharsets.UTF_8));
    }

    private String runningRelease() {
        try {
            Path file = instance.root().resolve("var/lib/fleetpress/release");
            return Files.exists(file) ? Files.readString(file).trim() : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Run Command executions are not part of awaitIdle: poll for the outcome they lead to. */
    private static void await(Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.get()) {
            assertThat(System.nanoTime()).as("condition not met within " + LIMIT).isLessThan(deadline);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
    }
}

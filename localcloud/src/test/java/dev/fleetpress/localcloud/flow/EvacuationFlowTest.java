package dev.fleetpress.localcloud.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.Settings;
import dev.fleetpress.efs.EvacuationRecord;
import dev.fleetpress.efs.EvacuationReport;
import dev.fleetpress.efs.Evacuations;
import dev.fleetpress.localcloud.LocalCloud;
import dev.fleetpress.localcloud.LocalGit;
import dev.fleetpress.localcloud.autoscaling.InstanceView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * The EFS exit plan end to end on localcloud, started by hand as {@code fleetpress efs evacuate} starts it:
 * the capture document runs on the production instance whose webroot is on EFS, the command's status event
 * reaches EfsFunction, which accepts and promotes the captured release (the rollout installs it) and starts
 * the media export of the EFS webroot's uploads; MediaFunction imports them, and the report says what is
 * left on EFS and what the site still reads from it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvacuationFlowTest {
    private static final Duration LIMIT = Duration.ofMinutes(3);
    private static final String GROUP = "fleetpress-production";
    private static final String FILE_SYSTEM = "fs-0123456789abcdef0";

    private Path tmp;
    private LocalCloud cloud;
    private InstanceView instance;
    private String built;

    @BeforeAll
    void anInstanceServesASiteFromEfs() throws Exception {
        tmp = Files.createTempDirectory("evacuation-flow-");
        LocalGit site = LocalGit.copyOf(Flows.ROOT.resolve("examples/site"), tmp.resolve("site"));
        cloud = LocalCloud.builder().projectRoot(Flows.ROOT).dataDir(tmp.resolve("cloud")).siteRepository(site.dir())
                .timeScale(0.1).fileSystem("production", FILE_SYSTEM, 10L * 1024 * 1024 * 1024).build();
        String config = cloud.parameterPrefix() + "/config/production/";
        cloud.ssm().putParameter(b -> b.name(config + "DB_HOST").value("localdb").type(ParameterType.STRING));
        cloud.ssm().putParameter(b -> b.name(config + "DB_NAME").value("wp_production").type(ParameterType.STRING));
        cloud.database("localdb", "wp_production").install(60421);
        built = Flows.promote(cloud, site);
        cloud.autoScaling().scale(GROUP, 1);
        assertThat(cloud.autoScaling().awaitSteady(GROUP, LIMIT)).isTrue();
        assertThat(cloud.awaitIdle(LIMIT)).isTrue();
        instance = cloud.autoScaling().instances(GROUP).get(0);

        // The site as it lived on EFS: the built release's files stand in for a WordPress installed by hand,
        // with core at the top, its own wp-config.php, and uploads.
        Path efs = cloud.efs().folder(FILE_SYSTEM);
        copy(instance.root().resolve("var/www/fleetpress/current").toRealPath(), efs);
        // The release's own bookkeeping and its generated wp-config.php (a link) are not part of a hand-made site.
        run("rm", "-rf", efs.resolve(".fleetpress").toString(), efs.resolve("wp-config.php").toString());
        write(efs.resolve("wp-includes/version.php"), "<?php\n$wp_version = '6.8.3';\n$wp_db_version = 60421;\n");
        write(efs.resolve("wp-config.php"), "<?php\ndefine('DB_PASSWORD', 'secret');\n");
        write(efs.resolve("efs-only.php"), "<?php\necho 'only on EFS';\n");
        for (int i = 0; i < 12; i++) {
            write(efs.resolve(String.format("wp-content/uploads/2026/%02d/photo-%02d.jpg", 1 + i % 12, i)), "jpeg " + i);
        }
        cloud.efs().mount(FILE_SYSTEM, cloud.instances().find(instance.id()).orElseThrow(), "/var/www/html");
    }

    @AfterAll
    void stop() {
        if (cloud != null) {
            cloud.close();
        }
        LocalCloud.deleteRecursively(tmp);
    }

    @Test
    void start_byHand_capturesPromotesMigratesAndReports() {
        Evacuations plans = Evacuations.create(cloud.dependencies(), Settings.of(cloud.environmentOf("EfsFunction")));

        EvacuationRecord started = plans.start("production", "operator");

        assertThat(started.capture().commandId()).isNotEmpty();
        await(() -> plan().map(p -> p.step() == EvacuationRecord.Step.REPORT || p.state() != EvacuationRecord.State.RUNNING)
                .orElse(false));
        assertThat(cloud.awaitIdle(LIMIT)).isTrue();
        await(() -> {
            plans.reconcile();
            return plan().map(p -> p.state() != EvacuationRecord.State.RUNNING).orElse(false);
        });

        EvacuationRecord plan = plan().orElseThrow();
        assertThat(plan.state()).as(plan.reason()).isEqualTo(EvacuationRecord.State.DONE);
        assertThat(plan.capture().releaseId()).isNotEqualTo(built).matches("r-[0-9a-f]{12}");
        assertThat(plan.capture().webrootOnEfs()).isTrue();
        assertThat(plan.promotion().result()).isEqualTo("PROMOTED");
        // The instance uploaded under captures/ only; EfsFunction copied the verified capture into the release.
        String captured = "captures/" + plan.capture().captureId() + "/";
        String released = "releases/" + plan.capture().releaseId() + "/";
        assertThat(read(released + "manifest.json")).isEqualTo(read(captured + "manifest.json"));
        assertThat(bytes(released + "release.tar.gz")).isEqualTo(bytes(captured + "release.tar.gz"));
        assertThat(read(released + "release.json")).contains(plan.capture().captureId());
        EvacuationReport report = EvacuationReport.fromJson(read("efs/reports/production.json"));
        assertThat(report.releaseId()).isEqualTo(plan.capture().releaseId());
        assertThat(report.instancesInService()).isEqualTo(1);
        assertThat(report.instancesReadingCode()).isEmpty();
        assertThat(report.uploadsFiles()).isEqualTo(12);
        assertThat(report.uploadsVerified()).isEqualTo(12);
        assertThat(report.uploadsReadFromEfs()).isTrue();
        assertThat(cloud.efs().folder(FILE_SYSTEM).resolve("wp-content/uploads/2026/01/photo-00.jpg")).exists();
    }

    private Optional<EvacuationRecord> plan() {
        try {
            return Optional.of(EvacuationRecord.fromJson(read("efs/evacuations/production.json")));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    private String read(String key) {
        return cloud.s3().getObjectAsBytes(b -> b.bucket(cloud.releaseBucket()).key(key)).asUtf8String();
    }

    private byte[] bytes(String key) {
        return cloud.s3().getObjectAsBytes(b -> b.bucket(cloud.releaseBucket()).key(key)).asByteArray();
    }

    private static void await(Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.get()) {
            assertThat(System.nanoTime()).as("condition not met within " + LIMIT).isLessThan(deadline);
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException, InterruptedException {
        Files.createDirectories(to);
        run("cp", "-a", from + "/.", to.toString());
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    }
}

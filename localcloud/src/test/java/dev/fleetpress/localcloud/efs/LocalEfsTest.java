package dev.fleetpress.localcloud.efs;

import static dev.fleetpress.localcloud.efs.CreditModel.GIB;
import static dev.fleetpress.localcloud.efs.CreditModel.KIB;
import static dev.fleetpress.localcloud.efs.CreditModel.MIB;
import static dev.fleetpress.localcloud.efs.CreditModel.TIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fleetpress.localcloud.cloudwatch.MetricKey;
import dev.fleetpress.localcloud.cloudwatch.MetricStore;
import dev.fleetpress.localcloud.cloudwatch.SimulatedClock;
import dev.fleetpress.localcloud.ec2.Instances;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.efs.model.BadRequestException;
import software.amazon.awssdk.services.efs.model.FileSystemAlreadyExistsException;
import software.amazon.awssdk.services.efs.model.FileSystemDescription;
import software.amazon.awssdk.services.efs.model.FileSystemNotFoundException;
import software.amazon.awssdk.services.efs.model.InternalServerErrorException;
import software.amazon.awssdk.services.efs.model.ThroughputMode;
import software.amazon.awssdk.services.efs.model.TooManyRequestsException;

class LocalEfsTest {
    private static final String FS = "fs-0123456789abcdef0";
    private static final long HUNDRED_GIB = 100 * GIB;
    private static final Instant START = Instant.parse("2026-11-27T20:00:00Z");

    @TempDir
    Path dir;
    private SimulatedClock clock;
    private MetricStore metrics;
    private LocalEfs efs;

    @BeforeEach
    void setUp() {
        clock = SimulatedClock.at(START);
        metrics = new MetricStore();
        efs = LocalEfs.create(dir.resolve("efs"), clock, metrics, "us-east-1", "000000000000");
    }

    @Test
    void describeFileSystems_whenCreated_showsModeSizeAndState() {
        efs.create(FS, HUNDRED_GIB, ThroughputMode.BURSTING);

        FileSystemDescription d = efs.describeFileSystems(r -> r.fileSystemId(FS)).fileSystems().get(0);

        assertThat(d.fileSystemId()).isEqualTo(FS);
        assertThat(d.name()).isEqualTo(FS);
        assertThat(d.throughputMode()).isEqualTo(ThroughputMode.BURSTING);
        assertThat(d.provisionedThroughputInMibps()).isNull();
        assertThat(d.sizeInBytes().value()).isEqualTo(HUNDRED_GIB);
        assertThat(d.lifeCycleStateAsString()).isEqualTo("available");
        assertThat(d.fileSystemArn()).isEqualTo("arn:aws:elasticfilesystem:us-east-1:000000000000:file-system/" + FS);
    }

    @Test
    void describeFileSystems_whenUnknownId_throwsFileSystemNotFound() {
        assertThatThrownBy(() -> efs.describeFileSystems(r -> r.fileSystemId("fs-00000000")))
                .isInstanceOfSatisfying(FileSystemNotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("FileSystemNotFound");
                });
    }

    @Test
    void describeFileSystems_whenNoFilter_listsAll() {
        efs.create(FS, HUNDRED_GIB, ThroughputMode.BURSTING);
        efs.createFileSystem(r -> r.creationToken("t1"));

        assertThat(efs.describeFileSystems(r -> { }).fileSystems()).hasSize(2);
        assertThat(efs.describeFileSystems(r -> r.creationToken("t1")).fileSystems()).hasSize(1);
    }

    @Test
    void createFileSystem_whenSameCreationToken_throwsAlreadyExistsWithItsId() {
        String id = efs.createFileSystem(r -> r.creationToken("t1").tags(t -> t.key("Name").value("web"))).fileSystemId();

        assertThat(id).matches("fs-[0-9a-f]{17}");
        assertThat(efs.describeFileSystems(r -> r.fileSystemId(id)).fileSystems().get(0).name()).isEqualTo("web");
        assertThatThrownBy(() -> efs.createFileSystem(r -> r.creationToken("t1")))
                .isInstanceOfSatisfying(FileSystemAlreadyExistsException.class, e -> assertThat(e.fileSystemId()).isEqualTo(id));
    }

    @Test
    void createFileSystem_whenProvisionedWithoutMibps_throwsBadRequest() {
        assertThatThrownBy(() -> efs.createFileSystem(r -> r.creationToken("t").throughputMode(ThroughputMode.PROVISIONED)))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("ProvisionedThroughputInMibps");
    }

    @Test
    void updateFileSystem_whenNewFileSystem_mayChangeModeAtOnce() {
        efs.create(FS, HUNDRED_GIB, ThroughputMode.BURSTING);

        var response = efs.updateFileSystem(r -> r.fileSystemId(FS).throughputMode(ThroughputMode.ELASTIC));

        assertThat(response.throughputMode()).isEqualTo(ThroughputMode.ELASTIC);
        assertThat(efs.describeFileSystems(r -> r.fileSystemId(FS)).fileSystems().get(0).throughputMode())
                .isEqualTo(ThroughputMode.ELASTIC);
    }

    @Test
    void updateFileSystem_whenSecondModeChangeWithin24Hours_throwsTooManyRequestsNamingWhen() {
        efs.create(FS, HUNDRED_GIB, ThroughputMode.BURSTING);
        efs.updateFileSystem(r -> r.fileSystemId(FS).throughputMode(ThroughputMode.ELASTIC));
        clock.advance(Duration.ofHours(23).plusMinutes(59));

        assertThatThrownBy(() -> efs.updateFileSystem(r -> r.fileSystemId(FS).throughputMode(ThroughputMode.BURSTING)))
                .isInstanceOfSatisfying(TooManyRequestsException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(429);
                    assertThat(e.errorCode()).isEqualTo("TooManyRequests");
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("TooManyRequests");
                    assertThat(e.getMessage()).contains("2026-11-28T20:00:00Z");
                });
        assertThat(efs.describeFileSystems(r -> r.fileSystemId(FS)).fileSystems().get(0).throughputMode())
                .isEqualTo(ThroughputMode.ELASTIC);
    }

    @Test
    void updateFileSystem_when24HoursPassed_allowsTheNextModeChange() {
        efs.create(FS, HUNDRED_GIB, ThroughputMode.BURSTING);
        efs.updateFileSystem(r -> r.fileSystemId(FS).throughputMode(ThroughputMode.ELASTIC));
        clock.advance(Duration.ofHours(24));

        var response = efs.updateFileSystem(r -> r.fileSystemId(FS).throughputMode(ThroughputMode.BURSTING));

        assertThat(response.throughputMode()).isEqualTo(ThroughputMode.BURSTING);
    }

    @Test
    void updateFileSystem_whenProvisionedIncreaseWithin24Hours_isAllowed() {
        efs.create(FS, HUNDRED_GIB, ThroughputMode.BURSTING);
        efs.updateFileSystem(r -> r.fileSystemId(FS).throughputMode(ThroughputMode.PROVISIONED).provisionedThroughputInMibps(100.0));
        clock.advance(Duration.ofHours(1));

        var response = efs.updateFileSystem(r -> r.fileSystemId(FS).provisionedThroughputInMibps(200.0));

        assertThat(response.provisionedThroughputInMibps()).isEqualTo(200.0);
        assertThat(response.throughputMode()).isEqualTo(ThroughputMode.PROVISIONED);
    }

    @Test
    void updateFileSystem_whenProvisionedDecreaseWithin24Hours_throwsTooManyRequests() {
        efs.create(FS, HUNDRED_GIB, ThroughputMode.BURSTING);
        efs.updateFileSystem(r -> r.fileSystemId(FS).throughputMode(ThroughputMode.PROVISIONED).provisionedThroughputInMibps(100.0));
        clock.advance(Duration.ofHours(1));

        assertThatThrownBy(() -> efs.updateFileSystem(r -> r.fileSystemId(FS).provisionedThroughputInMibps(50.0)))
                .isInstanceOf(TooManyRequestsException.class);
    }

    @Test
    void updateFileSystem_whenIncreaseThenModeChange_measuresFromLastRestrictedChangeOnly() {
        efs.create(FS, HUNDRED_GIB, ThroughputMode.BURSTING);
        efs.updateFileSystem(r -> r.fileSystemId(FS).throughputMode(ThroughputMode.PROVISIONED).provisionedThroughputInMibps(100.0));
        clock.advance(Duration.ofHours(20));
        efs.updateFileSystem(r -> r.fileSystemId(FS).provisionedThroughputInMibps(150.0));
        clock.advance(Duration.ofHours(4));

        var response = efs.updateFileSystem(r -> r.fileSystemId(FS).throughputMode(ThroughputMode.BURSTING));

        assertThat(response.throughputMode()).isEqualTo(ThroughputMode.BURSTING);
        assertThat(response.provisionedThroughputInMibps()).isNull();
    }

    @Test
    void updateFileSystem_whenNothingChanges_answersWithoutUsingTheBudget() {
        efs.create(FS, HUNDRED_GIB, ThroughputMode.BURSTING);
        efs.updateFileSystem(r -> r.fileSystemId(FS).throughputMode(ThroughputMode.BURSTING));

        var response = efs.updateFileSystem(r -> r.fileSystemId(FS).throughputMode(ThroughputMode.ELASTIC));

        assertThat(response.throughputMode()).isEqualTo(ThroughputMode.ELASTIC);
    }

    @Test
    void updateFileSystem_whenUnknownId_throwsFileSystemNotFound() {
        assertThatThrownBy(() -> efs.updateFileSystem(r -> r.fileSystemId(FS).throughputMode(ThroughputMode.ELASTIC)))
                .isInstanceOf(FileSystemNotFoundException.class);
    }

    @Test
    void failNext_whenSet_failsThatManyCallsWith500ThenRecovers() {
        efs.create(FS, HUNDRED_GIB, ThroughputMode.BURSTING);
        efs.failNext("UpdateFileSystem", 2);

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> efs.updateFileSystem(r -> r.fileSystemId(FS).throughputMode(ThroughputMode.ELASTIC)))
                    .isInstanceOfSatisfying(InternalServerErrorException.class, e -> assertThat(e.statusCode()).isEqualTo(500));
        }
        assertThat(efs.describeFileSystems(r -> r.fileSystemId(FS)).fileSystems().get(0).throughputMode())
                .isEqualTo(ThroughputMode.BURSTING);
        assertThat(efs.updateFileSystem(r -> r.fileSystemId(FS).throughputMode(ThroughputMode.ELASTIC)).throughputMode())
                .isEqualTo(ThroughputMode.ELASTIC);
    }

    @Test
    void failNext_whenAnyOperation_failsDescribeToo() {
        efs.create(FS, HUNDRED_GIB, ThroughputMode.BURSTING);
        efs.failNext(1);

        assertThatThrownBy(() -> efs.describeFileSystems(r -> r.fileSystemId(FS))).isInstanceOf(InternalServerErrorException.class);
        assertThat(efs.describeFileSystems(r -> r.fileSystemId(FS)).fileSystems()).hasSize(1);
    }

    @Test
    void creditBalance_whenNew_isTwoPointOneTib() {
        efs.create(FS, HUNDRED_GIB, ThroughputMode.BURSTING);

        assertThat(efs.creditBalance(FS)).isEqualTo(2.1 * TIB);
    }

    @Test
    void load_whenAboveBaselineInBursting_exhaustsCreditsAtTheModelsTime() {
        efs.create(FS, HUNDRED_GIB, ThroughputMode.BURSTING);
        efs.load(FS, 100.0 * MIB);
        double drain = 100.0 * MIB - 5000.0 * KIB;
        long secondsToEmpty = (long) Math.ceil(2.1 * TIB / drain);

        clock.advance(Duration.ofSeconds(secondsToEmpty - 60));
        assertThat(efs.creditBalance(FS)).isCloseTo(drain * 60, within(drain));
        assertThat(efs.servedBytesPerSecond(FS)).isEqualTo(100.0 * MIB);

        clock.advance(Duration.ofSeconds(120));
        assertThat(efs.creditBalance(FS)).isZero();
        assertThat(efs.servedBytesPerSecond(FS)).isEqualTo(5000.0 * KIB);
    }

    @Test
    void load_whenElastic_servesTheLoadAndCreditsStayFull() {
        efs.create(FS, HUNDRED_GIB, ThroughputMode.ELASTIC);
        efs.load(FS, 300.0 * MIB);

        clock.advance(Duration.ofHours(10));

        assertThat(efs.creditBalance(FS)).isEqualTo(2.1 * TIB);
        assertThat(efs.servedBytesPerSecond(FS)).isEqualTo(300.0 * MIB);
    }

    @Test
    void publishUntil_whenTimePasses_publishesTheBalanceEveryMinute() {
        efs.create(FS, HUNDRED_GIB, ThroughputMode.BURSTING);
        efs.load(FS, 100.0 * MIB);

        clock.advance(Duration.ofMinutes(10).plusSeconds(30));
        efs.publishUntil(clock.instant());

        var series = metrics.series(MetricKey.burstCreditBalance(FS), "SampleCount", 60, START, clock.instant());
        assertThat(series).hasSize(11);
        assertThat(series.values()).containsOnly(1.0);
        double drain = 100.0 * MIB - 5000.0 * KIB;
        assertThat(metrics.latest(MetricKey.burstCreditBalance(FS), clock.instant()))
                .isCloseTo(2.1 * TIB - drain * 600, within(1.0));
    }

    @Test
    void publishUntil_whenDrainingAcrossAPeriod_averagesTheFiveMinuteSamples() {
        efs.create(FS, HUNDRED_GIB, ThroughputMode.BURSTING);
        efs.load(FS, 100.0 * MIB);
        clock.advance(Duration.ofMinutes(10));
        efs.publishUntil(clock.instant());
        double drain = 100.0 * MIB - 5000.0 * KIB;

        var series = metrics.series(MetricKey.burstCreditBalance(FS), "Average", 300, START, clock.instant());

        // samples at minutes 0..4 and 5..9: averages at 2 and 7 minutes of drain
        assertThat(series.get(START)).isCloseTo(2.1 * TIB - drain * 120, within(1.0));
        assertThat(series.get(START.plusSeconds(300))).isCloseTo(2.1 * TIB - drain * 420, within(1.0));
    }

    @Test
    void mount_whenInstanceRoot_linksPathToDataFolderAndWritesProcMounts(@TempDir Path instances) throws Exception {
        efs.create(FS, HUNDRED_GIB, ThroughputMode.BURSTING);
        Files.writeString(efs.folder(FS).resolve("index.php"), "<?php");
        Instances.Instance instance = Instances.create(instances, clock).launch("web");
        Files.createDirectories(instance.root().resolve("var/www/html"));

        efs.mount(FS, instance, "/var/www/html");
        efs.mount(FS, instance, "/var/www/html");

        assertThat(instance.root().resolve("var/www/html/index.php")).hasContent("<?php");
        assertThat(Files.readAllLines(instance.root().resolve("proc/mounts")))
                .containsExactly(FS + ".efs.us-east-1.amazonaws.com:/ /var/www/html nfs4 rw,relatime 0 0");
    }

    @Test
    void mount_whenTargetFolderNotEmpty_refuses(@TempDir Path instances) throws Exception {
        efs.create(FS, HUNDRED_GIB, ThroughputMode.BURSTING);
        Instances.Instance instance = Instances.create(instances, clock).launch("web");
        Files.createDirectories(instance.root().resolve("var/www/html"));
        Files.writeString(instance.root().resolve("var/www/html/local.txt"), "x");

        assertThatThrownBy(() -> efs.mount(FS, instance, "/var/www/html"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not empty");
    }

    @Test
    void mount_whenPathEscapes_refuses(@TempDir Path instances) {
        efs.create(FS, HUNDRED_GIB, ThroughputMode.BURSTING);
        Instances.Instance instance = Instances.create(instances, clock).launch("web");

        assertThatThrownBy(() -> efs.mount(FS, instance, "/var/../../etc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> efs.mount(FS, instance, "relative")).isInstanceOf(IllegalArgumentException.class);
    }
}

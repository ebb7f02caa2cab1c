package dev.fleetpress.localcloud.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.efs.EvacuationRecord;
import dev.fleetpress.efs.FileSystemRecord;
import dev.fleetpress.localcloud.LocalCloud;
import dev.fleetpress.localcloud.LocalGit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.efs.model.ThroughputMode;

/**
 * The EFS response on localcloud: a load drains the production file system's credits on simulated time,
 * the template's time-to-exhaustion alarm fires, EfsFunction switches the file system to elastic once,
 * records the incident, notifies once and starts the exit plan.
 */
class EfsResponseFlowTest {
    private static final String FS = "fs-0123456789abcdef0";
    private static final long TEN_GIB = 10L * 1024 * 1024 * 1024;

    private Path tmp;
    private LocalCloud cloud;

    @BeforeEach
    void start() throws Exception {
        tmp = Files.createTempDirectory("efs-flow-");
        LocalGit site = LocalGit.copyOf(Flows.ROOT.resolve("examples/site"), tmp.resolve("site"));
        cloud = LocalCloud.builder().projectRoot(Flows.ROOT).dataDir(tmp.resolve("cloud")).siteRepository(site.dir())
                .timeScale(0.1).schedules(false).simulatedStart(Instant.parse("2026-11-27T20:00:00Z"))
                .fileSystem("production", FS, TEN_GIB).simulatedSchedule("EfsFunction", Duration.ofMinutes(5)).build();
    }

    @AfterEach
    void stop() {
        if (cloud != null) {
            cloud.close();
        }
        LocalCloud.deleteRecursively(tmp);
    }

    private String read(String key) {
        return cloud.s3().getObjectAsBytes(b -> b.bucket(cloud.template().outputs().get("ReleaseBucketName")).key(key))
                .asUtf8String();
    }

    @Test
    void drain_whenCreditsRunLow_switchesToElasticOnceNotifiesAndStartsTheExitPlan() {
        cloud.efs().load(FS, 80.0 * 1024 * 1024);

        cloud.cloudWatch().advance(Duration.ofHours(8));

        assertThat(cloud.efs().describeFileSystems(b -> b.fileSystemId(FS)).fileSystems().get(0).throughputMode())
                .isEqualTo(ThroughputMode.ELASTIC);
        FileSystemRecord record = FileSystemRecord.fromJson(read("efs/" + FS + ".json"));
        assertThat(record.history()).singleElement().satisfies(h -> assertThat(h.result()).isEqualTo("CHANGED"));
        assertThat(record.incidents()).hasSize(1);
        assertThat(record.samples()).isNotEmpty();
        assertThat(cloud.sns().published(cloud.template().outputs().get("AlertTopicArn")))
                .filteredOn(p -> p.toString().contains("EFS burst credits")).hasSize(1);
        EvacuationRecord plan = EvacuationRecord.fromJson(read("efs/evacuations/production.json"));
        assertThat(plan.state()).isEqualTo(EvacuationRecord.State.RUNNING);
        // No instance runs in this cloud: the plan waits for one to capture from, saying so.
        assertThat(plan.reason()).contains("no InService instance in fleetpress-production");
    }
}

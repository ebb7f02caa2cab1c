package dev.fleetpress.localcloud.cloudwatch;

import static dev.fleetpress.localcloud.efs.CreditModel.GIB;
import static dev.fleetpress.localcloud.efs.CreditModel.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.localcloud.LocalCloud;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.efs.model.ThroughputMode;

/** LocalCloud's wiring of EFS, CloudWatch and simulated time. */
class LocalCloudSimulatedTimeTest {
    private static final Path ROOT = Path.of(System.getProperty("fleetpress.root", "..")).toAbsolutePath().normalize();
    private static final Instant START = Instant.parse("2026-11-27T20:00:00Z");
    private static final String FS = "fs-0123456789abcdef0";
    private static final String ALARM = "fleetpress-local-efs-credits-production";

    @TempDir
    Path tmp;

    private LocalCloud.Builder builder() {
        return LocalCloud.builder().projectRoot(ROOT).dataDir(tmp.resolve("cloud")).siteRepository(tmp)
                .schedules(false).simulatedStart(START);
    }

    @Test
    void build_whenNoFileSystemConfigured_hasNoCreditAlarmsAndGivesFunctionsTheSimulatedClock() {
        try (LocalCloud cloud = builder().build()) {
            assertThat(cloud.cloudWatch().alarmNames()).noneMatch(n -> n.contains("efs-credits"));
            assertThat(cloud.efs().fileSystemIds()).isEmpty();
            assertThat(cloud.dependencies().efs()).isSameAs(cloud.efs());
            assertThat(cloud.dependencies().cloudWatch()).isSameAs(cloud.cloudWatch());
            assertThat(cloud.dependencies().clock()).isSameAs(cloud.clock());
            assertThat(cloud.clock().instant()).isEqualTo(START);

            cloud.cloudWatch().advance(Duration.ofDays(2));

            assertThat(cloud.dependencies().clock().instant()).isEqualTo(START.plus(Duration.ofDays(2)));
        }
    }

    @Test
    void build_whenFileSystemConfigured_createsItAndItsTemplateAlarm() {
        try (LocalCloud cloud = builder().fileSystem("production", FS, 100 * GIB).build()) {
            assertThat(cloud.cloudWatch().alarmNames()).contains(ALARM).noneMatch(n -> n.endsWith("-staging"));
            assertThat(cloud.efs().describeFileSystems(r -> r.fileSystemId(FS)).fileSystems().get(0).throughputMode())
                    .isEqualTo(ThroughputMode.BURSTING);
            assertThat(cloud.environmentOf("EfsFunction").get("EFS_FILE_SYSTEMS")).contains("production=" + FS);
        }
    }

    @Test
    void advance_whenCreditsRunLow_alarmEventReachesEfsFunctionInSimulatedTime() {
        try (LocalCloud cloud = builder().fileSystem("production", FS, 100 * GIB).build()) {
            cloud.efs().load(FS, 100.0 * MIB);

            cloud.cloudWatch().advance(Duration.ofHours(4));

            // EfsFunction handles the ALARM event before time moves on: it switches to elastic, the balance
            // stops falling, and the alarm is OK again at the next evaluations.
            List<StateChange> history = cloud.cloudWatch().history(ALARM);
            assertThat(history).extracting(StateChange::value).containsExactly("OK", "ALARM", "OK");
            assertThat(cloud.events().matchingFunctions(history.get(1).eventJson())).containsExactly("EfsFunction");
            assertThat(cloud.events().counters().delivered()).isGreaterThanOrEqualTo(3);
            assertThat(cloud.events().deadLetters()).isEmpty();
            assertThat(cloud.efs().describeFileSystems(r -> r.fileSystemId(FS)).fileSystems().get(0).throughputMode())
                    .isEqualTo(ThroughputMode.ELASTIC);
            assertThat(history.get(2).at()).isBefore(history.get(1).at().plus(Duration.ofMinutes(20)));
        }
    }

    @Test
    void simulatedSchedule_whenTimePasses_firesTheFunctionsSchedule() {
        try (LocalCloud cloud = builder().simulatedSchedule("EfsFunction", Duration.ofMinutes(5)).build()) {
            long before = cloud.scheduler().fired();

            cloud.cloudWatch().advance(Duration.ofMinutes(30));

            assertThat(cloud.scheduler().fired() - before).isEqualTo(6);
        }
    }

    @Test
    void simulatedSchedule_whenFunctionHasNoSchedule_failsAtBuild() {
        assertThatThrownBy(() -> builder().simulatedSchedule("NoSuchFunction", Duration.ofMinutes(5)).build().close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NoSuchFunction");
    }

    @Test
    void fileSystem_whenUnknownEnvironment_refuses() {
        assertThatThrownBy(() -> builder().fileSystem("qa", FS, GIB)).isInstanceOf(IllegalArgumentException.class);
    }
}

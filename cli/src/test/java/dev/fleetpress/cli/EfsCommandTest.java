package dev.fleetpress.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.efs.EvacuationRecord;
import dev.fleetpress.efs.FileSystemRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;

class EfsCommandTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    private static CliRun run(String... args) {
        return CliRun.run(args);
    }

    @Test
    void evacuate_whenTheEnvironmentCouldReachAShell_exits2() {
        CliRun r = run("efs", "evacuate", "prod;rm -rf /");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("environment");
    }

    @Test
    void evacuate_whenTheInstanceIsNotAnId_exits2() {
        CliRun r = run("efs", "evacuate", "staging", "--instance", "i-$(reboot)");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--instance");
    }

    @Test
    void evacuate_whenTheReleaseBucketIsGivenWithoutAws_exits2() {
        CliRun r = run("efs", "evacuate", "staging", "--release-bucket", "some-bucket");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--release-bucket goes with --aws");
    }

    @Test
    void status_whenAwsHasNoReleaseBucket_exits2NamingTheOutput() {
        CliRun r = run("efs", "status", "--aws", "--stack", "fleetpress", "--media-bucket", "fleetpress-media-1");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("ReleaseBucketName");
    }

    @Test
    void status_withoutLocalState_saysHowToStartAndExits2(@TempDir Path empty) {
        System.setProperty("fleetpress.home", empty.toString());
        try {
            CliRun r = run("efs", "status");

            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("local up");
        } finally {
            System.clearProperty("fleetpress.home");
        }
    }

    @Test
    void print_whenNothingIsRecorded_saysWhatRecordsAFileSystem() {
        String out = print(List.of(), Map.of());

        assertThat(out).contains("No file system recorded yet", "ProductionFileSystemId");
    }

    @Test
    void print_aFileSystemJustSwitched_showsTheWaitUntilTheNextAllowedChange() {
        FileSystemRecord r = FileSystemRecord.empty("fs-0123456789abcdef0", "production");
        FileSystemRecord switched = new FileSystemRecord(r.fileSystemId(), r.environment(), "elastic", 0, NOW, r.alarm(),
                List.of(NOW.minusSeconds(3600)), Instant.EPOCH, r.change(), List.of(new FileSystemRecord.HistoryEntry(
                NOW.minusSeconds(3600), "bursting", "elastic", 0, "credit alarm", "CHANGED", "")), List.of(), List.of(), NOW);

        String out = print(List.of(switched), Map.of("production", Optional.empty()));

        assertThat(out).contains("fs-0123456789abcdef0  production  mode elastic", "allowed in 23 h",
                "restricted changes in the last 24 h: 1", "bursting -> elastic: CHANGED", "credits     no sample yet",
                "exit plan production: not started (fleetpress efs evacuate production)");
    }

    @Test
    void oneInstance_answersTheGroupWithThatInstanceInService() {
        AutoScalingClient client = EfsCommand.oneInstance("fleetpress-staging", "i-0123456789abcdef0");

        var groups = client.describeAutoScalingGroups(b -> b.autoScalingGroupNames("fleetpress-staging")).autoScalingGroups();
        var other = client.describeAutoScalingGroups(b -> b.autoScalingGroupNames("fleetpress-production")).autoScalingGroups();

        assertThat(groups).singleElement().satisfies(g -> assertThat(g.instances()).singleElement()
                .satisfies(i -> assertThat(i.lifecycleState()).isEqualTo(LifecycleState.IN_SERVICE)));
        assertThat(other).isEmpty();
    }

    private static String print(List<FileSystemRecord> fileSystems, Map<String, Optional<EvacuationRecord>> plans) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            EfsCommand.print(out, fileSystems, plans, Map.of(), NOW);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}

package dev.fleetpress.efs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.efs.EvacuationRecord.State;
import dev.fleetpress.efs.EvacuationRecord.Step;
import dev.fleetpress.fleet.CommandRunner;
import dev.fleetpress.media.MigrationKeys;
import dev.fleetpress.release.PromotionResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvacuationsTest {
    private final EvacuationWorld world = new EvacuationWorld();

    @Test
    void start_whenNoPlan_sendsTheCaptureToOneInServiceInstance() {
        EvacuationRecord plan = world.evacuations.start("production", "operator");

        assertThat(world.commands.sent()).singleElement().satisfies(c -> {
            assertThat(c.instanceId()).isEqualTo(EvacuationWorld.I1);
            assertThat(c.document()).isEqualTo("fleetpress-local-capture-release");
            assertThat(c.parameters()).isEqualTo(Map.of("CaptureId", EvacuationWorld.CAPTURE_ID,
                    "ReleaseBucket", "fleetpress-local-releasebucket", "Environment", "production",
                    "WebrootPath", "/var/www/html"));
        });
        assertThat(plan.state()).isEqualTo(State.RUNNING);
        assertThat(plan.step()).isEqualTo(Step.CAPTURE);
        assertThat(plan.requestedBy()).isEqualTo("operator");
        assertThat(plan.fileSystemId()).isEqualTo(EvacuationWorld.FS);
        assertThat(plan.capture().commandId()).isEqualTo(world.commands.lastId());
    }

    @Test
    void start_whenThePlanRuns_sendsNothingAgain() {
        world.evacuations.start("production", "operator");
        world.advance(Duration.ofMinutes(10));

        world.evacuations.start("production", "someone else");
        world.evacuations.startOnce("production", "efs-alarm inc-1");

        assertThat(world.commands.sent()).hasSize(1);
        assertThat(world.plan().requestedBy()).isEqualTo("operator");
    }

    @Test
    void startOnce_whenNoPlan_startsItAndSaysSo() {
        String said = world.evacuations.startOnce("production", "efs-alarm inc-20261127-201500");

        assertThat(said).startsWith("exit plan started");
        assertThat(world.plan().requestedBy()).isEqualTo("efs-alarm inc-20261127-201500");
        assertThat(world.commands.sent()).hasSize(1);
    }

    @Test
    void startOnce_whenTheFirstStepFails_recordsThePlanForTheSchedule() {
        world.autoScalingDown = true;

        String said = world.evacuations.startOnce("production", "efs-alarm inc-1");

        assertThat(said).startsWith("exit plan started").contains("failed for now", "Rate exceeded");
        assertThat(world.plan().state()).isEqualTo(State.RUNNING);
        assertThat(world.commands.sent()).isEmpty();

        world.autoScalingDown = false;
        world.evacuations.reconcile();

        assertThat(world.commands.sent()).hasSize(1);
    }

    @Test
    void onCommandStatus_whenCaptureSucceeded_acceptsPromotesAndStartsTheExportOnce() {
        world.evacuations.start("production", "operator");
        world.captureWritten(EvacuationWorld.CAPTURE_ID);
        String capture = world.commands.lastId();

        world.evacuations.onCommandStatus(capture, "Success");

        assertThat(world.accepted).containsExactly(EvacuationWorld.CAPTURE_ID + " " + EvacuationWorld.RELEASE
                + " capture " + EvacuationWorld.CAPTURE_ID + " of " + EvacuationWorld.I1);
        assertThat(world.promoted).containsExactly("production " + EvacuationWorld.RELEASE + " efs-evacuation");
        List<CommandRunner.Command> sent = world.commands.sent();
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1).document()).isEqualTo("fleetpress-local-media-export");
        assertThat(sent.get(1).instanceId()).isEqualTo(EvacuationWorld.I1);
        assertThat(sent.get(1).parameters()).containsEntry("UploadsPath", "/var/www/html/wp-content/uploads")
                .containsEntry("MigrationId", "m-20261127-201500-production-p2x4")
                .containsEntry("MediaBucket", "fleetpress-local-media-000000000000");
        assertThat(world.media.text(MigrationKeys.started("m-20261127-201500-production-p2x4"))).hasValueSatisfying(json ->
                assertThat(json).contains("\"instanceId\":\"" + EvacuationWorld.I1 + "\"", "fleetpress-local-media-export"));
        EvacuationRecord plan = world.plan();
        assertThat(plan.step()).isEqualTo(Step.MIGRATE);
        assertThat(plan.capture().releaseId()).isEqualTo(EvacuationWorld.RELEASE);
        assertThat(plan.capture().files()).isEqualTo(1843);
        assertThat(plan.capture().webrootOnEfs()).isTrue();
        assertThat(plan.capture().acceptance()).isEqualTo("RECORDED");
        assertThat(plan.promotion().result()).isEqualTo("PROMOTED");

        world.evacuations.onCommandStatus(capture, "Success");
        world.evacuations.reconcile();

        assertThat(world.accepted).hasSize(1);
        assertThat(world.promoted).hasSize(1);
        assertThat(world.commands.sent()).hasSize(2);
    }

    @Test
    void onCommandStatus_whenCaptureFailed_stopsWithOneAlertAndStartResumesWithANewCapture() {
        world.evacuations.start("production", "operator");
        String capture = world.commands.lastId();
        world.commands.finish(capture, "Failed", "capture-release: /var/www/html has no wp-includes/version.php");

        world.evacuations.onCommandStatus(capture, "Failed");
        world.evacuations.onCommandStatus(capture, "Failed");
        world.evacuations.reconcile();

        EvacuationRecord stopped = world.plan();
        assertThat(stopped.state()).isEqualTo(State.STOPPED);
        assertThat(stopped.reason()).contains("ended Failed on " + EvacuationWorld.I1, "no wp-includes/version.php");
        assertThat(world.alerts.published()).singleElement().satisfies(a -> {
            assertThat(a.subject()).isEqualTo("FleetPress: exit plan off EFS stopped for production");
            assertThat(a.message()).contains("fleetpress efs evacuate production", "Nothing was deleted from EFS");
        });

        world.advance(Duration.ofMinutes(30));
        EvacuationRecord resumed = world.evacuations.start("production", "operator");

        assertThat(resumed.state()).isEqualTo(State.RUNNING);
        assertThat(world.commands.sent()).hasSize(2);
        assertThat(resumed.capture().captureId()).isEqualTo("c-20261127-204500-production-k3v9");
    }

    @Test
    void onCommandStatus_whenCaptureSucceededWithoutRecord_stops() {
        world.evacuations.start("production", "operator");

        world.evacuations.onCommandStatus(world.commands.lastId(), "Success");

        assertThat(world.plan().state()).isEqualTo(State.STOPPED);
        assertThat(world.plan().reason()).contains("wrote no captures/" + EvacuationWorld.CAPTURE_ID + ".json");
        assertThat(world.accepted).isEmpty();
    }

    @Test
    void onCommandStatus_whenTheCapturedReleaseIsNotAccepted_stopsWithoutPromoting() {
        world.acceptance = CapturedReleaseAcceptor.Kind.FAILED;

        world.throughExport();

        assertThat(world.plan().state()).isEqualTo(State.STOPPED);
        assertThat(world.plan().reason()).contains("was not accepted", "CHECKSUM_MISMATCH");
        assertThat(world.promoted).isEmpty();
        assertThat(world.alerts.published()).hasSize(1);
    }

    @Test
    void onCommandStatus_whenThePromotionIsRefused_stopsWithTheGuardsReason() {
        world.promotion = PromotionResult.Kind.REFUSED;

        world.throughExport();

        EvacuationRecord plan = world.plan();
        assertThat(plan.state()).isEqualTo(State.STOPPED);
        assertThat(plan.step()).isEqualTo(Step.PROMOTE);
        assertThat(plan.reason()).contains("was refused", "newer than");
        assertThat(world.commands.sent()).hasSize(1);
        assertThat(world.alerts.published()).singleElement().satisfies(a -> assertThat(a.message()).contains("promote"));
    }

    @Test
    void onCommandStatus_whenExportSucceeded_writesTheReportAndWaitsForTheVerification() {
        String export = world.throughExport();
        world.runningRelease.add(EvacuationWorld.I1);
        world.media.putText(MigrationKeys.migrationManifest("m-20261127-201500-production-p2x4"),
                "{\"formatVersion\":1,\"migrationId\":\"m-20261127-201500-production-p2x4\",\"shards\":1,\"files\":300,"
                        + "\"bytes\":52428800,\"environment\":\"production\"}");

        world.evacuations.onCommandStatus(export, "Success");

        EvacuationRecord plan = world.plan();
        assertThat(plan.step()).isEqualTo(Step.REPORT);
        assertThat(plan.state()).isEqualTo(State.RUNNING);
        assertThat(plan.reason()).contains("waiting for the import to verify");
        EvacuationReport report = world.records.report("production").orElseThrow();
        assertThat(report.codeFiles()).isEqualTo(1843);
        assertThat(report.releaseId()).isEqualTo(EvacuationWorld.RELEASE);
        assertThat(report.instancesInService()).isEqualTo(2);
        assertThat(report.instancesRunning()).isEqualTo(1);
        assertThat(report.instancesReadingCode()).containsExactly(EvacuationWorld.I2);
        assertThat(report.uploadsFiles()).isEqualTo(300);
        assertThat(report.migrationVerified()).isFalse();
        assertThat(report.uploadsReadFromEfs()).isTrue();
        assertThat(report.summary()).contains("nothing was deleted", "still read code from EFS",
                "fleetpress media configure production");
    }

    @Test
    void reconcile_whenTheImportIsVerified_finishesThePlan() {
        String export = world.throughExport();
        world.evacuations.onCommandStatus(export, "Success");
        world.runningRelease.addAll(List.of(EvacuationWorld.I1, EvacuationWorld.I2));
        world.media.putText(MigrationKeys.ROOT + MigrationKeys.reportLedgerKey("m-20261127-201500-production-p2x4"),
                "{\"formatVersion\":1,\"verified\":298,\"rejected\":[{\"shard\":1,\"path\":\"a.php\",\"reason\":\"PHP\"},"
                        + "{\"shard\":1,\"path\":\"b.php\",\"reason\":\"PHP\"}],\"complete\":true}");

        world.evacuations.reconcile();

        EvacuationRecord plan = world.plan();
        assertThat(plan.state()).isEqualTo(State.DONE);
        assertThat(plan.step()).isEqualTo(Step.DONE);
        EvacuationReport report = world.records.report("production").orElseThrow();
        assertThat(report.instancesReadingCode()).isEmpty();
        assertThat(report.uploadsVerified()).isEqualTo(298);
        assertThat(report.uploadsRejected()).isEqualTo(2);
        assertThat(report.summary()).contains("none reads code from EFS", "298 verified in S3, 2 rejected");

        world.evacuations.reconcile();
        world.evacuations.start("production", "operator");
        assertThat(world.commands.sent()).hasSize(2);
        assertThat(world.plan().state()).isEqualTo(State.DONE);
    }

    @Test
    void reconcile_whenVerifiedButTheRolloutHasNotReachedEveryInstance_waitsForIt() {
        String export = world.throughExport();
        world.evacuations.onCommandStatus(export, "Success");
        world.runningRelease.add(EvacuationWorld.I1);
        world.media.putText(MigrationKeys.ROOT + MigrationKeys.reportLedgerKey("m-20261127-201500-production-p2x4"),
                "{\"formatVersion\":1,\"verified\":12,\"rejected\":[],\"complete\":true}");

        world.evacuations.reconcile();

        assertThat(world.plan().state()).isEqualTo(State.RUNNING);
        assertThat(world.plan().reason()).contains("waiting for the rollout of " + EvacuationWorld.RELEASE,
                EvacuationWorld.I2, "still serve code from EFS");

        world.runningRelease.add(EvacuationWorld.I2);
        world.evacuations.reconcile();

        assertThat(world.plan().state()).isEqualTo(State.DONE);
        assertThat(world.records.report("production").orElseThrow().instancesReadingCode()).isEmpty();
    }

    @Test
    void reconcile_whenALaterPromotionSupersededTheCapture_finishesOnceVerified() {
        world.promotion = PromotionResult.Kind.SUPERSEDED;
        String export = world.throughExport();
        world.evacuations.onCommandStatus(export, "Success");
        world.media.putText(MigrationKeys.ROOT + MigrationKeys.reportLedgerKey("m-20261127-201500-production-p2x4"),
                "{\"formatVersion\":1,\"verified\":12,\"rejected\":[],\"complete\":true}");

        world.evacuations.reconcile();

        assertThat(world.plan().state()).isEqualTo(State.DONE);
    }

    @Test
    void onCommandStatus_whenExportFailed_stopsAndStartResumesTheSameMigration() {
        String export = world.throughExport();

        world.evacuations.onCommandStatus(export, "TimedOut");

        assertThat(world.plan().state()).isEqualTo(State.STOPPED);
        assertThat(world.plan().reason()).contains("media export", "TimedOut");

        world.advance(Duration.ofMinutes(5));
        world.evacuations.start("production", "operator");

        assertThat(world.commands.sent()).hasSize(3);
        assertThat(world.commands.sent().get(2).parameters()).containsEntry("MigrationId",
                "m-20261127-201500-production-p2x4");
        assertThat(world.promoted).hasSize(1);
    }

    @Test
    void reconcile_whenStatusEventsWereLost_asksSsmAndMovesOn() {
        world.evacuations.start("production", "operator");
        world.captureWritten(EvacuationWorld.CAPTURE_ID);
        world.commands.finish(world.commands.lastId(), "Success", "");

        world.evacuations.reconcile();

        assertThat(world.plan().step()).isEqualTo(Step.MIGRATE);
        assertThat(world.commands.sent()).hasSize(2);
    }

    @Test
    void start_whenTheInstanceCannotTakeTheCaptureYet_sendsAgainOnlyAfterTheLease() {
        world.commands.notReady(true);
        world.evacuations.start("production", "operator");
        world.commands.notReady(false);

        world.evacuations.reconcile();
        assertThat(world.commands.sent()).isEmpty();

        world.advance(Evacuations.SEND_LEASE);
        world.evacuations.reconcile();

        assertThat(world.commands.sent()).singleElement().satisfies(c ->
                assertThat(c.parameters()).containsEntry("CaptureId", EvacuationWorld.CAPTURE_ID));
    }

    @Test
    void start_whenTheGroupHasNoInServiceInstance_waitsSayingWhy() {
        world.groups.put(EvacuationWorld.GROUP, List.of());

        EvacuationRecord plan = world.evacuations.start("production", "operator");

        assertThat(plan.state()).isEqualTo(State.RUNNING);
        assertThat(plan.reason()).contains("no InService instance in fleetpress-production");
        assertThat(world.commands.sent()).isEmpty();

        world.groups.put(EvacuationWorld.GROUP, List.of(EvacuationWorld.I2));
        world.evacuations.reconcile();
        assertThat(world.commands.sent()).singleElement().satisfies(c ->
                assertThat(c.instanceId()).isEqualTo(EvacuationWorld.I2));
    }

    @Test
    void onCommandStatus_whenTheCommandBelongsToNoPlan_isIgnored() {
        world.evacuations.start("production", "operator");

        EfsOutcome outcome = world.evacuations.onCommandStatus("0f0f0f0f-0000-4000-8000-0f0f0f0f0f0f", "Success");

        assertThat(outcome.kind()).isEqualTo(EfsOutcome.Kind.IGNORED);
        assertThat(world.plan().step()).isEqualTo(Step.CAPTURE);
    }
}

package dev.fleetpress.efs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The handler over the events/efs fixtures: each shape reaches the right domain call, and bad input changes nothing. */
class EfsHandlerTest {
    private final ResponseWorld world = new ResponseWorld();
    private final EvacuationWorld plans = new EvacuationWorld();
    private final EfsHandler handler = new EfsHandler(world.response, plans.evacuations);

    private static String fixture(String name) {
        try {
            return Files.readString(Path.of(System.getProperty("fleetpress.root"), "events", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Json.Node handle(String json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Json.parse(out.toByteArray());
    }

    @Test
    void parse_whenAlarmFixture_readsNameStateTimestampAndFileSystem() {
        AlarmEvent event = AlarmEvent.parse(Json.parse(fixture("efs/alarm-state-alarm.json")).get("detail"));

        assertThat(event.alarmName()).isEqualTo("fleetpress-local-efs-credits-production");
        assertThat(event.state()).isEqualTo(AlarmState.ALARM);
        assertThat(event.stateTimestamp()).isEqualTo(Instant.parse("2026-11-27T20:15:00.515Z"));
        assertThat(event.fileSystemIds()).containsExactly(ResponseWorld.FS);
        assertThat(event.reason()).startsWith("Threshold Crossed: 2 out of the last 3 datapoints");
    }

    @Test
    void handle_whenAlarmFixture_switchesTheFileSystem() {
        Json.Node answer = handle(fixture("efs/alarm-state-alarm.json"));

        assertThat(answer.text("outcome")).isEqualTo("CHANGED");
        assertThat(answer.text("fileSystemId")).isEqualTo(ResponseWorld.FS);
        assertThat(world.efs.changes()).hasSize(1);
    }

    @Test
    void handle_whenAlarmFixtureTwice_answersDuplicate() {
        handle(fixture("efs/alarm-state-alarm.json"));

        Json.Node again = handle(fixture("efs/alarm-state-alarm.json"));

        assertThat(again.text("outcome")).isEqualTo("DUPLICATE");
        assertThat(world.efs.changes()).hasSize(1);
        assertThat(world.alerts.published()).hasSize(1);
    }

    @Test
    void handle_whenOkFixtureFollowsTheAlarm_closesTheIncident() {
        handle(fixture("efs/alarm-state-alarm.json"));

        Json.Node answer = handle(fixture("efs/alarm-state-ok.json"));

        assertThat(answer.text("outcome")).isEqualTo("UNCHANGED");
        assertThat(world.record().alarm().state()).isEqualTo("OK");
        assertThat(world.record().openIncident()).isEmpty();
    }

    @Test
    void handle_whenOkFixtureArrivesBeforeTheOlderAlarm_theAlarmChangesNothing() {
        handle(fixture("efs/alarm-state-ok.json"));

        Json.Node late = handle(fixture("efs/alarm-state-alarm.json"));

        assertThat(late.text("outcome")).isEqualTo("DUPLICATE");
        assertThat(world.efs.changes()).isEmpty();
        assertThat(world.alerts.published()).isEmpty();
    }

    @Test
    void handle_whenInsufficientDataFixture_recordsOnly() {
        Json.Node answer = handle(fixture("efs/alarm-state-insufficient-data.json"));

        assertThat(answer.text("outcome")).isEqualTo("UNCHANGED");
        assertThat(world.record().alarm().state()).isEqualTo("INSUFFICIENT_DATA");
        assertThat(world.efs.changes()).isEmpty();
    }

    @Test
    void handle_whenAlarmOfSomethingElse_isIgnored() {
        Json.Node answer = handle(fixture("unrouted/alarm-state-other-alarm.json"));

        assertThat(answer.text("outcome")).isEqualTo("IGNORED");
        assertThat(world.ledger.snapshot()).isEmpty();
    }

    @Test
    void handle_whenCaptureStatusOfNoPlan_reachesTheExitPlansAndIsIgnored() {
        Json.Node answer = handle(fixture("efs/capture-success.json"));

        assertThat(answer.text("outcome")).isEqualTo("IGNORED");
        assertThat(answer.text("message")).contains("belongs to no exit plan");
    }

    @Test
    void handle_whenCaptureStatusOfThePlan_movesIt() {
        plans.evacuations.start("production", "operator");
        plans.captureWritten(EvacuationWorld.CAPTURE_ID);
        String event = fixture("efs/capture-success.json").replace("9a6b4c2d-8e1f-4a3b-9c5d-3e4f5a6b7c81",
                plans.commands.lastId());

        Json.Node answer = handle(event);

        assertThat(answer.text("outcome")).isEqualTo("EXIT_PLAN");
        assertThat(plans.plan().step()).isEqualTo(EvacuationRecord.Step.MIGRATE);
    }

    @Test
    void handle_whenCommandOfAnotherDocument_isIgnored() {
        Json.Node answer = handle(fixture("efs/capture-success.json").replace("fleetpress-local-capture-release",
                "fleetpress-local-bootstrap"));

        assertThat(answer.text("outcome")).isEqualTo("IGNORED");
        assertThat(answer.text("message")).contains("neither the capture nor the media export document");
    }

    @Test
    void handle_whenScheduleFixture_reconciles() {
        Json.Node answer = handle(fixture("efs/reconcile-schedule.json"));

        assertThat(answer.text("outcome")).isEqualTo("RECONCILED");
        assertThat(answer.get("results").elements()).hasSize(1);
    }

    @Test
    void handle_whenMalformedJson_rejects() {
        assertThat(handle("{\"source\": ").text("outcome")).isEqualTo("REJECTED");
        assertThat(handle("[1,2]").text("outcome")).isEqualTo("REJECTED");
    }

    @Test
    void handle_whenStateTimestampIsMalformed_rejectsWithoutRecord() {
        Json.Node answer = handle(fixture("efs/alarm-state-alarm.json").replace("2026-11-27T20:15:00.515+0000", "yesterday"));

        assertThat(answer.text("outcome")).isEqualTo("REJECTED");
        assertThat(answer.text("message")).contains("not a timestamp");
        assertThat(world.ledger.snapshot()).isEmpty();
    }

    @Test
    void handle_whenAnotherEventType_rejects() {
        Json.Node answer = handle(fixture("rollout/pointer-updated.json"));

        assertThat(answer.text("outcome")).isEqualTo("REJECTED");
        assertThat(answer.text("message")).contains("not an event the EFS function handles");
    }

    @Test
    void handle_whenEfsFails_throwsSoEventBridgeRetries() {
        world.efs.failNext(1);

        assertThatThrownBy(() -> handle(fixture("efs/alarm-state-alarm.json"))).isInstanceOf(EfsBackendException.class);
        assertThat(handle(fixture("efs/alarm-state-alarm.json")).text("outcome")).isEqualTo("CHANGED");
    }
}

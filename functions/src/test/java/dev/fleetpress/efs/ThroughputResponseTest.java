package dev.fleetpress.efs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.efs.CreditMetrics.CreditSample;
import dev.fleetpress.efs.EfsOutcome.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThroughputResponseTest {
    private final ResponseWorld world = new ResponseWorld();

    @Test
    void onAlarm_whenAlarm_switchesToElasticOnceWithIncidentNotificationAndExitPlan() {
        EfsOutcome outcome = world.alarm(AlarmState.ALARM);

        assertThat(outcome.kind()).isEqualTo(Kind.CHANGED);
        assertThat(world.efs.changes()).containsExactly(new FakeFileSystems.Call(ResponseWorld.FS, ThroughputMode.ELASTIC, 0));
        FileSystemRecord r = world.record();
        assertThat(r.mode()).isEqualTo("elastic");
        assertThat(r.restrictedChanges()).containsExactly(ResponseWorld.START);
        assertThat(r.change().claimed()).isFalse();
        assertThat(r.history()).singleElement().satisfies(h -> assertThat(h.result()).isEqualTo("CHANGED"));
        assertThat(r.incidents()).singleElement().satisfies(i -> {
            assertThat(i.open()).isTrue();
            assertThat(i.response()).contains("switched", "to elastic");
            assertThat(i.notifiedAt()).isEqualTo(ResponseWorld.START);
            assertThat(i.exitPlanAt()).isEqualTo(ResponseWorld.START);
        });
        assertThat(world.alerts.published()).singleElement().satisfies(a -> {
            assertThat(a.subject()).isEqualTo("FleetPress: EFS burst credits running out for production ("
                    + ResponseWorld.FS + ")");
            assertThat(a.message()).contains("switched", "elastic", "exit plan", "fleetpress efs status production",
                    ": exit plan started", "nothing is deleted from EFS", "next is allowed at " + ResponseWorld.START.plus(Duration.ofHours(24)));
        });
        assertThat(world.exitPlans.started()).containsExactly("production");
    }

    @Test
    void onAlarm_whenTheExitPlanCannotStart_stillNotifiesAndTheScheduleStartsItLater() {
        world.exitPlans.failNext(1);

        EfsOutcome outcome = world.alarm(AlarmState.ALARM);

        assertThat(outcome.kind()).isEqualTo(Kind.CHANGED);
        assertThat(world.alerts.published()).singleElement().satisfies(a ->
                assertThat(a.message()).contains("could not be started yet", "the schedule tries again"));
        assertThat(world.record().openIncident().orElseThrow().exitPlanAt()).isEqualTo(Instant.EPOCH);

        world.advance(Duration.ofMinutes(5));
        world.response.reconcile();

        assertThat(world.exitPlans.started()).containsExactly("production");
        assertThat(world.record().openIncident().orElseThrow().exitPlanAt()).isEqualTo(world.clock.instant());
        assertThat(world.alerts.published()).hasSize(1);
    }

    @Test
    void converge_whenAnotherRunConvergesWhileTheNotificationIsPublished_notifiesOnce() {
        world.alerts.duringNextPublish(() -> world.response.reconcile());

        world.alarm(AlarmState.ALARM);

        assertThat(world.alerts.published()).hasSize(1);
        assertThat(world.efs.changes()).hasSize(1);
        assertThat(world.record().openIncident().orElseThrow().notifiedAt()).isEqualTo(ResponseWorld.START);
    }

    @Test
    void onAlarm_whenPublishingFails_theRetriedEventNotifiesOnce() {
        world.alerts.failNext(1);
        AlarmEvent event = world.event(AlarmState.ALARM);

        assertThatThrownBy(() -> world.response.onAlarm(event)).hasMessageContaining("SNS Publish failed");
        assertThat(world.alerts.published()).isEmpty();

        world.response.onAlarm(event);
        world.response.reconcile();

        assertThat(world.alerts.published()).hasSize(1);
        assertThat(world.efs.changes()).hasSize(1);
    }

    @Test
    void reconcile_whenANotificationClaimWasAbandoned_sendsItAfterTheLease() {
        world.alarm(AlarmState.ALARM);
        FileSystemRecord r = world.record();
        FileSystemRecord.Incident abandoned = new FileSystemRecord.Incident(r.openIncident().orElseThrow().id(),
                ResponseWorld.START, ResponseWorld.START, "switched", Instant.EPOCH, ResponseWorld.START, Instant.EPOCH, 0,
                "crashed-run", ResponseWorld.START);
        world.ledger.put(EfsRecords.fileSystemKey(ResponseWorld.FS), r.withLastIncident(abandoned, ResponseWorld.START).toJson());
        int before = world.alerts.published().size();

        world.response.reconcile();
        assertThat(world.alerts.published()).hasSize(before);

        world.advance(Duration.ofMinutes(3));
        world.response.reconcile();
        assertThat(world.alerts.published()).hasSize(before + 1);
    }

    @Test
    void onAlarm_whenSameEventArrivesTwice_changesNothingMore() {
        AlarmEvent event = world.event(AlarmState.ALARM);
        world.response.onAlarm(event);
        String before = world.ledger.snapshot().toString();
        world.advance(Duration.ofMinutes(1));

        EfsOutcome again = world.response.onAlarm(event);

        assertThat(again.kind()).isEqualTo(Kind.DUPLICATE);
        assertThat(world.efs.changes()).hasSize(1);
        assertThat(world.alerts.published()).hasSize(1);
        assertThat(world.exitPlans.calls()).hasSize(1);
        assertThat(world.ledger.snapshot().toString()).isEqualTo(before);
    }

    @Test
    void onAlarm_whenOlderOkArrivesAfterNewerAlarm_changesNothing() {
        Instant okAt = world.clock.instant();
        world.advance(Duration.ofMinutes(10));
        world.alarm(AlarmState.ALARM);

        EfsOutcome late = world.response.onAlarm(world.event(AlarmState.OK, okAt));

        assertThat(late.kind()).isEqualTo(Kind.DUPLICATE);
        assertThat(world.record().alarm().state()).isEqualTo("ALARM");
        assertThat(world.record().openIncident()).isPresent();
    }

    @Test
    void onAlarm_whenFlappingTenTimesInADay_makesExactlyOneRestrictedChange() {
        for (int cycle = 0; cycle < 10; cycle++) {
            world.alarm(AlarmState.ALARM);
            world.advance(Duration.ofHours(1));
            world.response.reconcile();
            world.alarm(AlarmState.OK);
            world.advance(Duration.ofMinutes(80));
            world.response.reconcile();
        }

        assertThat(world.clock.instant()).isBefore(ResponseWorld.START.plus(Duration.ofHours(24)));
        assertThat(world.efs.changes()).hasSize(1);
        assertThat(world.record().restrictedChangesWithin24h(world.clock.instant())).isEqualTo(1);
        // One incident, reopened by each ALARM within the cooldown of its close: notified once.
        assertThat(world.record().incidents()).singleElement().satisfies(i -> assertThat(i.reopened()).isEqualTo(9));
        assertThat(world.alerts.published()).hasSize(1);
    }

    @Test
    void onAlarm_whenFlappingWithoutCooldown_stillMakesOneRestrictedChangePer24Hours() {
        ResponseWorld eager = new ResponseWorld(ThroughputMode.ELASTIC, true, 0);
        for (int cycle = 0; cycle < 10; cycle++) {
            eager.alarm(AlarmState.ALARM);
            eager.advance(Duration.ofHours(1));
            eager.alarm(AlarmState.OK);
            eager.advance(Duration.ofMinutes(80));
            eager.response.reconcile();
        }

        assertThat(eager.efs.changes()).hasSize(1);
        assertThat(eager.record().incidents()).hasSize(10);
        assertThat(eager.alerts.published()).hasSize(10);
    }

    @Test
    void onAlarm_whenEfsAnswersTooManyRequests_recordsTheTimeItNamesAndDoesNotThrow() {
        Instant elsewhere = ResponseWorld.START.minus(Duration.ofHours(3));
        world.efs.changedElsewhere(ResponseWorld.FS, ThroughputMode.BURSTING, elsewhere);

        EfsOutcome outcome = world.alarm(AlarmState.ALARM);

        assertThat(outcome.kind()).isEqualTo(Kind.NOT_ALLOWED_YET);
        assertThat(outcome.message()).contains("TooManyRequests", elsewhere.plus(Duration.ofHours(24)).toString());
        FileSystemRecord r = world.record();
        assertThat(r.notAllowedUntil()).isEqualTo(elsewhere.plus(Duration.ofHours(24)));
        assertThat(r.restrictedChanges()).isEmpty();
        assertThat(r.change().claimed()).isFalse();
        assertThat(r.history()).singleElement().satisfies(h -> assertThat(h.result()).isEqualTo("NOT_ALLOWED_YET"));
        assertThat(world.alerts.published()).singleElement().satisfies(a -> assertThat(a.message()).contains("TooManyRequests"));
    }

    @Test
    void reconcile_whenEfsAllowsAgainWhileStillInAlarm_switchesThen() {
        world.efs.changedElsewhere(ResponseWorld.FS, ThroughputMode.BURSTING, ResponseWorld.START.minus(Duration.ofHours(3)));
        world.alarm(AlarmState.ALARM);
        world.advance(Duration.ofHours(20));
        assertThat(world.response.reconcile()).singleElement().satisfies(o -> assertThat(o.kind()).isEqualTo(Kind.NOT_ALLOWED_YET));

        world.advance(Duration.ofHours(1));
        List<EfsOutcome> outcomes = world.response.reconcile();

        assertThat(outcomes).singleElement().satisfies(o -> assertThat(o.kind()).isEqualTo(Kind.CHANGED));
        assertThat(world.efs.changes()).hasSize(1);
    }

    @Test
    void onAlarm_whenEfsFails_releasesTheClaimThrowsAndTheRetriedEventFinishes() {
        world.efs.failNext(1);
        AlarmEvent event = world.event(AlarmState.ALARM);

        assertThatThrownBy(() -> world.response.onAlarm(event)).isInstanceOf(EfsBackendException.class);
        assertThat(world.record().change().claimed()).isFalse();
        assertThat(world.record().restrictedChanges()).isEmpty();
        assertThat(world.alerts.published()).isEmpty();

        EfsOutcome retried = world.response.onAlarm(event);

        assertThat(retried.kind()).isEqualTo(Kind.CHANGED);
        assertThat(world.efs.changes()).hasSize(1);
        assertThat(world.alerts.published()).hasSize(1);
        assertThat(world.exitPlans.started()).containsExactly("production");
    }

    @Test
    void onAlarm_whenDescribeFails_throwsSoTheEventIsRetried() {
        world.efs.failNextDescribe(1);

        assertThatThrownBy(() -> world.alarm(AlarmState.ALARM)).isInstanceOf(EfsBackendException.class);
        assertThat(world.efs.changes()).isEmpty();
    }

    @Test
    void onAlarm_whenEfsHasNoSuchFileSystem_changesNothing() {
        ResponseWorld gone = new ResponseWorld();
        FakeFileSystems empty = new FakeFileSystems(gone.clock);
        ThroughputResponse response = ThroughputResponse.of(gone.config, gone.records, empty, (fs, a, b) -> List.of(),
                AlarmStates.NONE, gone.alerts, gone.exitPlans, () -> "o", gone.clock);

        EfsOutcome outcome = response.onAlarm(gone.event(AlarmState.ALARM));

        assertThat(outcome.kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(outcome.message()).contains("EFS has no file system " + ResponseWorld.FS);
        assertThat(empty.changes()).isEmpty();
    }

    @Test
    void onAlarm_whenAlarmOfSomethingElse_isIgnoredWithoutRecord() {
        EfsOutcome outcome = world.response.onAlarm(new AlarmEvent("web-cpu-high", AlarmState.ALARM, world.clock.instant(),
                "", List.of()));

        assertThat(outcome.kind()).isEqualTo(Kind.IGNORED);
        assertThat(outcome.message()).contains("not one of this stack's EFS credit alarms");
        assertThat(world.ledger.snapshot()).isEmpty();
        assertThat(world.efs.changes()).isEmpty();
    }

    @Test
    void onAlarm_whenDimensionNamesAnotherFileSystem_isIgnored() {
        EfsOutcome outcome = world.response.onAlarm(new AlarmEvent(ResponseWorld.ALARM, AlarmState.ALARM,
                world.clock.instant(), "", List.of(ResponseWorld.STAGING_FS)));

        assertThat(outcome.kind()).isEqualTo(Kind.IGNORED);
        assertThat(outcome.message()).contains(ResponseWorld.STAGING_FS, "production's file system is " + ResponseWorld.FS);
        assertThat(world.ledger.snapshot()).isEmpty();
    }

    @Test
    void onAlarm_whenEnvironmentHasNoFileSystem_isIgnored() {
        EfsOutcome outcome = world.response.onAlarm(new AlarmEvent(ResponseWorld.PREFIX + "staging", AlarmState.ALARM,
                world.clock.instant(), "", List.of(ResponseWorld.STAGING_FS)));

        assertThat(outcome.kind()).isEqualTo(Kind.IGNORED);
        assertThat(outcome.message()).contains("staging, which has no file system in EFS_FILE_SYSTEMS");
    }

    @Test
    void onAlarm_whenNoDimension_isIgnored() {
        EfsOutcome outcome = world.response.onAlarm(new AlarmEvent(ResponseWorld.ALARM, AlarmState.ALARM,
                world.clock.instant(), "", List.of()));

        assertThat(outcome.kind()).isEqualTo(Kind.IGNORED);
        assertThat(world.ledger.snapshot()).isEmpty();
    }

    @Test
    void onAlarm_whenInsufficientData_recordsItAndDoesNothingElse() {
        EfsOutcome outcome = world.alarm(AlarmState.INSUFFICIENT_DATA);

        assertThat(outcome.kind()).isEqualTo(Kind.UNCHANGED);
        assertThat(world.record().alarm().state()).isEqualTo("INSUFFICIENT_DATA");
        assertThat(world.record().incidents()).isEmpty();
        assertThat(world.efs.changes()).isEmpty();
        assertThat(world.alerts.published()).isEmpty();
        assertThat(world.exitPlans.calls()).isEmpty();
    }

    @Test
    void onAlarm_whenOk_closesTheIncidentAndKeepsTheModeDuringTheCooldown() {
        world.alarm(AlarmState.ALARM);
        world.advance(Duration.ofHours(1));

        EfsOutcome outcome = world.alarm(AlarmState.OK);

        assertThat(outcome.kind()).isEqualTo(Kind.UNCHANGED);
        assertThat(outcome.message()).contains("back to bursting after the cooldown");
        assertThat(world.record().openIncident()).isEmpty();
        assertThat(world.record().alarm().okSince()).isEqualTo(ResponseWorld.START.plus(Duration.ofHours(1)));
        assertThat(world.efs.state(ResponseWorld.FS).mode()).isEqualTo(ThroughputMode.ELASTIC);
    }

    @Test
    void reconcile_whenOkLongerThanCooldownButWithin24Hours_waitsForTheBudget() {
        world.alarm(AlarmState.ALARM);
        world.advance(Duration.ofHours(1));
        world.alarm(AlarmState.OK);
        world.advance(Duration.ofHours(7));

        EfsOutcome outcome = world.response.reconcile().get(0);

        assertThat(outcome.kind()).isEqualTo(Kind.NOT_ALLOWED_YET);
        assertThat(outcome.message()).contains("bursting", ResponseWorld.START.plus(Duration.ofHours(24)).toString());
        assertThat(world.efs.changes()).hasSize(1);
    }

    @Test
    void reconcile_whenOkForTheCooldownAndTheBudgetAllows_returnsToBursting() {
        world.alarm(AlarmState.ALARM);
        world.advance(Duration.ofHours(1));
        world.alarm(AlarmState.OK);
        world.advance(Duration.ofHours(23));

        EfsOutcome outcome = world.response.reconcile().get(0);

        assertThat(outcome.kind()).isEqualTo(Kind.CHANGED);
        assertThat(world.efs.changes()).extracting(FakeFileSystems.Call::mode)
                .containsExactly(ThroughputMode.ELASTIC, ThroughputMode.BURSTING);
        assertThat(world.record().restrictedChanges()).hasSize(2);
        assertThat(world.response.reconcile().get(0).kind()).isEqualTo(Kind.UNCHANGED);
        assertThat(world.efs.changes()).hasSize(2);
    }

    @Test
    void reconcile_whenCreditsAreExhaustedDespiteOk_staysOutOfBursting() {
        world.alarm(AlarmState.ALARM);
        world.advance(Duration.ofHours(1));
        world.alarm(AlarmState.OK);
        world.advance(Duration.ofHours(23));
        world.samples.add(new CreditSample(world.clock.instant().minus(Duration.ofMinutes(10)), 0));
        world.samples.add(new CreditSample(world.clock.instant().minus(Duration.ofMinutes(5)), 0));

        EfsOutcome outcome = world.response.reconcile().get(0);

        assertThat(outcome.kind()).isEqualTo(Kind.UNCHANGED);
        assertThat(outcome.message()).contains("until credits recover");
        assertThat(world.efs.changes()).hasSize(1);

        world.samples.add(new CreditSample(world.clock.instant(), 4e9));
        world.advance(Duration.ofMinutes(5));
        assertThat(world.response.reconcile().get(0).kind()).isEqualTo(Kind.CHANGED);
    }

    @Test
    void reconcile_whenReturnToBurstingIsOff_staysOutOfBursting() {
        ResponseWorld off = new ResponseWorld(ThroughputMode.ELASTIC, false, 6);
        off.alarm(AlarmState.ALARM);
        off.advance(Duration.ofHours(1));
        off.alarm(AlarmState.OK);
        off.advance(Duration.ofDays(3));

        assertThat(off.response.reconcile().get(0).kind()).isEqualTo(Kind.UNCHANGED);
        assertThat(off.efs.changes()).hasSize(1);
    }

    @Test
    void onAlarm_whenResponseModeIsProvisioned_switchesToTheConfiguredThroughput() {
        ResponseWorld provisioned = new ResponseWorld(ThroughputMode.PROVISIONED, true, 6);

        EfsOutcome outcome = provisioned.alarm(AlarmState.ALARM);

        assertThat(outcome.kind()).isEqualTo(Kind.CHANGED);
        assertThat(outcome.message()).contains("provisioned at 100 MiB/s");
        assertThat(provisioned.efs.changes())
                .containsExactly(new FakeFileSystems.Call(ResponseWorld.FS, ThroughputMode.PROVISIONED, 100));
        assertThat(provisioned.record().provisionedMibps()).isEqualTo(100);
    }

    @Test
    void onAlarm_whenProvisionedBelowTheConfiguredThroughput_raisesItWithoutSpendingTheBudget() {
        ResponseWorld provisioned = new ResponseWorld(ThroughputMode.PROVISIONED, true, 6);
        provisioned.efs.add(ResponseWorld.FS, ThroughputMode.PROVISIONED, 20);
        provisioned.ledger.put(EfsRecords.fileSystemKey(ResponseWorld.FS), FileSystemRecord.empty(ResponseWorld.FS,
                "production").withChange(FileSystemRecord.Change.NONE, List.of(ResponseWorld.START.minus(Duration.ofHours(1))),
                ResponseWorld.START).toJson());

        EfsOutcome outcome = provisioned.alarm(AlarmState.ALARM);

        assertThat(outcome.kind()).isEqualTo(Kind.CHANGED);
        assertThat(provisioned.efs.state(ResponseWorld.FS).provisionedMibps()).isEqualTo(100);
        assertThat(provisioned.record().restrictedChanges()).hasSize(1);
    }

    @Test
    void onAlarm_whenAlreadyElastic_changesNothingButStillNotifiesAndStartsTheExitPlan() {
        world.efs.add(ResponseWorld.FS, ThroughputMode.ELASTIC, 0);

        EfsOutcome outcome = world.alarm(AlarmState.ALARM);

        assertThat(outcome.kind()).isEqualTo(Kind.EXIT_PLAN);
        assertThat(outcome.message()).contains("already elastic");
        assertThat(world.efs.changes()).isEmpty();
        assertThat(world.alerts.published()).hasSize(1);
        assertThat(world.exitPlans.started()).containsExactly("production");
    }

    @Test
    void onAlarm_whenTheLedgerHoldsARestrictedChangeWithin24Hours_doesNotAskEfs() {
        world.ledger.put(EfsRecords.fileSystemKey(ResponseWorld.FS), FileSystemRecord.empty(ResponseWorld.FS, "production")
                .withChange(FileSystemRecord.Change.NONE, List.of(ResponseWorld.START.minus(Duration.ofHours(2))),
                        ResponseWorld.START).toJson());

        EfsOutcome outcome = world.alarm(AlarmState.ALARM);

        assertThat(outcome.kind()).isEqualTo(Kind.NOT_ALLOWED_YET);
        assertThat(world.efs.changes()).isEmpty();
        assertThat(world.record().history()).isEmpty();
    }

    @Test
    void reconcile_whenTheAlarmEventWasLost_actsOnDescribeAlarms() {
        world.alarmStates.put(ResponseWorld.ALARM, new AlarmStates.Observed(AlarmState.ALARM,
                ResponseWorld.START.minus(Duration.ofMinutes(3)), "Threshold Crossed"));

        List<EfsOutcome> outcomes = world.response.reconcile();

        assertThat(outcomes).singleElement().satisfies(o -> assertThat(o.kind()).isEqualTo(Kind.CHANGED));
        assertThat(world.record().alarm().state()).isEqualTo("ALARM");
        assertThat(world.alerts.published()).hasSize(1);
    }

    @Test
    void reconcile_whenCreditsDrain_recordsSamplesAndTheirTrend() {
        double gib = 1024.0 * 1024 * 1024;
        for (int i = 0; i <= 12; i++) {
            world.samples.add(new CreditSample(ResponseWorld.START.minus(Duration.ofMinutes(60 - 5L * i)), (100 - i) * gib));
        }

        world.response.reconcile();

        FileSystemRecord r = world.record();
        assertThat(r.samples()).hasSize(13);
        assertThat(r.trend()).hasValueSatisfying(t -> {
            assertThat(t.balanceBytes()).isEqualTo(88 * gib);
            assertThat(t.bytesPerHour()).isEqualTo(-12 * gib);
            assertThat(t.hoursToExhaustion()).isEqualTo(88.0 / 12);
        });
        world.response.reconcile();
        assertThat(world.record().samples()).hasSize(13);
    }

    @Test
    void converge_whenAnotherRunHoldsAFreshClaim_leavesItAlone() {
        world.ledger.put(EfsRecords.fileSystemKey(ResponseWorld.FS), FileSystemRecord.empty(ResponseWorld.FS, "production")
                .withAlarm(new FileSystemRecord.Alarm(ResponseWorld.ALARM, "ALARM", ResponseWorld.START, ResponseWorld.START,
                        Instant.EPOCH), ResponseWorld.START)
                .withChange(new FileSystemRecord.Change("elastic", 0, "alarm", ResponseWorld.START, "someone"),
                        List.of(ResponseWorld.START), ResponseWorld.START).toJson());

        assertThat(world.response.converge("production").kind()).isEqualTo(Kind.IN_PROGRESS);
        assertThat(world.efs.changes()).isEmpty();

        world.advance(Duration.ofMinutes(3));
        EfsOutcome afterLease = world.response.converge("production");

        // The holder never reached EFS: its claim (and the budget it counted) is released, and this run switches.
        assertThat(afterLease.kind()).isEqualTo(Kind.CHANGED);
        assertThat(world.efs.changes()).hasSize(1);
        assertThat(world.record().restrictedChanges()).containsExactly(ResponseWorld.START.plus(Duration.ofMinutes(3)));
    }
}

package dev.fleetpress.localcloud.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The EFS function's rules against variants of the events/efs fixtures that the generic fixture check
 * does not hold: the credit alarm of the other environment routes, alarms of another stack or without
 * the prefix do not, and only final statuses of the two exit-plan documents do.
 */
class EfsEventRoutingTest {
    private static final String ALARM = Repo.read("events/efs/alarm-state-alarm.json");
    private static final String CAPTURE = Repo.read("events/efs/capture-success.json");

    private static java.util.List<String> check(String folder, String json) {
        return new EventRoutingCheck(Repo.template().functions()).check(Map.of(folder + "/variant.json", json));
    }

    @Test
    void alarm_whenStagingCreditAlarm_reachesEfsFunction() {
        assertThat(check("efs", ALARM.replace("efs-credits-production", "efs-credits-staging"))).isEmpty();
    }

    @Test
    void alarm_whenProductionCreditAlarm_reachesOnlyEfsFunction() {
        assertThat(check("unrouted", ALARM)).singleElement().asString().contains("reaches [EfsFunction]");
    }

    @Test
    void alarm_whenAnotherStacksCreditAlarm_reachesNone() {
        assertThat(check("unrouted", ALARM.replace("fleetpress-local-efs-credits-", "someone-else-efs-credits-"))).isEmpty();
    }

    @Test
    void alarm_whenNameOnlyContainsThePrefix_reachesNone() {
        assertThat(check("unrouted", ALARM.replace("\"alarmName\": \"fleetpress-local-efs-credits-production\"",
                "\"alarmName\": \"copy-of-fleetpress-local-efs-credits-production\""))).isEmpty();
    }

    @Test
    void command_whenCaptureStillInProgress_reachesNone() {
        assertThat(check("unrouted", CAPTURE.replace("\"status\": \"Success\"", "\"status\": \"InProgress\""))).isEmpty();
    }

    @Test
    void command_whenCaptureTimedOut_reachesEfsFunction() {
        assertThat(check("efs", CAPTURE.replace("\"status\": \"Success\"", "\"status\": \"TimedOut\""))).isEmpty();
    }

    @Test
    void command_whenMediaExportOfTheCli_alsoReachesEfsFunction() {
        assertThat(check("efs", Repo.read("events/efs/export-success.json"))).isEmpty();
    }
}

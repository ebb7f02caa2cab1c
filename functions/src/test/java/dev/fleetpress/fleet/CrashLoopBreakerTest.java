package dev.fleetpress.fleet;

import static dev.fleetpress.fleet.FleetWorld.NEWER;
import static dev.fleetpress.fleet.FleetWorld.RELEASE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.release.EnvironmentPointers.PointerVersion;
import dev.fleetpress.release.ReleaseId;
import org.junit.jupiter.api.Test;

class CrashLoopBreakerTest {
    private static final ReleaseId NEWEST = ReleaseId.of("r-9a8b7c6d5e4f");

    private final FleetWorld world = new FleetWorld();
    private int instances;

    /** Launches a new instance with the current release; its bootstrap ends with {@code status}. */
    private void bootstrap(String status) {
        String id = String.format("i-%017x", 0xfeed00L + instances++);
        world.fleet.onLifecycleEvent(world.launch(id));
        world.commandEnds(id, status);
    }

    @Test
    void record_whenReleaseFailsThresholdTimesInARow_rollsBackToLastGoodAndAlertsOnce() {
        bootstrap("Success");
        world.pointers.set("production", NEWER);

        bootstrap("Failed");
        bootstrap("Failed");
        bootstrap("Failed");

        assertThat(world.pointers.current("production")).contains(RELEASE);
        assertThat(world.pointers.history("production")).extracting(PointerVersion::value)
                .containsExactly(RELEASE.value(), NEWER.value(), RELEASE.value());
        assertThat(world.alerts.published()).singleElement()
                .satisfies(a -> assertThat(a.subject()).contains("rolled back from " + NEWER + " to " + RELEASE));
        EnvironmentHealth health = world.records.health("production").orElseThrow();
        assertThat(health.trips()).singleElement().satisfies(t -> {
            assertThat(t.release()).isEqualTo(NEWER.value());
            assertThat(t.reason()).contains("3 instances in a row");
            assertThat(t.handled()).isTrue();
        });
    }

    @Test
    void record_whenSameReleaseIsPromotedAgainAndKeepsFailing_doesNotTripTwice() {
        bootstrap("Success");
        world.pointers.set("production", NEWER);
        for (int i = 0; i < 3; i++) {
            bootstrap("Failed");
        }
        world.pointers.set("production", NEWER);

        for (int i = 0; i < 3; i++) {
            bootstrap("Failed");
        }

        assertThat(world.pointers.current("production")).contains(NEWER);
        assertThat(world.alerts.published()).hasSize(1);
    }

    @Test
    void record_whenNewerReleaseFails_startsCountingAgain() {
        bootstrap("Success");
        world.pointers.set("production", NEWER);
        bootstrap("Failed");
        bootstrap("Failed");
        world.pointers.set("production", NEWEST);

        bootstrap("Failed");

        assertThat(world.pointers.current("production")).contains(NEWEST);
        assertThat(world.records.health("production").orElseThrow().consecutiveFailures()).isEqualTo(1);
        assertThat(world.alerts.published()).isEmpty();
    }

    @Test
    void record_whenFailingReleaseSucceedsOnce_resetsCount() {
        bootstrap("Failed");
        bootstrap("Failed");

        bootstrap("Success");
        bootstrap("Failed");

        assertThat(world.records.health("production").orElseThrow().consecutiveFailures()).isEqualTo(1);
        assertThat(world.alerts.published()).isEmpty();
    }

    @Test
    void record_whenNoReleaseEverBootstrapped_alertsAndLeavesPointer() {
        bootstrap("Failed");
        bootstrap("Failed");
        bootstrap("Failed");

        assertThat(world.pointers.current("production")).contains(RELEASE);
        assertThat(world.alerts.published()).singleElement()
                .satisfies(a -> assertThat(a.message()).contains("nothing to roll back to"));
    }

    @Test
    void record_whenStatusEventRepeats_countsOnce() {
        String id = "i-0c0c0c0c0c0c0c0c0";
        world.fleet.onLifecycleEvent(world.launch(id));
        String commandId = world.ssm.lastCommandTo(id);
        world.commandEnds(id, "Failed");

        world.fleet.onCommandStatus(commandId, id, "Failed");
        world.fleet.onCommandStatus(commandId, id, "Failed");

        assertThat(world.records.health("production").orElseThrow().consecutiveFailures()).isEqualTo(1);
    }
}

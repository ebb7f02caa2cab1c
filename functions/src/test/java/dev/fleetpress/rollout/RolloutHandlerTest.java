package dev.fleetpress.rollout;

import static dev.fleetpress.rollout.RolloutWorld.ENV;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.json.Json;
import dev.fleetpress.release.ReleaseId;
import dev.fleetpress.upgrade.UpgradeState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The function's edge: the fixtures in events/rollout/ and events/unrouted/, and what malformed input gets. */
class RolloutHandlerTest {
    private static final String A = "i-0a1b2c3d4e5f60718";
    private static final String B = "i-0b1c2d3e4f5a60719";
    private static final String ACTIVATION = "7d4e2b8c-6e3a-4f9b-a7d5-1a2b3c4d5e6f";
    private static final String UPGRADE = "8e5f3c9d-7f4b-4a0c-b8e6-2b3c4d5e6f70";

    private final RolloutWorld world = new RolloutWorld();
    private final RolloutHandler handler = new RolloutHandler(world.rollouts);
    private final ReleaseId old = world.release("0123456789ab", 60421);
    private final ReleaseId release = world.release("3f2a9c41d07b", 60500);

    @Test
    void pointerUpdated_startsTheRolloutOnce() {
        world.running(old, A, B);
        world.pointers.set(ENV, release);

        Json.Node first = handle(fixture("rollout/pointer-updated.json"));
        Json.Node again = handle(fixture("rollout/pointer-updated.json"));

        assertThat(first.text("outcome")).isEqualTo("ACTIVATION_SENT");
        assertThat(first.text("release")).isEqualTo(release.value());
        assertThat(again.text("outcome")).isEqualTo("IN_PROGRESS");
        assertThat(world.ssm.activations()).hasSize(1);
    }

    @Test
    void pointerCreated_forAnEnvironmentWithoutInstances_activatesNothingAndWaits() {
        world.pointers.set("staging", release);

        Json.Node answer = handle(fixture("rollout/pointer-created.json"));

        assertThat(answer.text("outcome")).isEqualTo("ACTIVATED");
        assertThat(answer.text("upgrade")).isEqualTo("WAITING");
    }

    @Test
    void activationSuccess_thenUpgradeSuccess_runsTheUpgradeOnceAndRecordsIt() {
        world.running(old, A, B);
        world.pointers.set(ENV, release);
        world.ssm.nextCommandId(ACTIVATION);
        world.ssm.nextCommandId(UPGRADE);
        handle(fixture("rollout/pointer-updated.json"));
        world.ssm.finishActivation(ACTIVATION);

        Json.Node activated = handle(fixture("rollout/activation-success.json"));
        Json.Node repeat = handle(fixture("rollout/activation-success.json"));
        world.ssm.finishUpgrade(UPGRADE, "Success");
        Json.Node upgraded = handle(fixture("rollout/upgrade-success.json"));
        Json.Node upgradedAgain = handle(fixture("rollout/upgrade-success.json"));

        assertThat(activated.text("outcome")).isEqualTo("ACTIVATED");
        assertThat(activated.text("upgrade")).isEqualTo("SENT");
        assertThat(repeat.text("outcome")).isEqualTo("DUPLICATE");
        assertThat(upgraded.text("upgrade")).isEqualTo("SUCCEEDED");
        assertThat(upgradedAgain.text("upgrade")).isEqualTo("DUPLICATE");
        assertThat(world.ssm.upgrades()).hasSize(1);
        assertThat(world.upgradeRecords.database(ENV).dbVersion()).isEqualTo(60500);
    }

    @Test
    void activationFailed_alertsAndRunsNoUpgrade() {
        world.running(old, A, B);
        world.ssm.failActivationOn(B);
        world.pointers.set(ENV, release);
        world.ssm.nextCommandId(ACTIVATION);
        handle(fixture("rollout/pointer-updated.json"));
        world.ssm.finishActivation(ACTIVATION);

        Json.Node answer = handle(fixture("rollout/activation-failed.json"));

        assertThat(answer.text("outcome")).isEqualTo("ACTIVATION_FAILED");
        assertThat(world.alerts).hasSize(1);
        assertThat(world.ssm.upgrades()).isEmpty();
    }

    @Test
    void upgradeFailed_blocksTheEnvironment() {
        world.running(release, A);
        world.pointers.set(ENV, release);
        world.ssm.nextCommandId(UPGRADE);
        world.gate.trigger(ENV, release);

        Json.Node answer = handle(fixture("rollout/upgrade-failed.json"));

        assertThat(answer.text("upgrade")).isEqualTo("FAILED");
        assertThat(world.upgradeRecords.gate(ENV, release).orElseThrow().state()).isEqualTo(UpgradeState.FAILED);
        assertThat(world.upgradeRecords.database(ENV).blocked()).isTrue();
    }

    @Test
    void reconcileSchedule_answersForEveryEnvironment() {
        world.pointers.set(ENV, release);

        Json.Node answer = handle(fixture("rollout/reconcile-schedule.json"));

        assertThat(answer.text("outcome")).isEqualTo("RECONCILED");
        assertThat(answer.get("environments").elements()).hasSize(2);
    }

    @Test
    void commandStatusOfALaunchBootstrap_isIgnored() {
        assertThat(handle(fixture("rollout/activation-success.json")).text("outcome")).isEqualTo("IGNORED");
    }

    @Test
    void unroutedParameterEvents_wouldBeIgnored() {
        world.pointers.set(ENV, release);

        assertThat(handle(fixture("unrouted/parameter-other.json")).text("outcome")).isEqualTo("IGNORED");
        assertThat(handle(fixture("unrouted/pointer-deleted.json")).text("outcome")).isEqualTo("IGNORED");
        assertThat(world.ssm.activations()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "not json",
            "[1,2]",
            "{}",
            "{\"source\":\"aws.ssm\",\"detail-type\":\"Parameter Store Change\"}",
            "{\"source\":\"aws.ssm\",\"detail-type\":\"Parameter Store Change\",\"detail\":{\"name\":\"/fleetpress/fleetpress-local/env/Prod;rm -rf/release\",\"operation\":\"Update\"}}",
            "{\"source\":\"aws.ssm\",\"detail-type\":\"EC2 Command Status-change Notification\",\"detail\":{\"command-id\":\"$(reboot)\",\"document-name\":\"fleetpress-local-upgrade\",\"status\":\"Success\"}}",
            "{\"source\":\"aws.ssm\",\"detail-type\":\"EC2 Command Status-change Notification\",\"detail\":{\"command-id\":\"8e5f3c9d-7f4b-4a0c-b8e6-2b3c4d5e6f70\",\"document-name\":\"fleetpress-local-upgrade\",\"status\":\"Exploded\"}}",
            "{\"source\":\"aws.codebuild\",\"detail-type\":\"CodeBuild Build State Change\",\"detail\":{}}"
    })
    void malformedOrHostileInput_isRejectedWithoutEffect(String event) {
        world.pointers.set(ENV, release);

        Json.Node answer = handle(event);

        assertThat(answer.text("outcome")).isEqualTo("REJECTED");
        assertThat(answer.text("message")).isNotBlank();
        assertThat(world.ssm.activations()).isEmpty();
        assertThat(world.ssm.upgrades()).isEmpty();
    }

    private Json.Node handle(String event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Json.parse(out.toString(StandardCharsets.UTF_8));
    }

    private static String fixture(String name) {
        try {
            return Files.readString(Path.of(System.getProperty("fleetpress.root"), "events", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

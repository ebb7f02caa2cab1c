package dev.fleetpress.cli;

import static dev.fleetpress.cli.ReleaseFixture.release;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.cli.ReleaseOperations.Deployment;
import dev.fleetpress.cli.ReleaseOperations.EnvironmentView;
import dev.fleetpress.cli.ReleaseOperations.InstanceView;
import dev.fleetpress.release.PromotionResult;
import dev.fleetpress.release.ReleaseId;
import dev.fleetpress.upgrade.DatabaseRecord;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ReleaseOperations against an in-process localcloud, with records written as the functions write them. */
class ReleaseOperationsTest {
    private static final String PRODUCTION = "production";
    private static final String BY = "cli:test";

    @TempDir
    Path tmp;

    private ReleaseFixture fixture;
    private ReleaseOperations operations;
    private String old;
    private String current;

    @BeforeEach
    void start() throws Exception {
        fixture = ReleaseFixture.start(tmp);
        operations = fixture.operations();
        old = fixture.recorded(release('1'), "6.7.2", 58975);
        current = fixture.recorded(release('2'), "6.8.3", 60421);
        fixture.point(PRODUCTION, current);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void promote_whenTheReleaseIsUnknown_saysNothingWasBuiltAndLeavesThePointer() {
        assertThatThrownBy(() -> operations.promote(PRODUCTION, ReleaseId.of(release('9')), false, BY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown release " + release('9') + ": nothing was built for it");
        assertThat(fixture.pointer(PRODUCTION)).isEqualTo(current);
    }

    @Test
    void promote_whenTheReleaseIsNotRecorded_saysItsBuildFailed() {
        fixture.failedBuild(release('8'), "composer install failed");

        assertThatThrownBy(() -> operations.promote(PRODUCTION, ReleaseId.of(release('8')), false, BY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not recorded", "failed: composer install failed", "Push a fix");
        assertThat(fixture.pointerVersions(PRODUCTION)).isEqualTo(1);
    }

    @Test
    void promote_whenTheEnvironmentHasNoPointer_namesTheKnownEnvironments() {
        assertThatThrownBy(() -> operations.promote("prodution", ReleaseId.of(old), false, BY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown environment 'prodution'", "Known environments: production");
    }

    @Test
    void promote_whenTheEnvironmentNameIsMalformed_saysWhatIsAllowed() {
        assertThatThrownBy(() -> operations.promote("Prod/../x", ReleaseId.of(old), false, BY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an environment name");
    }

    @Test
    void releaseId_whenMalformed_saysWhatAReleaseIdIs() {
        assertThatThrownBy(() -> ReleaseOperations.releaseId("latest"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected r- and 12 lower-case hex digits");
        assertThat(ReleaseOperations.releaseId("1".repeat(12) + "0".repeat(28))).isEqualTo(ReleaseId.of(old));
    }

    @Test
    void promote_whenAllowed_movesThePointerAndSaysWhatItWas() {
        PromotionResult result = operations.promote(PRODUCTION, ReleaseId.of(old), false, BY);

        assertThat(result.kind()).isEqualTo(PromotionResult.Kind.PROMOTED);
        assertThat(result.message()).isEqualTo("production: promoted " + old + " (was " + current
                + "); the rollout starts now");
        assertThat(fixture.pointer(PRODUCTION)).isEqualTo(old);
        fixture.settle();
    }

    @Test
    void promote_whenTheReleaseIsAlreadyCurrent_changesNothing() {
        PromotionResult result = operations.promote(PRODUCTION, ReleaseId.of(current), false, BY);

        assertThat(result.kind()).isEqualTo(PromotionResult.Kind.ALREADY_CURRENT);
        assertThat(fixture.pointerVersions(PRODUCTION)).isEqualTo(1);
    }

    @Test
    void promote_whenTheDatabaseIsNewerThanTheRelease_isRefusedWithTheGuardsReason() {
        fixture.database(PRODUCTION, 60421, current, "", "");

        PromotionResult result = operations.promote(PRODUCTION, ReleaseId.of(old), false, BY);

        assertThat(result.kind()).isEqualTo(PromotionResult.Kind.REFUSED);
        assertThat(result.message()).contains(old + " ships WordPress 6.7.2 (db version 58975)",
                "upgraded to db version 60421 by " + current, "--force");
        assertThat(fixture.pointer(PRODUCTION)).isEqualTo(current);
        assertThat(fixture.pointerVersions(PRODUCTION)).isEqualTo(1);
    }

    @Test
    void promote_whenTheDatabaseIsNewerAndForced_promotes() {
        fixture.database(PRODUCTION, 60421, current, "", "");

        PromotionResult result = operations.promote(PRODUCTION, ReleaseId.of(old), true, BY);

        assertThat(result.kind()).isEqualTo(PromotionResult.Kind.PROMOTED);
        assertThat(fixture.pointer(PRODUCTION)).isEqualTo(old);
        fixture.settle();
    }

    @Test
    void promote_whenAFailedUpgradeBlocksTheEnvironment_isRefusedEvenWithForce() {
        fixture.database(PRODUCTION, 58975, old, current, "wp core update-db exited 1");

        PromotionResult result = operations.promote(PRODUCTION, ReleaseId.of(old), true, BY);

        assertThat(result.kind()).isEqualTo(PromotionResult.Kind.REFUSED);
        assertThat(result.message()).contains("production is blocked", "wp core update-db exited 1",
                "fleetpress upgrade ack production");
        assertThat(fixture.pointer(PRODUCTION)).isEqualTo(current);
    }

    @Test
    void acknowledge_whenBlocked_liftsTheBlockSoPromotionsAreAllowed() {
        fixture.database(PRODUCTION, 58975, old, current, "wp core update-db exited 1");

        DatabaseRecord after = operations.acknowledge(PRODUCTION, BY);
        PromotionResult result = operations.promote(PRODUCTION, ReleaseId.of(old), false, BY);

        assertThat(after.blocked()).isFalse();
        assertThat(after.acknowledgedRelease()).isEqualTo(current);
        assertThat(after.acknowledgedBy()).isEqualTo(BY);
        assertThat(operations.database(PRODUCTION).blocked()).isFalse();
        assertThat(result.kind()).isEqualTo(PromotionResult.Kind.PROMOTED);
        fixture.settle();
    }

    @Test
    void acknowledge_whenNotBlocked_changesNothing() {
        fixture.database(PRODUCTION, 60421, current, "", "");

        DatabaseRecord after = operations.acknowledge(PRODUCTION, BY);

        assertThat(after.blocked()).isFalse();
        assertThat(after.acknowledgedBy()).isEmpty();
        assertThat(after.dbVersion()).isEqualTo(60421);
    }

    @Test
    void rollback_whenThereIsNoEarlierRelease_saysToNameOne() {
        assertThatThrownBy(() -> operations.rollback(PRODUCTION, Optional.empty(), false, BY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("production has no earlier recorded release to roll back to",
                        "--to <release>");
    }

    @Test
    void rollback_withoutTarget_picksTheNewestEarlierDifferentRecordedRelease() {
        String older = fixture.recorded(release('3'), "6.7.1", 58975);
        fixture.point(PRODUCTION, older);            // v2
        fixture.point(PRODUCTION, old);              // v3: the one to go back to
        fixture.point(PRODUCTION, release('7'));     // v4: never recorded
        fixture.point(PRODUCTION, current);          // v5
        fixture.point(PRODUCTION, current);          // v6: the same release again

        PromotionResult result = operations.rollback(PRODUCTION, Optional.empty(), false, BY);

        assertThat(result.kind()).isEqualTo(PromotionResult.Kind.PROMOTED);
        assertThat(result.releaseId().value()).isEqualTo(old);
        assertThat(result.message()).isEqualTo("production: rolled back to " + old + " (was " + current
                + "); the rollout starts now");
        assertThat(fixture.pointer(PRODUCTION)).isEqualTo(old);
        fixture.settle();
    }

    @Test
    void rollback_whenTheGuardRefusesTheDefaultTarget_isRefusedUnlessForced() {
        fixture.point(PRODUCTION, old);
        fixture.point(PRODUCTION, current);
        fixture.database(PRODUCTION, 60421, current, "", "");

        PromotionResult refused = operations.rollback(PRODUCTION, Optional.empty(), false, BY);
        PromotionResult forced = operations.rollback(PRODUCTION, Optional.empty(), true, BY);

        assertThat(refused.kind()).isEqualTo(PromotionResult.Kind.REFUSED);
        assertThat(refused.releaseId().value()).isEqualTo(old);
        assertThat(forced.kind()).isEqualTo(PromotionResult.Kind.PROMOTED);
        assertThat(fixture.pointer(PRODUCTION)).isEqualTo(old);
        fixture.settle();
    }

    @Test
    void rollback_toANamedRelease_promotesIt() {
        String other = fixture.recorded(release('4'), "6.8.3", 60421);

        PromotionResult result = operations.rollback(PRODUCTION, Optional.of(ReleaseId.of(other)), false, BY);

        assertThat(result.kind()).isEqualTo(PromotionResult.Kind.PROMOTED);
        assertThat(fixture.pointer(PRODUCTION)).isEqualTo(other);
        fixture.settle();
    }

    @Test
    void status_showsTheEnvironmentsInstancesAndLeavesGoneOnesOut() {
        fixture.instance("i-0000000a", PRODUCTION, current, "ACTIVATED");
        fixture.instance("i-0000000b", PRODUCTION, old, "ACTIVATION_FAILED");
        fixture.instance("i-0000000c", PRODUCTION, current, "DRAINED");
        fixture.instance("i-0000000d", PRODUCTION, "", "BOOTSTRAP_FAILED");
        fixture.instance("i-0000000e", "staging", current, "BOOTSTRAPPED");
        fixture.instance("i-0000000f", PRODUCTION, current, "BOOTSTRAPPED");

        EnvironmentView view = operations.status(PRODUCTION);

        assertThat(view.instances()).extracting(InstanceView::instanceId)
                .containsExactly("i-0000000a", "i-0000000b", "i-0000000f");
        assertThat(view.behind()).singleElement().satisfies(i -> {
            assertThat(i.instanceId()).isEqualTo("i-0000000b");
            assertThat(i.release()).isEqualTo(old);
            assertThat(i.state()).isEqualTo("ACTIVATION_FAILED");
        });
    }

    @Test
    void status_showsTheCurrentReleaseRolloutGateAndDatabase() {
        fixture.gate(PRODUCTION, current, "SUCCEEDED", 60421);
        fixture.database(PRODUCTION, 60421, current, "", "");

        EnvironmentView view = operations.status(PRODUCTION);

        assertThat(view.current().id()).isEqualTo(current);
        assertThat(view.current().wordpressVersion()).isEqualTo("6.8.3");
        assertThat(view.current().dbVersion()).isEqualTo(60421);
        assertThat(view.pointerVersion()).isEqualTo(1);
        // The cloud's RolloutFunction saw the pointer change: no instance in the group, so nothing to activate.
        assertThat(view.rollout().state()).isEqualTo("ACTIVATED");
        assertThat(view.rollout().pointerVersion()).isEqualTo(1);
        assertThat(view.upgrade().state()).isEqualTo("SUCCEEDED");
        assertThat(view.upgrade().instanceId()).isEqualTo("i-0000000a");
        assertThat(view.database().dbVersion()).isEqualTo(60421);
        assertThat(view.database().blocked()).isFalse();
    }

    @Test
    void status_listsHistoryNewestFirstWithEachReleasesGate() {
        fixture.gate(PRODUCTION, current, "SUCCEEDED", 60421);
        fixture.point(PRODUCTION, old);                  // v2
        fixture.gate(PRODUCTION, old, "FAILED", 58975);
        fixture.point(PRODUCTION, "not-a-release");      // v3: set by hand
        fixture.point(PRODUCTION, current);              // v4

        EnvironmentView view = operations.status(PRODUCTION, 3);

        assertThat(view.history()).extracting(Deployment::version).containsExactly(4L, 3L, 2L);
        assertThat(view.history()).extracting(d -> d.release().id()).containsExactly(current, "not-a-release", old);
        assertThat(view.history()).extracting(Deployment::upgrade).containsExactly("SUCCEEDED", "NONE", "FAILED");
        assertThat(view.history().get(1).release().recorded()).isFalse();
        assertThat(view.history().get(0).rollout()).isEqualTo("ACTIVATED");
        assertThat(operations.status(PRODUCTION).history()).hasSize(4);
    }

    @Test
    void environments_listsThoseWithAPointer() {
        fixture.point("staging", old);

        assertThat(operations.environments()).containsExactly("production", "staging");
    }
}

package dev.fleetpress.release;

import static dev.fleetpress.release.FakeReleaseBuilds.buildId;
import static dev.fleetpress.release.ReleaseWorld.commit;
import static dev.fleetpress.release.ReleaseWorld.release;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReleaseCatalogTest {
    private static final String A = commit("a");
    private static final String B = commit("b");

    private final ReleaseWorld world = new ReleaseWorld();

    @Test
    void status_whenPromotedTwice_listsHistoryNewestFirstWithManifests() {
        world.push(A, "production");
        world.buildSucceeds(A, buildId(1));
        world.push(B, "production");
        world.buildSucceeds(B, buildId(2));

        ReleaseCatalog.EnvironmentStatus status = world.catalog.status("production");

        assertThat(status.current()).hasValueSatisfying(d -> assertThat(d.releaseId()).contains(release(B)));
        assertThat(status.history()).extracting(ReleaseCatalog.Deployment::value)
                .containsExactly(release(B).value(), release(A).value());
        assertThat(status.history().get(1).release()).hasValueSatisfying(r ->
                assertThat(r.manifest().commit()).isEqualTo(A));
    }

    @Test
    void environments_whenTwoArePromoted_listsBothByName() {
        world.push(A, "staging");
        world.push(A, "production");
        world.buildSucceeds(A, buildId(1));

        assertThat(world.catalog.environments()).extracting(ReleaseCatalog.EnvironmentStatus::environment)
                .containsExactly("production", "staging");
    }

    @Test
    void status_whenNeverPromoted_hasNoCurrent() {
        assertThat(world.catalog.status("production").current()).isEmpty();
    }

    @Test
    void status_whenPointerWasHandEdited_showsValueWithoutRelease() {
        world.pointers.set("production", release(A));

        ReleaseCatalog.Deployment current = world.catalog.status("production").current().orElseThrow();

        assertThat(current.value()).isEqualTo(release(A).value());
        assertThat(current.release()).isEmpty();
    }
}

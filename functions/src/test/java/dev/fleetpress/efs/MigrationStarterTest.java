package dev.fleetpress.efs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.media.MigrationKeys;
import dev.fleetpress.media.MigrationStart;
import dev.fleetpress.media.MigrationStarter;
import dev.fleetpress.json.Json;
import dev.fleetpress.release.MutableClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The media migration start the exit plan shares with `fleetpress media migrate`. */
class MigrationStarterTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T20:19:00Z"));
    private final FakeCommands commands = new FakeCommands();
    private final MapObjectStore media = new MapObjectStore();
    private final MigrationStarter starter = MigrationStarter.of(commands, media, "fleetpress-local-media-export",
            "fleetpress-local-media-000000000000", () -> "p2x4", clock);

    @Test
    void newId_whenCalled_isSortableByStart() {
        assertThat(starter.newId("production")).isEqualTo("m-20261127-201900-production-p2x4");
    }

    @Test
    void start_whenSent_sendsTheExportAndWritesStartedJson() {
        MigrationStart started = starter.start(new MigrationStarter.Request("production", "fleetpress-production",
                "i-0a1b2c3d4e5f60718", "m-20261127-201900-production-p2x4", 64, "/var/www/html/wp-content/uploads"));

        assertThat(commands.sent()).singleElement().satisfies(c -> {
            assertThat(c.document()).isEqualTo("fleetpress-local-media-export");
            assertThat(c.parameters()).isEqualTo(Map.of("MigrationId", "m-20261127-201900-production-p2x4",
                    "MediaBucket", "fleetpress-local-media-000000000000", "ShardMegabytes", "64",
                    "UploadsPath", "/var/www/html/wp-content/uploads"));
            assertThat(c.comment()).isEqualTo("fleetpress media migrate production m-20261127-201900-production-p2x4");
        });
        assertThat(started.commandId()).isEqualTo(commands.lastId());
        String json = media.text(MigrationKeys.started("m-20261127-201900-production-p2x4")).orElseThrow();
        assertThat(MigrationStart.parse(Json.parse(json))).isEqualTo(started);
    }

    @Test
    void start_whenNoUploadsPath_leavesTheDocumentsDefault() {
        starter.start(new MigrationStarter.Request("production", "fleetpress-production", "i-0a1b2c3d4e5f60718",
                "m-20261127-201900-production-p2x4", 64, ""));

        assertThat(commands.sent().get(0).parameters()).doesNotContainKey("UploadsPath");
    }

    @Test
    void start_whenTheInstanceCannotTakeIt_throwsNotStartedAndWritesNothing() {
        commands.notReady(true);

        assertThatThrownBy(() -> starter.start(new MigrationStarter.Request("production", "fleetpress-production",
                "i-0a1b2c3d4e5f60718", "m-20261127-201900-production-p2x4", 64, "")))
                .isInstanceOf(MigrationStarter.NotStarted.class).hasMessageContaining("InvalidInstanceId");
        assertThat(media.text(MigrationKeys.started("m-20261127-201900-production-p2x4"))).isEmpty();
    }

    @Test
    void request_whenUploadsPathClimbsOut_refuses() {
        assertThatThrownBy(() -> new MigrationStarter.Request("production", "g", "i-0a1b2c3d4e5f60718",
                "m-20261127-201900-production-p2x4", 64, "/var/www/../etc")).hasMessageContaining("uploads path");
    }

    @Test
    void choose_whenNoneRequested_takesTheFirstInServiceById() {
        assertThat(MigrationStarter.choose("g", List.of("i-0b1c2d3e4f5a60719", "i-0a1b2c3d4e5f60718"), ""))
                .isEqualTo("i-0a1b2c3d4e5f60718");
        assertThatThrownBy(() -> MigrationStarter.choose("g", List.of(), "")).hasMessageContaining("no InService instance");
        assertThatThrownBy(() -> MigrationStarter.choose("g", List.of("i-0a1b2c3d4e5f60718"), "i-0b1c2d3e4f5a60719"))
                .hasMessageContaining("is not InService");
    }

    @Test
    void progress_whenExportedAndVerified_readsTheCounts() {
        String id = "m-20261127-201900-production-p2x4";
        assertThat(starter.progress(id).exported()).isFalse();
        media.putText(MigrationKeys.migrationManifest(id), "{\"formatVersion\":1,\"migrationId\":\"" + id
                + "\",\"shards\":2,\"files\":300,\"bytes\":1000}");
        media.putText(MigrationKeys.ROOT + MigrationKeys.reportLedgerKey(id), "{\"verified\":299,\"rejected\":[{\"path\":\"x.php\"}],"
                + "\"complete\":true}");

        assertThat(starter.progress(id)).isEqualTo(new MigrationStarter.Progress(id, true, 300, 1000, true, 299, 1, true));
    }
}

package dev.fleetpress.localcloud.wordpress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalDatabaseTest {
    @TempDir
    Path dir;

    private LocalDatabase db() {
        return LocalDatabases.in(dir.resolve("databases")).database("localhost", "fleetpress");
    }

    @Test
    void database_isAFolderPerHostAndNameCreatedEmpty() {
        LocalDatabase db = db();

        assertThat(db.folder()).isEqualTo(dir.resolve("databases/localhost/fleetpress").toAbsolutePath()).isDirectory();
        assertThat(db.dbVersion()).isEmpty();
        assertThat(db.activePlugins()).isEmpty();
        assertThat(db.history()).isEmpty();
    }

    @Test
    void database_whenOpenedAgain_keepsWhatIsInIt() {
        db().install(57155);

        assertThat(db().dbVersion()).hasValue(57155);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "..", "../etc", "a/b", "-x", "has space"})
    void database_whenHostIsNotAPlainName_throwsAndCreatesNothing(String host) {
        LocalDatabases databases = LocalDatabases.in(dir.resolve("databases"));

        assertThatThrownBy(() -> databases.database(host, "fleetpress"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a plain name");
        assertThat(dir.resolve("databases")).isEmptyDirectory();
    }

    @Test
    void database_whenNameIsAPath_throws() {
        LocalDatabases databases = LocalDatabases.in(dir.resolve("databases"));

        assertThatThrownBy(() -> databases.database("localhost", "../fleetpress"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("database name");
    }

    @Test
    void database_whenHostHasAPort_acceptsIt() {
        assertThat(LocalDatabases.in(dir).database("db.internal:3306", "wp").folder()).endsWith(Path.of("db.internal:3306/wp"));
    }

    @Test
    void install_recordsTheSchemaVersion() {
        LocalDatabase db = db();

        db.install(60421);

        assertThat(db.dbVersion()).hasValue(60421);
    }

    @Test
    void install_whenAlreadyInstalled_throwsAndKeepsTheVersion() {
        LocalDatabase db = db();
        db.install(57155);

        assertThatThrownBy(() -> db.install(60421)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already installed").hasMessageContaining("57155");
        assertThat(db.dbVersion()).hasValue(57155);
    }

    @Test
    void install_whenVersionIsNotPositive_throws() {
        assertThatThrownBy(() -> db().install(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dbVersion_whenTheFileHoldsGarbage_throwsSayingWhichFile() throws IOException {
        LocalDatabase db = db();
        Files.writeString(db.folder().resolve("db_version"), "sixty\n");

        assertThatThrownBy(db::dbVersion).isInstanceOf(IllegalStateException.class).hasMessageContaining("db_version");
    }

    @Test
    void activatePlugin_addsItOnceInActivationOrder() {
        LocalDatabase db = db();

        db.activatePlugin("woocommerce");
        db.activatePlugin("akismet");
        db.activatePlugin("woocommerce");

        assertThat(db.activePlugins()).containsExactly("woocommerce", "akismet");
    }

    @Test
    void activatePlugin_whenSlugIsAPath_throwsAndActivatesNothing() {
        LocalDatabase db = db();

        assertThatThrownBy(() -> db.activatePlugin("../woocommerce")).isInstanceOf(IllegalArgumentException.class);
        assertThat(db.activePlugins()).isEmpty();
    }

    @Test
    void failNextUpgrade_writesTheMessageForTheStandIn() throws IOException {
        LocalDatabase db = db();

        db.failNextUpgrade("Deadlock found when trying to get lock");

        assertThat(Files.readString(db.folder().resolve("fail-next"))).isEqualTo("Deadlock found when trying to get lock\n");
    }

    @Test
    void failNextUpgrade_whenMessageIsBlankOrSeveralLines_throwsAndInjectsNothing() {
        LocalDatabase db = db();

        assertThatThrownBy(() -> db.failNextUpgrade(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> db.failNextUpgrade("one\ntwo")).isInstanceOf(IllegalArgumentException.class);
        assertThat(db.folder().resolve("fail-next")).doesNotExist();
    }

    @Test
    void history_parsesEveryWholeLineAndLeavesOutOneStillBeingWritten() throws IOException {
        LocalDatabase db = db();
        Files.writeString(db.folder().resolve("history.log"),
                "2026-03-01T10:00:00Z\ti-0123456789abcdef0\tcore update-db\t0\n"
                        + "2026-03-01T10:00:05Z\ti-0123456789abcdef1\twc update\t1\n"
                        + "2026-03-01T10:00:09Z\ti-01");

        assertThat(db.history()).containsExactly(
                new LocalDatabase.HistoryEntry(Instant.parse("2026-03-01T10:00:00Z"), "i-0123456789abcdef0", "core update-db", 0),
                new LocalDatabase.HistoryEntry(Instant.parse("2026-03-01T10:00:05Z"), "i-0123456789abcdef1", "wc update", 1));
    }

    @Test
    void history_whenALineIsMalformed_throwsNamingTheLine() throws IOException {
        LocalDatabase db = db();
        Files.writeString(db.folder().resolve("history.log"), "2026-03-01T10:00:00Z\ti-1\tcore update-db\t0\nnot a line\n");

        assertThatThrownBy(db::history).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("line 2").hasMessageContaining("not a line");
    }
}

package dev.fleetpress.localcloud.wordpress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wp stand-in script itself, run with bash against folders, as Run Command runs it on an instance. */
class WpStandInTest {
    private static final long RELEASE_DB_VERSION = 60421;

    @TempDir
    Path dir;

    private Path wp;
    private Path site;
    private LocalDatabases databases;
    private LocalDatabase db;

    @BeforeEach
    void setUp() throws IOException {
        WpStandIn.installInto(dir.resolve("root"));
        wp = dir.resolve("root").resolve(WpStandIn.INSTALL_PATH);
        site = Files.createDirectories(dir.resolve("site"));
        release(site, "6.8.3", RELEASE_DB_VERSION);
        config(site, "define( 'DB_NAME', 'fleetpress' );\ndefine( 'DB_HOST', 'localhost' );\n");
        Files.createDirectories(site.resolve("wp-content/plugins/woocommerce"));
        databases = LocalDatabases.in(dir.resolve("databases"));
        db = databases.database("localhost", "fleetpress");
    }

    private static void release(Path root, String version, long dbVersion) throws IOException {
        Path includes = Files.createDirectories(root.resolve("wp-includes"));
        Files.writeString(includes.resolve("version.php"), "<?php\n/**\n * @global string $wp_version\n */\n$wp_version = '"
                + version + "';\n\n$wp_db_version = " + dbVersion + ";\n");
    }

    private static void config(Path root, String defines) throws IOException {
        Files.writeString(root.resolve("wp-config.php"), "<?php\n" + defines + "$table_prefix = 'wp_';\n");
    }

    private record Run(int exitCode, String stdout, String stderr) {
    }

    private Run wp(String... args) throws Exception {
        return wp(Map.of("FLEETPRESS_INSTANCE_ID", "i-0aaaaaaaaaaaaaaaa"), args);
    }

    /** Runs the stand-in with a clean environment: PATH, the databases folder, and {@code extra}. */
    private Run wp(Map<String, String> extra, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("bash", wp.toString()));
        argv.addAll(List.of(args));
        String id = Long.toHexString(System.nanoTime());
        Path out = dir.resolve("out-" + id);
        Path err = dir.resolve("err-" + id);
        ProcessBuilder builder = new ProcessBuilder(argv).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> env = builder.environment();
        String path = env.get("PATH");
        env.clear();
        env.put("PATH", path);
        env.put("FLEETPRESS_LOCAL_DATABASES", databases.folder().toString());
        env.putAll(extra);
        Process p = builder.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("wp " + String.join(" ", args) + " did not finish");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private String path() {
        return "--path=" + site;
    }

    @Test
    void installInto_putsAnExecutableWpWhereWpCliLivesOnAnInstance() throws IOException {
        assertThat(wp).isRegularFile().endsWith(Path.of("usr/local/bin/wp"));
        assertThat(Files.getPosixFilePermissions(wp)).contains(PosixFilePermission.OWNER_EXECUTE,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
        assertThat(Files.readString(wp)).startsWith("#!/usr/bin/env bash\n");
    }

    @Test
    void script_isShellcheckClean() throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("shellcheck", "--", wp.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("shellcheck is not on PATH: install it (Debian/Ubuntu: apt-get install shellcheck; "
                    + "CI installs it) and run the tests again", e);
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
    }

    @Test
    void coreUpdateDb_whenTheDatabaseIsOlder_upgradesItAndSaysFromWhichVersion() throws Exception {
        db.install(57155);

        Run r = wp(path(), "core", "update-db");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("Success: WordPress database upgraded successfully from db version 57155 to 60421.\n");
        assertThat(r.stderr()).isEmpty();
        assertThat(db.dbVersion()).hasValue(RELEASE_DB_VERSION);
    }

    @Test
    void coreUpdateDb_whenAlreadyAtTheReleasesVersion_saysSoAndChangesNothing() throws Exception {
        db.install(RELEASE_DB_VERSION);

        Run r = wp(path(), "--allow-root", "core", "update-db");

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("Success: WordPress database already at latest db version 60421.\n");
        assertThat(db.dbVersion()).hasValue(RELEASE_DB_VERSION);
    }

    @Test
    void coreUpdateDb_whenTheReleaseIsOlderAfterARollback_recordsTheReleasesVersionAsWpCliDoes() throws Exception {
        db.install(61000);

        Run r = wp(path(), "core", "update-db");

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("Success: WordPress database upgraded successfully from db version 61000 to 60421.\n");
        assertThat(db.dbVersion()).hasValue(RELEASE_DB_VERSION);
    }

    @Test
    void coreUpdateDb_whenWordPressIsNotInstalled_failsAsWpCliDoesAndRecordsTheFailure() throws Exception {
        Run r = wp(path(), "core", "update-db");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).startsWith("Error: The site you have requested is not installed.\n");
        assertThat(db.dbVersion()).isEmpty();
        assertThat(db.history()).singleElement().satisfies(h -> {
            assertThat(h.command()).isEqualTo("core update-db");
            assertThat(h.exitCode()).isEqualTo(1);
        });
    }

    @Test
    void coreUpdateDb_whenAFailureIsInjected_failsOnceWithItsMessageAndTheNextOneUpgrades() throws Exception {
        db.install(57155);
        db.failNextUpgrade("Table 'wp_options' is marked as crashed");

        Run failed = wp(path(), "core", "update-db");
        Run next = wp(path(), "core", "update-db");

        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.stderr()).isEqualTo("Error: Table 'wp_options' is marked as crashed\n");
        assertThat(failed.stdout()).isEmpty();
        assertThat(next.exitCode()).isZero();
        assertThat(next.stdout()).contains("from db version 57155 to 60421");
        assertThat(db.folder().resolve("fail-next")).doesNotExist();
        assertThat(db.history()).extracting(LocalDatabase.HistoryEntry::exitCode).containsExactly(1, 0);
    }

    @Test
    void coreUpdateDb_whenCoreSitsInASubfolder_readsTheShallowestVersionFile() throws Exception {
        Path nested = Files.createDirectories(dir.resolve("composer-site"));
        release(nested.resolve("wordpress"), "6.8.3", RELEASE_DB_VERSION);
        release(nested.resolve("wordpress/wp-content/plugins/bundled/vendor/wp"), "5.0", 43764);
        config(nested, "define('DB_NAME', 'fleetpress');\ndefine('DB_HOST', 'localhost');\n");
        db.install(57155);

        Run r = wp("--path=" + nested, "core", "update-db");

        assertThat(r.stdout()).contains("to 60421.");
        assertThat(db.dbVersion()).hasValue(RELEASE_DB_VERSION);
    }

    @Test
    void coreUpdateDb_whenThePathIsTheCurrentSymlinkOfADeployedRelease_followsIt() throws Exception {
        Path home = Files.createDirectories(dir.resolve("var/www/fleetpress"));
        Path releaseDir = Files.createDirectories(home.resolve("releases/r-0123456789ab"));
        release(releaseDir, "6.8.3", RELEASE_DB_VERSION);
        Files.createDirectories(home.resolve("shared"));
        // As bootstrap writes them: one-line defines, single quotes, no spaces inside the parentheses.
        Files.writeString(home.resolve("shared/wp-config.php"),
                "<?php\ndefine('DB_HOST', 'localhost');\ndefine('DB_NAME', 'fleetpress');\n");
        Files.createSymbolicLink(releaseDir.resolve("wp-config.php"), Path.of("../../shared/wp-config.php"));
        Files.createSymbolicLink(home.resolve("current"), Path.of("releases/r-0123456789ab"));
        db.install(57155);

        Run r = wp("--path=" + home.resolve("current"), "--allow-root", "core", "update-db");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(db.dbVersion()).hasValue(RELEASE_DB_VERSION);
    }

    @Test
    void coreUpdateDb_whenManyRunAtOnce_upgradesOnceAndEveryHistoryLineIsWhole() throws Exception {
        db.install(57155);
        int runs = 16;
        ExecutorService pool = Executors.newFixedThreadPool(runs);
        List<Future<Run>> results = new ArrayList<>();
        try {
            for (int i = 0; i < runs; i++) {
                String instance = "i-" + String.format("%017x", i);
                results.add(pool.submit(() -> wp(Map.of("FLEETPRESS_INSTANCE_ID", instance), path(), "core", "update-db")));
            }
            List<String> outputs = new ArrayList<>();
            for (Future<Run> f : results) {
                outputs.add(f.get(2, TimeUnit.MINUTES).stdout());
            }

            assertThat(outputs).filteredOn(o -> o.contains("upgraded successfully")).hasSize(1);
            assertThat(outputs).filteredOn(o -> o.contains("already at latest")).hasSize(runs - 1);
            assertThat(db.history()).hasSize(runs)
                    .allSatisfy(h -> assertThat(h.command()).isEqualTo("core update-db"))
                    .extracting(LocalDatabase.HistoryEntry::instanceId).doesNotHaveDuplicates();
            assertThat(Files.readAllLines(db.folder().resolve("history.log")))
                    .allSatisfy(line -> assertThat(line.split("\t", -1)).hasSize(4));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void history_recordsTheTimeTheInstanceTheWordsAndTheExitCode() throws Exception {
        db.install(RELEASE_DB_VERSION);

        wp(path(), "--skip-plugins", "core", "update-db");

        assertThat(Files.readString(db.folder().resolve("history.log")))
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\ti-0aaaaaaaaaaaaaaaa\tcore update-db\t0\n");
    }

    @Test
    void history_whenNoInstanceIdIsSet_recordsTheHostName() throws Exception {
        db.install(RELEASE_DB_VERSION);
        String hostname = new String(new ProcessBuilder("uname", "-n").start().getInputStream().readAllBytes()).strip();

        wp(Map.of(), path(), "core", "version");

        assertThat(db.history()).singleElement().extracting(LocalDatabase.HistoryEntry::instanceId).isEqualTo(hostname);
    }

    @Test
    void coreVersion_printsTheReleasesWordPressVersion() throws Exception {
        Run r = wp(path(), "core", "version");

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("6.8.3\n");
    }

    @Test
    void coreVersion_whenThereIsNoDatabase_stillAnswersAsWpCliReadsOnlyFiles() throws Exception {
        Files.delete(site.resolve("wp-config.php"));

        Run r = wp(path(), "core", "version");

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("6.8.3\n");
    }

    @Test
    void pluginIsActive_whenInstalledAndActive_exitsZeroSilently() throws Exception {
        db.install(RELEASE_DB_VERSION);
        db.activatePlugin("woocommerce");

        Run r = wp(path(), "plugin", "is-active", "woocommerce");

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).isEmpty();
    }

    @Test
    void pluginIsActive_whenNotActive_exitsOne() throws Exception {
        db.install(RELEASE_DB_VERSION);
        db.activatePlugin("akismet");

        assertThat(wp(path(), "plugin", "is-active", "woocommerce").exitCode()).isEqualTo(1);
    }

    @Test
    void pluginIsActive_whenActiveButNotInTheRelease_exitsOne() throws Exception {
        db.install(RELEASE_DB_VERSION);
        db.activatePlugin("jetpack");

        assertThat(wp(path(), "plugin", "is-active", "jetpack").exitCode()).isEqualTo(1);
    }

    @Test
    void pluginIsActive_whenTheSlugIsAPath_exitsOne() throws Exception {
        db.install(RELEASE_DB_VERSION);
        db.activatePlugin("woocommerce");

        assertThat(wp(path(), "plugin", "is-active", "../plugins/woocommerce").exitCode()).isEqualTo(1);
    }

    @Test
    void pluginIsActive_withoutASlug_printsUsageAndExitsOne() throws Exception {
        db.install(RELEASE_DB_VERSION);

        Run r = wp(path(), "plugin", "is-active");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).startsWith("usage: wp plugin is-active <plugin>");
    }

    @Test
    void pluginCommand_likeWcUpdate_succeedsWithoutRunningPluginCode() throws Exception {
        db.install(RELEASE_DB_VERSION);

        Run r = wp(path(), "--allow-root", "wc", "update");

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("Success: wc update (localcloud stand-in: no plugin code runs)\n");
        assertThat(db.history()).extracting(LocalDatabase.HistoryEntry::command).containsExactly("wc update");
    }

    @Test
    void pluginCommand_whenWordPressIsNotInstalled_failsAsWpCliWouldLoadingIt() throws Exception {
        Run r = wp(path(), "wc", "update");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).startsWith("Error: The site you have requested is not installed.");
    }

    @Test
    void coreSubcommandNotImplemented_isRefusedRatherThanFaked() throws Exception {
        db.install(RELEASE_DB_VERSION);

        Run r = wp(path(), "core", "update");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).startsWith("Error: 'core update' is not implemented by localcloud's wp stand-in");
    }

    @Test
    void coreUpdateDb_withAPositionalArgumentTooMany_failsAndChangesNothing() throws Exception {
        db.install(57155);

        Run r = wp(path(), "core", "update-db", "now");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).isEqualTo("Error: Too many positional arguments: now\n");
        assertThat(db.dbVersion()).hasValue(57155);
    }

    @Test
    void unknownOption_failsWithParameterErrorsAndRunsNothing() throws Exception {
        db.install(57155);

        Run r = wp(path(), "core", "update-db", "--network", "--dry-run");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).isEqualTo("Error: Parameter errors:\n unknown --network parameter\n unknown --dry-run parameter\n");
        assertThat(db.dbVersion()).hasValue(57155);
        assertThat(db.history()).isEmpty();
    }

    @Test
    void missingPath_failsWithAnErrorNamingTheOption() throws Exception {
        Run r = wp("core", "version");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).startsWith("Error: ").contains("--path=");
    }

    @Test
    void missingCommand_failsWithAnErrorListingTheCommands() throws Exception {
        Run r = wp(path());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).startsWith("Error: ").contains("core update-db");
    }

    @Test
    void pathWithoutWordPress_failsAsWpCliDoes() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));

        Run r = wp("--path=" + empty, "core", "version");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).startsWith("Error: This does not seem to be a WordPress installation.\nThe used path is: "
                + empty + "/\n");
    }

    @Test
    void coreUpdateDb_withoutWpConfig_failsAsWpCliDoes() throws Exception {
        Files.delete(site.resolve("wp-config.php"));

        Run r = wp(path(), "core", "update-db");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).startsWith("Error: 'wp-config.php' not found.\n");
    }

    @Test
    void coreUpdateDb_whenTheDatabaseDoesNotExist_failsToConnectAndRecordsNothing() throws Exception {
        config(site, "define( 'DB_NAME', 'other' );\ndefine( 'DB_HOST', 'localhost' );\n");

        Run r = wp(path(), "core", "update-db");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).startsWith("Error: Error establishing a database connection.");
        assertThat(databases.folder().resolve("localhost/other")).doesNotExist();
    }

    @Test
    void coreUpdateDb_whenDbNameIsAPath_refusesIt() throws Exception {
        config(site, "define( 'DB_NAME', '../../etc' );\ndefine( 'DB_HOST', 'localhost' );\n");

        Run r = wp(path(), "core", "update-db");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).startsWith("Error: Error establishing a database connection.").contains("plain names");
    }

    @Test
    void coreUpdateDb_withoutTheDatabasesFolderVariable_failsSayingWhichVariable() throws Exception {
        db.install(57155);
        Map<String, String> env = new HashMap<>();
        env.put("FLEETPRESS_LOCAL_DATABASES", "");

        Run r = wp(env, path(), "core", "update-db");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("FLEETPRESS_LOCAL_DATABASES is not set");
        assertThat(db.dbVersion()).hasValue(57155);
    }
}

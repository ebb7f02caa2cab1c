package dev.fleetpress.localcloud.wordpress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wp search-replace} of the stand-in, over {@link LocalDatabase}'s rows, as the rewrite document runs it. */
class WpSearchReplaceTest {
    private static final String OLD = "https://www.example.com/wp-content/uploads";
    private static final String NEW = "https://cdn.example.com/wp-content/uploads";
    private static final String[] REWRITE = {"--all-tables-with-prefix", "--skip-columns=guid", "--precise",
            "--report-changed-only"};

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
        Path includes = Files.createDirectories(site.resolve("wp-includes"));
        Files.writeString(includes.resolve("version.php"), "<?php\n$wp_version = '6.8.3';\n$wp_db_version = 60421;\n");
        Files.writeString(site.resolve("wp-config.php"), "<?php\ndefine( 'DB_NAME', 'fleetpress' );\ndefine( 'DB_HOST', "
                + "'localhost' );\n$table_prefix = 'wp_';\n");
        databases = LocalDatabases.in(dir.resolve("databases"));
        db = databases.database("localhost", "fleetpress");
        db.install(60421);
        db.putRow("wp_posts", "post_content", 1, "<img src=\"" + OLD + "/2024/05/a.jpg\"> and <a href=\"" + OLD
                + "/2024/05/a.pdf\">the pdf</a>\n");
        db.putRow("wp_posts", "post_content", 2, "no media here");
        db.putRow("wp_posts", "post_content", 3, "[gallery]" + OLD + "/2025/01/b.png[/gallery]");
        db.putRow("wp_posts", "guid", 1, OLD + "/2024/05/a.jpg");
        db.putRow("wp_postmeta", "meta_value", 7, OLD + "/2024/05/a.jpg");
        db.putRow("wp_users", "user_pass", 1, OLD);
        db.putRow("other_table", "content", 1, OLD + "/x.jpg");
    }

    private record Run(int exitCode, String stdout, String stderr) {
    }

    private Run wp(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("bash", wp.toString(), "--path=" + site, "--allow-root"));
        argv.addAll(List.of(args));
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        ProcessBuilder builder = new ProcessBuilder(argv).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> env = builder.environment();
        String path = env.get("PATH");
        env.clear();
        env.put("PATH", path);
        env.put("FLEETPRESS_LOCAL_DATABASES", databases.folder().toString());
        env.put("FLEETPRESS_INSTANCE_ID", "i-0aaaaaaaaaaaaaaaa");
        Process p = builder.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("wp did not finish");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private Run searchReplace(String old, String replacement, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("search-replace", old, replacement));
        args.addAll(List.of(options));
        return wp(args.toArray(String[]::new));
    }

    @Test
    void searchReplace_dryRun_countsChangedRowsPerColumnAsWpCliPrintsThemPipedAndChangesNothing() throws Exception {
        String before = db.row("wp_posts", "post_content", 1).orElseThrow();

        Run r = searchReplace(OLD, NEW, concat(REWRITE, "--dry-run"));

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("Table\tColumn\tReplacements\tType\n"
                + "wp_postmeta\tmeta_value\t1\tPHP\n"
                + "wp_posts\tpost_content\t2\tPHP\n"
                + "Success: 3 replacements to be made.\n");
        assertThat(db.row("wp_posts", "post_content", 1)).contains(before);
    }

    @Test
    void searchReplace_replacesEveryLiteralOccurrenceExceptSkippedColumnsAndOtherPrefixes() throws Exception {
        Run r = searchReplace(OLD, NEW, REWRITE);

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).endsWith("Success: Made 3 replacements.\n");
        assertThat(db.row("wp_posts", "post_content", 1)).contains("<img src=\"" + NEW + "/2024/05/a.jpg\"> and <a href=\""
                + NEW + "/2024/05/a.pdf\">the pdf</a>\n");
        assertThat(db.row("wp_posts", "post_content", 3)).contains("[gallery]" + NEW + "/2025/01/b.png[/gallery]");
        assertThat(db.row("wp_posts", "post_content", 2)).contains("no media here");
        assertThat(db.row("wp_posts", "guid", 1)).contains(OLD + "/2024/05/a.jpg");
        assertThat(db.row("wp_users", "user_pass", 1)).contains(OLD);
        assertThat(db.row("other_table", "content", 1)).contains(OLD + "/x.jpg");
    }

    @Test
    void searchReplace_whenRunAgain_findsNothingLeft() throws Exception {
        searchReplace(OLD, NEW, REWRITE);

        Run again = searchReplace(OLD, NEW, REWRITE);

        assertThat(again.stdout()).isEqualTo("Success: Made 0 replacements.\n");
    }

    @Test
    void searchReplace_withoutReportChangedOnly_listsUnchangedColumnsWithZero_andSqlWithoutPrecise() throws Exception {
        db.putRow("wp_options", "option_value", 1, "blogname");

        Run r = searchReplace(OLD, NEW, "--dry-run", "--skip-columns=guid");

        assertThat(r.stdout()).contains("wp_posts\tpost_content\t2\tSQL\n", "wp_options\toption_value\t0\tSQL\n");
        assertThat(r.stdout()).doesNotContain("user_pass", "guid");
    }

    @Test
    void searchReplace_whenOneRowChanges_saysReplacementInTheSingular() throws Exception {
        Run r = searchReplace("no media here", "still none", "--precise");

        assertThat(r.stdout()).endsWith("Success: Made 1 replacement.\n");
    }

    @Test
    void searchReplace_treatsTextLiterallyNotAsPatterns() throws Exception {
        db.putRow("wp_options", "option_value", 1, "a*b [x] $(id) & \\1 a*b");

        Run r = searchReplace("a*b", "&c$(reboot)", "--precise");

        assertThat(r.exitCode()).isZero();
        assertThat(db.row("wp_options", "option_value", 1)).contains("&c$(reboot) [x] $(id) & \\1 &c$(reboot)");
    }

    @Test
    void searchReplace_whenTheValuesAreIdentical_warnsAsWpCliAndChangesNothing() throws Exception {
        Run r = searchReplace(OLD, OLD, REWRITE);

        assertThat(r.exitCode()).isZero();
        assertThat(r.stderr()).isEqualTo("Warning: Replacement value '" + OLD + "' is identical to search value '" + OLD
                + "'. Skipping operation.\n");
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void searchReplace_whenTablesAreNamed_searchesOnlyThem() throws Exception {
        Run r = searchReplace(OLD, NEW, "other_table", "--dry-run");

        assertThat(r.stdout()).isEqualTo("Table\tColumn\tReplacements\tType\nother_table\tcontent\t1\tSQL\n"
                + "Success: 1 replacement to be made.\n");
    }

    @Test
    void searchReplace_withAnotherTablePrefix_searchesItsTables() throws Exception {
        Files.writeString(site.resolve("wp-config.php"), "<?php\ndefine( 'DB_NAME', 'fleetpress' );\ndefine( 'DB_HOST', "
                + "'localhost' );\ndefine( 'TABLE_PREFIX', 'other_' );\n");

        Run r = searchReplace(OLD, NEW, concat(REWRITE, "--dry-run"));

        assertThat(r.stdout()).isEqualTo("Table\tColumn\tReplacements\tType\nother_table\tcontent\t1\tPHP\n"
                + "Success: 1 replacement to be made.\n");
    }

    @Test
    void searchReplace_logsOneHistoryLinePerRunWithItsOptions() throws Exception {
        searchReplace(OLD, NEW, concat(REWRITE, "--dry-run"));
        searchReplace(OLD, NEW, REWRITE);

        assertThat(db.history()).extracting(LocalDatabase.HistoryEntry::command).containsExactly(
                "search-replace " + OLD + " " + NEW + " --all-tables-with-prefix --skip-columns=guid --precise "
                        + "--report-changed-only --dry-run",
                "search-replace " + OLD + " " + NEW + " --all-tables-with-prefix --skip-columns=guid --precise "
                        + "--report-changed-only");
        assertThat(db.history()).allSatisfy(e -> assertThat(e.exitCode()).isZero());
    }

    @Test
    void searchReplace_withoutBothValues_printsUsage() throws Exception {
        Run r = wp("search-replace", OLD);

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).startsWith("usage: wp search-replace <old> <new>");
    }

    @Test
    void searchReplaceOptions_onAnotherCommand_areParameterErrors() throws Exception {
        Run r = wp("core", "update-db", "--dry-run");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("Error: Parameter errors:", "unknown --dry-run parameter");
    }

    @Test
    void searchReplace_whenWordPressIsNotInstalled_failsAsWpCli() throws Exception {
        LocalDatabase empty = databases.database("localhost", "empty");
        Files.writeString(site.resolve("wp-config.php"), "<?php\ndefine( 'DB_NAME', 'empty' );\ndefine( 'DB_HOST', 'localhost' );\n");

        Run r = searchReplace(OLD, NEW, REWRITE);

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).startsWith("Error: The site you have requested is not installed.");
        assertThat(empty.history()).singleElement().satisfies(e -> assertThat(e.exitCode()).isEqualTo(1));
    }

    @Test
    void putRow_whenNamesAreNotIdentifiers_throws() {
        assertThatThrownBy(() -> db.putRow("../wp_posts", "post_content", 1, "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plain identifiers");
        assertThatThrownBy(() -> db.putRow("wp_posts", "post content", 1, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> db.putRow("wp_posts", "post_content", 0, "x")).hasMessageContaining("positive");
        assertThat(db.row("wp_posts", "post_content", 99)).isEmpty();
    }

    private static String[] concat(String[] a, String... b) {
        List<String> out = new ArrayList<>(List.of(a));
        out.addAll(List.of(b));
        return out.toArray(String[]::new);
    }
}

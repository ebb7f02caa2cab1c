package dev.fleetpress.localcloud.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.localcloud.ec2.Instances;
import dev.fleetpress.localcloud.ec2.Instances.Instance;
import dev.fleetpress.localcloud.ssm.LocalSsm;
import dev.fleetpress.localcloud.ssm.run.CommandDocument;
import dev.fleetpress.localcloud.ssm.run.RunCommandConfig;
import dev.fleetpress.localcloud.template.StackContext;
import dev.fleetpress.localcloud.template.Template;
import dev.fleetpress.localcloud.wordpress.LocalDatabase;
import dev.fleetpress.localcloud.wordpress.LocalDatabases;
import dev.fleetpress.localcloud.wordpress.WpStandIn;
import dev.fleetpress.media.rewrite.ReplacementReport;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.ssm.model.CommandInvocationStatus;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.InvalidParametersException;

/**
 * The template's RewriteUrlsDocument (instance/rewrite-urls.sh inlined) run by localcloud's Run Command in an
 * instance sandbox, against the wp stand-in's folder database; and the script itself with values its
 * document's allowedPattern would have refused, to show that it checks them again.
 */
class RewriteUrlsDocumentTest {
    private static final Path ROOT = Path.of(System.getProperty("fleetpress.root", "..")).toAbsolutePath().normalize();
    private static final String DOCUMENT = "fleetpress-local-rewrite-urls";
    private static final String RELEASE = "r-0123456789ab";
    private static final String OLD = "https://www.example.com/wp-content/uploads";
    private static final String NEW = "https://cdn.example.com/wp-content/uploads";

    @TempDir
    Path dir;

    private Instances instances;
    private LocalDatabases databases;
    private LocalDatabase db;
    private LocalSsm ssm;
    private Instance instance;

    @BeforeEach
    void setUp() throws IOException {
        instances = Instances.create(dir.resolve("ec2"), Clock.systemUTC(), WpStandIn::installInto);
        databases = LocalDatabases.in(dir.resolve("databases"));
        db = databases.database("db.internal", "wordpress");
        db.install(60421);
        db.putRow("wp_posts", "post_content", 11, "<img src=\"" + OLD + "/2024/05/a.jpg\">");
        db.putRow("wp_posts", "post_content", 12, "<a href=\"" + OLD + "/2026/11/team photo + logo.jpg\">team</a>");
        db.putRow("wp_posts", "guid", 11, OLD + "/2024/05/a.jpg");
        db.putRow("wp_postmeta", "meta_value", 40, OLD + "/2024/05/a.jpg");
        Template template = Template.load(ROOT.resolve("template.yaml"),
                StackContext.local(Map.of("SourceLocation", "https://git.example.invalid/site.git")));
        ssm = LocalSsm.open(dir.resolve("ssm"));
        ssm.enableRunCommand(RunCommandConfig.of(instances, CommandDocument.fromTemplate(template), event -> { },
                        Map.of("FLEETPRESS_LOCAL_DATABASES", databases.folder().toString()))
                .withAgentRegistration(Duration.ZERO));
        instance = instances.launch("fleetpress-production");
        Path home = Files.createDirectories(instance.root().resolve("var/www/fleetpress"));
        Path release = Files.createDirectories(home.resolve("releases/" + RELEASE + "/wp-includes"));
        Files.writeString(release.resolve("version.php"), "<?php\n$wp_version = '6.8.3';\n$wp_db_version = 60421;\n");
        Files.writeString(release.getParent().resolve("wp-config.php"),
                "<?php\ndefine('DB_HOST', 'db.internal');\ndefine('DB_NAME', 'wordpress');\n");
        Files.createSymbolicLink(home.resolve("current"), Path.of("releases/" + RELEASE));
    }

    @AfterEach
    void tearDown() {
        ssm.close();
    }

    private GetCommandInvocationResponse run(Map<String, String> parameters) throws InterruptedException {
        String id = ssm.sendCommand(b -> b.documentName(DOCUMENT).instanceIds(instance.id())
                .parameters(parameters.entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                        e -> List.of(e.getValue()))))).command().commandId();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            GetCommandInvocationResponse r = ssm.getCommandInvocation(b -> b.commandId(id).instanceId(instance.id()));
            if (r.status() != CommandInvocationStatus.PENDING && r.status() != CommandInvocationStatus.IN_PROGRESS) {
                return r;
            }
            assertThat(System.nanoTime()).as("invocation still %s", r.status()).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static Map<String, String> parameters(String from, String to, String dryRun) {
        return Map.of("ReleaseId", RELEASE, "From", from, "To", to, "DryRun", dryRun);
    }

    @Test
    void dryRun_printsWpCliReportAndTheResultLineAndChangesNothing() throws Exception {
        GetCommandInvocationResponse r = run(parameters(OLD, NEW, "true"));

        assertThat(r.status()).as(r.standardErrorContent()).isEqualTo(CommandInvocationStatus.SUCCESS);
        assertThat(r.standardOutputContent()).isEqualTo("fleetpress-rewrite-urls: wp search-replace on " + RELEASE
                + " (dry run: true)\n"
                + "Table\tColumn\tReplacements\tType\n"
                + "wp_postmeta\tmeta_value\t1\tPHP\n"
                + "wp_posts\tpost_content\t2\tPHP\n"
                + "Success: 3 replacements to be made.\n"
                + "FLEETPRESS_RESULT replacements=3 dry_run=true\n");
        assertThat(ReplacementReport.parse(r.standardOutputContent()).orElseThrow().total()).isEqualTo(3);
        assertThat(db.row("wp_posts", "post_content", 11)).contains("<img src=\"" + OLD + "/2024/05/a.jpg\">");
        assertThat(db.history()).singleElement().satisfies(h -> assertThat(h.command()).endsWith("--dry-run"));
    }

    @Test
    void realRun_rewritesTheRowsButNotGuids_andSaysHowMany() throws Exception {
        GetCommandInvocationResponse r = run(parameters(OLD, NEW, "false"));

        assertThat(r.status()).as(r.standardErrorContent()).isEqualTo(CommandInvocationStatus.SUCCESS);
        assertThat(r.standardOutputContent()).endsWith("Success: Made 3 replacements.\nFLEETPRESS_RESULT replacements=3 dry_run=false\n");
        assertThat(db.row("wp_posts", "post_content", 12)).contains("<a href=\"" + NEW + "/2026/11/team photo + logo.jpg\">team</a>");
        assertThat(db.row("wp_postmeta", "meta_value", 40)).contains(NEW + "/2024/05/a.jpg");
        assertThat(db.row("wp_posts", "guid", 11)).contains(OLD + "/2024/05/a.jpg");
        assertThat(db.history()).singleElement().satisfies(h -> {
            assertThat(h.instanceId()).isEqualTo(instance.id());
            assertThat(h.command()).isEqualTo("search-replace " + OLD + " " + NEW + " --all-tables-with-prefix "
                    + "--skip-columns=guid --precise --report-changed-only");
        });
    }

    @Test
    void realRun_whenTheInstanceRunsAnotherRelease_failsAndChangesNothing() throws Exception {
        GetCommandInvocationResponse r = run(Map.of("ReleaseId", "r-ffffffffffff", "From", OLD, "To", NEW, "DryRun", "false"));

        assertThat(r.status()).isEqualTo(CommandInvocationStatus.FAILED);
        assertThat(r.standardErrorContent()).contains("this instance runs '" + RELEASE + "', not r-ffffffffffff");
        assertThat(db.history()).isEmpty();
    }

    @Test
    void dryRun_isTheDocumentsDefault() throws Exception {
        GetCommandInvocationResponse r = run(Map.of("ReleaseId", RELEASE, "From", OLD, "To", NEW));

        assertThat(r.standardOutputContent()).endsWith("dry_run=true\n");
        assertThat(db.row("wp_posts", "post_content", 11)).contains("<img src=\"" + OLD + "/2024/05/a.jpg\">");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://www.example.com/uploads'; touch /tmp/pwned; echo '", "https://www.example.com/$(id)",
            "https://www.example.com/a b", "https://www.example.com/a\nb", "https://www.example.com/`id`",
            "https://www.example.com/a?b", "javascript:alert(1)"})
    void sendCommand_whenAUrlIsHostile_isRefusedByTheAllowedPatternBeforeAnythingRuns(String hostile) {
        assertThatThrownBy(() -> run(parameters(hostile, NEW, "false"))).isInstanceOf(InvalidParametersException.class);
        assertThatThrownBy(() -> run(parameters(OLD, hostile, "true"))).isInstanceOf(InvalidParametersException.class);
        assertThat(db.history()).isEmpty();
    }

    @Test
    void sendCommand_whenDryRunIsNotTrueOrFalse_isRefused() {
        assertThatThrownBy(() -> run(parameters(OLD, NEW, "yes"))).isInstanceOf(InvalidParametersException.class);
    }

    // The script itself, rendered with values SSM would have refused: it must refuse them too.

    private record Script(int exitCode, String stdout, String stderr) {
    }

    private Script script(String from, String to, String dryRun) throws Exception {
        String text = Files.readString(ROOT.resolve("instance/rewrite-urls.sh"), StandardCharsets.UTF_8)
                .replace("{{ ReleaseId }}", RELEASE).replace("{{ From }}", from).replace("{{ To }}", to)
                .replace("{{ DryRun }}", dryRun);
        Path file = dir.resolve("rendered.sh");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        ProcessBuilder builder = new ProcessBuilder("bash", file.toString()).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
        Map<String, String> env = builder.environment();
        String path = env.get("PATH");
        env.clear();
        env.put("PATH", instance.root().resolve("usr/local/bin") + ":" + path);
        env.put("FLEETPRESS_INSTANCE_ROOT", instance.root().toString());
        env.put("FLEETPRESS_LOCAL_DATABASES", databases.folder().toString());
        Process p = builder.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Script(p.exitValue(), Files.readString(dir.resolve("out")), Files.readString(dir.resolve("err")));
    }

    @Test
    void script_whenRenderedWithACommandSubstitution_refusesItWithoutRunningIt() throws Exception {
        Path marker = dir.resolve("pwned");

        Script s = script("https://www.example.com/$(touch " + marker + ")", NEW, "false");

        assertThat(s.exitCode()).isEqualTo(1);
        assertThat(s.stderr()).contains("fleetpress-rewrite-urls: From=", "does not match");
        assertThat(marker).doesNotExist();
        assertThat(db.history()).isEmpty();
    }

    @Test
    void script_whenTheNewBaseContainsTheOld_orEqualsIt_refuses() throws Exception {
        assertThat(script(OLD, OLD + "-s3", "false").stderr()).contains("a repeated run would rewrite it again");
        assertThat(script(OLD, OLD, "true").stderr()).contains("there is nothing to rewrite");
        assertThat(db.history()).isEmpty();
    }

    @Test
    void script_whenDryRunIsNotABoolean_refuses() throws Exception {
        Script s = script(OLD, NEW, "maybe");

        assertThat(s.exitCode()).isEqualTo(1);
        assertThat(s.stderr()).contains("DryRun=maybe does not match");
    }

    @Test
    void script_isShellcheckClean() throws Exception {
        Process p = new ProcessBuilder("shellcheck", "--", ROOT.resolve("instance/rewrite-urls.sh").toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
    }
}

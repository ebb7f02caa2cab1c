package dev.fleetpress.localcloud.wordpress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.localcloud.ec2.Instances;
import dev.fleetpress.localcloud.ec2.Instances.Instance;
import dev.fleetpress.localcloud.ssm.LocalSsm;
import dev.fleetpress.localcloud.ssm.run.CommandDocument;
import dev.fleetpress.localcloud.ssm.run.RunCommandConfig;
import dev.fleetpress.localcloud.template.StackContext;
import dev.fleetpress.localcloud.template.Template;
import java.io.IOException;
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
import software.amazon.awssdk.services.ssm.model.Command;
import software.amazon.awssdk.services.ssm.model.CommandInvocationStatus;
import software.amazon.awssdk.services.ssm.model.CommandStatus;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.Target;

/** The wp stand-in as an SSM document runs it on an instance: installed at launch, first on PATH, one database. */
class WpThroughRunCommandTest {
    private static final String DOCUMENTS = """
            Resources:
              Upgrade:
                Type: AWS::SSM::Document
                Properties:
                  Name: upgrade
                  DocumentType: Command
                  Content:
                    schemaVersion: "2.2"
                    mainSteps:
                      - action: aws:runShellScript
                        name: upgrade
                        inputs:
                          runCommand:
                            - set -euo pipefail
                            - wp --path="$FLEETPRESS_INSTANCE_ROOT/var/www/fleetpress/current" --allow-root core update-db
              WhichWp:
                Type: AWS::SSM::Document
                Properties:
                  Name: which-wp
                  DocumentType: Command
                  Content:
                    schemaVersion: "2.2"
                    mainSteps:
                      - action: aws:runShellScript
                        name: which
                        inputs:
                          runCommand: [command -v wp]
            """;

    @TempDir
    Path dir;

    private Instances instances;
    private LocalDatabase db;
    private LocalSsm ssm;

    @BeforeEach
    void setUp() {
        instances = Instances.create(dir.resolve("ec2"), Clock.systemUTC(), WpStandIn::installInto);
        LocalDatabases databases = LocalDatabases.in(dir.resolve("databases"));
        db = databases.database("db.internal", "fleetpress");
        ssm = LocalSsm.open(dir.resolve("ssm"));
        ssm.enableRunCommand(RunCommandConfig.of(instances,
                        CommandDocument.fromTemplate(Template.parse(DOCUMENTS, StackContext.local())), event -> { },
                        Map.of("FLEETPRESS_LOCAL_DATABASES", databases.folder().toString()))
                .withAgentRegistration(Duration.ZERO));
    }

    @AfterEach
    void tearDown() {
        ssm.close();
    }

    /** An instance of {@code group} running a release of WordPress 6.8.3 (db version 60421), as bootstrap leaves it. */
    private Instance launchWithRelease(String group) throws IOException {
        Instance instance = instances.launch(group);
        Path home = Files.createDirectories(instance.root().resolve("var/www/fleetpress"));
        Path release = Files.createDirectories(home.resolve("releases/r-0123456789ab/wp-includes"));
        Files.writeString(release.resolve("version.php"), "<?php\n$wp_version = '6.8.3';\n$wp_db_version = 60421;\n");
        Files.writeString(release.getParent().resolve("wp-config.php"),
                "<?php\ndefine('DB_HOST', 'db.internal');\ndefine('DB_NAME', 'fleetpress');\n");
        Files.createSymbolicLink(home.resolve("current"), Path.of("releases/r-0123456789ab"));
        return instance;
    }

    private GetCommandInvocationResponse run(String document, Instance instance) throws InterruptedException {
        String id = ssm.sendCommand(b -> b.documentName(document).instanceIds(instance.id())).command().commandId();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            GetCommandInvocationResponse r = ssm.getCommandInvocation(b -> b.commandId(id).instanceId(instance.id()));
            if (r.status() != CommandInvocationStatus.PENDING && r.status() != CommandInvocationStatus.IN_PROGRESS) {
                return r;
            }
            assertThat(System.nanoTime()).as("invocation still %s", r.status()).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void sendCommand_whenTheDocumentCallsWp_findsTheSandboxesStandInFirstOnPath() throws Exception {
        Instance instance = instances.launch("web");

        GetCommandInvocationResponse r = run("which-wp", instance);

        assertThat(r.standardOutputContent()).isEqualTo(instance.root().resolve("usr/local/bin/wp") + "\n");
    }

    @Test
    void sendCommand_whenTheDocumentRunsCoreUpdateDb_upgradesTheDatabaseAndRecordsTheInstance() throws Exception {
        Instance instance = launchWithRelease("web");
        db.install(57155);

        GetCommandInvocationResponse r = run("upgrade", instance);

        assertThat(r.status()).as(r.standardErrorContent()).isEqualTo(CommandInvocationStatus.SUCCESS);
        assertThat(r.standardOutputContent())
                .isEqualTo("Success: WordPress database upgraded successfully from db version 57155 to 60421.\n");
        assertThat(db.dbVersion()).hasValue(60421);
        assertThat(db.history()).singleElement().satisfies(h -> {
            assertThat(h.instanceId()).isEqualTo(instance.id());
            assertThat(h.command()).isEqualTo("core update-db");
            assertThat(h.exitCode()).isZero();
        });
    }

    @Test
    void sendCommand_whenTheUpgradeFailureIsInjected_failsTheInvocationWithWpsErrorAndChangesNothing() throws Exception {
        Instance instance = launchWithRelease("web");
        db.install(57155);
        db.failNextUpgrade("Lost connection to MySQL server during query");

        GetCommandInvocationResponse r = run("upgrade", instance);

        assertThat(r.status()).isEqualTo(CommandInvocationStatus.FAILED);
        assertThat(r.responseCode()).isEqualTo(1);
        assertThat(r.standardErrorContent()).isEqualTo("Error: Lost connection to MySQL server during query\n");
        assertThat(db.dbVersion()).hasValue(57155);
    }

    @Test
    void sendCommand_whenAWholeGroupUpgradesOneDatabaseAtOnce_onlyOneInstanceUpgradesIt() throws Exception {
        List<Instance> group = List.of(launchWithRelease("web"), launchWithRelease("web"), launchWithRelease("web"));
        db.install(57155);

        String id = ssm.sendCommand(b -> b.documentName("upgrade")
                .targets(Target.builder().key("tag:aws:autoscaling:groupName").values("web").build())).command().commandId();
        Command done = awaitFinal(id);

        assertThat(done.status()).isEqualTo(CommandStatus.SUCCESS);
        assertThat(done.targetCount()).isEqualTo(3);
        List<String> outputs = group.stream()
                .map(i -> ssm.getCommandInvocation(b -> b.commandId(id).instanceId(i.id())).standardOutputContent())
                .toList();
        assertThat(outputs).filteredOn(o -> o.contains("upgraded successfully")).hasSize(1);
        assertThat(outputs).filteredOn(o -> o.contains("already at latest db version 60421")).hasSize(2);
        assertThat(db.history()).extracting(LocalDatabase.HistoryEntry::instanceId)
                .containsExactlyInAnyOrderElementsOf(group.stream().map(Instance::id).toList());
    }

    private Command awaitFinal(String id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Command c = ssm.listCommands(b -> b.commandId(id)).commands().get(0);
            if (c.status() != CommandStatus.PENDING && c.status() != CommandStatus.IN_PROGRESS) {
                return c;
            }
            assertThat(System.nanoTime()).as("command still %s", c.status()).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}

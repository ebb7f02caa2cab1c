package dev.fleetpress.localcloud.ssm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.ec2.Instances;
import dev.fleetpress.localcloud.ec2.Instances.Instance;
import dev.fleetpress.localcloud.ssm.run.CommandDocument;
import dev.fleetpress.localcloud.ssm.run.RunCommandConfig;
import dev.fleetpress.localcloud.template.StackContext;
import dev.fleetpress.localcloud.template.Template;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Command;
import software.amazon.awssdk.services.ssm.model.CommandInvocation;
import software.amazon.awssdk.services.ssm.model.CommandInvocationStatus;
import software.amazon.awssdk.services.ssm.model.CommandPlugin;
import software.amazon.awssdk.services.ssm.model.CommandPluginStatus;
import software.amazon.awssdk.services.ssm.model.CommandStatus;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.InvalidDocumentException;
import software.amazon.awssdk.services.ssm.model.InvalidInstanceIdException;
import software.amazon.awssdk.services.ssm.model.InvalidParametersException;
import software.amazon.awssdk.services.ssm.model.InvocationDoesNotExistException;
import software.amazon.awssdk.services.ssm.model.SsmException;
import software.amazon.awssdk.services.ssm.model.Target;

/** Run Command through the JSON endpoint with the real SDK client and aws CLI: the wire format of each operation. */
class LocalSsmEndpointRunCommandTest {
    private static final String DOCUMENT = """
            Resources:
              Echo:
                Type: AWS::SSM::Document
                Properties:
                  Name: echo
                  DocumentType: Command
                  Content:
                    schemaVersion: "2.2"
                    parameters:
                      Message:
                        type: String
                        allowedPattern: "^[a-z ]{1,40}$"
                    mainSteps:
                      - action: aws:runShellScript
                        name: say
                        inputs:
                          runCommand:
                            - echo "{{ Message }} from $FLEETPRESS_INSTANCE_ID"
                            - echo "to stderr" >&2
            """;
    private static final Target WEB = Target.builder().key("tag:aws:autoscaling:groupName").values("web").build();

    @TempDir
    Path dir;

    private Instances instances;
    private LocalSsm ssm;
    private LocalSsmEndpoint endpoint;
    private SsmClient client;

    @BeforeEach
    void setUp() {
        instances = Instances.create(dir.resolve("ec2"), Clock.systemUTC());
        ssm = LocalSsm.open(dir.resolve("ssm"));
        ssm.enableRunCommand(RunCommandConfig.of(instances,
                CommandDocument.fromTemplate(Template.parse(DOCUMENT, StackContext.local())), event -> { }, Map.of())
                .withAgentRegistration(Duration.ZERO));
        endpoint = LocalSsmEndpoint.start(ssm);
        client = SsmClient.builder()
                .endpointOverride(endpoint.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @AfterEach
    void tearDown() {
        client.close();
        endpoint.close();
        ssm.close();
    }

    private Command awaitFinal(String commandId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Command c = client.listCommands(b -> b.commandId(commandId)).commands().get(0);
            if (c.status() != CommandStatus.PENDING && c.status() != CommandStatus.IN_PROGRESS) {
                return c;
            }
            assertThat(System.nanoTime()).as("command still %s", c.status()).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void sendCommand_throughTheSdkWithTargets_echoesEveryRequestMemberAndRunsOnTheGroup() throws Exception {
        Instance a = instances.launch("web");
        Instance b = instances.launch("web");
        instances.launch("other");
        Instant before = Instant.now().minusSeconds(1);

        Command sent = client.sendCommand(r -> r.documentName("echo").targets(WEB)
                .parameters(Map.of("Message", List.of("hello"))).maxConcurrency("1").maxErrors("10%")
                .comment("roll out r-0123456789ab").timeoutSeconds(600)).command();
        Command done = awaitFinal(sent.commandId());

        assertThat(sent.documentName()).isEqualTo("echo");
        assertThat(sent.targets()).containsExactly(WEB);
        assertThat(sent.instanceIds()).isEmpty();
        assertThat(sent.parameters()).containsEntry("Message", List.of("hello"));
        assertThat(sent.maxConcurrency()).isEqualTo("1");
        assertThat(sent.maxErrors()).isEqualTo("10%");
        assertThat(sent.comment()).isEqualTo("roll out r-0123456789ab");
        assertThat(sent.timeoutSeconds()).isEqualTo(600);
        assertThat(sent.targetCount()).isEqualTo(2);
        assertThat(sent.requestedDateTime()).isAfter(before);
        assertThat(sent.expiresAfter()).isAfter(sent.requestedDateTime());
        assertThat(done.status()).isEqualTo(CommandStatus.SUCCESS);
        assertThat(done.statusDetails()).isEqualTo("Success");
        assertThat(done.completedCount()).isEqualTo(2);
        assertThat(done.errorCount()).isZero();
        assertThat(client.listCommandInvocations(r -> r.commandId(sent.commandId())).commandInvocations())
                .extracting(CommandInvocation::instanceId).containsExactlyInAnyOrder(a.id(), b.id());
    }

    @Test
    void getCommandInvocation_throughTheSdk_returnsTheOutputAndTheExecutionTimes() throws Exception {
        Instance a = instances.launch("web");

        String id = client.sendCommand(r -> r.documentName("echo").instanceIds(a.id())
                .parameters(Map.of("Message", List.of("hi")))).command().commandId();
        awaitFinal(id);
        GetCommandInvocationResponse r = client.getCommandInvocation(b -> b.commandId(id).instanceId(a.id()));

        assertThat(r.status()).isEqualTo(CommandInvocationStatus.SUCCESS);
        assertThat(r.statusDetails()).isEqualTo("Success");
        assertThat(r.responseCode()).isZero();
        assertThat(r.pluginName()).isEqualTo("say");
        assertThat(r.documentName()).isEqualTo("echo");
        assertThat(r.standardOutputContent()).isEqualTo("hi from " + a.id() + "\n");
        assertThat(r.standardErrorContent()).isEqualTo("to stderr\n");
        assertThat(r.executionStartDateTime()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(r.executionEndDateTime()).isNotEmpty();
        assertThat(r.standardOutputUrl()).startsWith("file:");
    }

    @Test
    void listCommandInvocations_throughTheSdkWithDetails_returnsEachStepsResult() throws Exception {
        Instance a = instances.launch("web");

        String id = client.sendCommand(r -> r.documentName("echo").targets(WEB)
                .parameters(Map.of("Message", List.of("hi")))).command().commandId();
        awaitFinal(id);
        List<CommandInvocation> withDetails = client.listCommandInvocations(r -> r.commandId(id).details(true))
                .commandInvocations();
        List<CommandInvocation> without = client.listCommandInvocations(r -> r.commandId(id)).commandInvocations();

        assertThat(withDetails).singleElement().satisfies(i -> {
            assertThat(i.instanceId()).isEqualTo(a.id());
            assertThat(i.status()).isEqualTo(CommandInvocationStatus.SUCCESS);
            assertThat(i.requestedDateTime()).isNotNull();
            CommandPlugin plugin = i.commandPlugins().get(0);
            assertThat(plugin.name()).isEqualTo("say");
            assertThat(plugin.status()).isEqualTo(CommandPluginStatus.SUCCESS);
            assertThat(plugin.responseCode()).isZero();
            assertThat(plugin.responseStartDateTime()).isNotNull();
            assertThat(plugin.responseFinishDateTime()).isNotNull();
            assertThat(plugin.output()).isEqualTo("hi from " + a.id() + "\n\n\n----------ERROR-------\nto stderr\n");
        });
        assertThat(without.get(0).hasCommandPlugins()).isFalse();
    }

    @Test
    void listCommands_throughTheSdkByInstanceId_listsTheCommandsThatRanThere() throws Exception {
        Instance a = instances.launch("web");
        Instance other = instances.launch("other");

        String id = client.sendCommand(r -> r.documentName("echo").targets(WEB)
                .parameters(Map.of("Message", List.of("hi")))).command().commandId();
        awaitFinal(id);

        assertThat(client.listCommands(r -> r.instanceId(a.id())).commands()).extracting(Command::commandId)
                .containsExactly(id);
        assertThat(client.listCommands(r -> r.instanceId(other.id())).commands()).isEmpty();
    }

    @Test
    void sendCommand_throughTheSdkToAnUnknownInstance_throwsInvalidInstanceId() {
        assertThatThrownBy(() -> client.sendCommand(r -> r.documentName("echo").instanceIds("i-0123456789abcdef0")
                .parameters(Map.of("Message", List.of("hi")))))
                .isInstanceOfSatisfying(InvalidInstanceIdException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidInstanceId"));
    }

    @Test
    void sendCommand_throughTheSdkWithBadInput_throwsTheModeledErrorsAndRunsNothing() {
        Instance a = instances.launch("web");

        assertThatThrownBy(() -> client.sendCommand(r -> r.documentName("nope").instanceIds(a.id())))
                .isInstanceOf(InvalidDocumentException.class);
        assertThatThrownBy(() -> client.sendCommand(r -> r.documentName("echo").instanceIds(a.id())
                .parameters(Map.of("Message", List.of("$(reboot)")))))
                .isInstanceOf(InvalidParametersException.class);
        assertThatThrownBy(() -> client.sendCommand(r -> r.documentName("echo").instanceIds(a.id()).targets(WEB)
                .parameters(Map.of("Message", List.of("hi")))))
                .isInstanceOfSatisfying(SsmException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
        assertThatThrownBy(() -> client.sendCommand(r -> r.documentName("echo").targets(WEB).maxErrors("-1")
                .parameters(Map.of("Message", List.of("hi")))))
                .isInstanceOfSatisfying(SsmException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage()).contains("maxErrors"));
        assertThat(client.listCommands(r -> { }).commands()).isEmpty();
    }

    @Test
    void getCommandInvocation_throughTheSdkForAnUnknownCommand_throwsInvocationDoesNotExist() {
        Instance a = instances.launch("web");

        assertThatThrownBy(() -> client.getCommandInvocation(b -> b.commandId("1b2f7c2e-0000-4000-8000-000000000000")
                .instanceId(a.id())))
                .isInstanceOf(InvocationDoesNotExistException.class);
    }

    @Test
    void sendCommand_throughTheAwsCliWithTargets_runsAndGetCommandInvocationReadsTheOutput() throws Exception {
        Instance a = instances.launch("web");

        Cli sent = aws("ssm", "send-command", "--document-name", "echo",
                "--targets", "Key=tag:aws:autoscaling:groupName,Values=web",
                "--parameters", "Message=hello", "--max-concurrency", "50%", "--max-errors", "0",
                "--comment", "from the cli");
        assertThat(sent.exitCode()).as(sent.stderr()).isZero();
        Json.Node command = Json.parse(sent.stdout()).get("Command");
        String id = command.text("CommandId");
        awaitFinal(id);
        Cli got = aws("ssm", "get-command-invocation", "--command-id", id, "--instance-id", a.id());

        assertThat(command.text("MaxConcurrency")).isEqualTo("50%");
        assertThat(command.get("Targets").elements().get(0).text("Key")).isEqualTo("tag:aws:autoscaling:groupName");
        assertThat(command.text("Comment")).isEqualTo("from the cli");
        assertThat(got.exitCode()).as(got.stderr()).isZero();
        assertThat(Json.parse(got.stdout()).text("StandardOutputContent")).isEqualTo("hello from " + a.id() + "\n");
        assertThat(Json.parse(got.stdout()).text("Status")).isEqualTo("Success");
    }

    private record Cli(int exitCode, String stdout, String stderr) {
    }

    /** Runs the aws CLI against the endpoint with throwaway credentials and no config of the host. */
    private Cli aws(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("aws", "--endpoint-url", endpoint.endpoint().toString(),
                "--region", "us-east-1", "--output", "json"));
        argv.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(argv);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("AWS_"));
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        env.put("AWS_CONFIG_FILE", dir.resolve("no-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-credentials").toString());
        Path out = dir.resolve("cli.out");
        Path err = dir.resolve("cli.err");
        Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("aws " + String.join(" ", args) + " did not finish");
        }
        return new Cli(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}

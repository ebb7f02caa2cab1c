package dev.fleetpress.localcloud.ssm.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.ec2.Instances;
import dev.fleetpress.localcloud.ec2.Instances.Instance;
import dev.fleetpress.localcloud.ssm.LocalSsm;
import dev.fleetpress.localcloud.template.StackContext;
import dev.fleetpress.localcloud.template.Template;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ssm.model.CommandInvocationStatus;
import software.amazon.awssdk.services.ssm.model.CommandStatus;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.InstanceInformation;
import software.amazon.awssdk.services.ssm.model.InstanceInformationFilterKey;
import software.amazon.awssdk.services.ssm.model.InvalidDocumentException;
import software.amazon.awssdk.services.ssm.model.InvalidInstanceIdException;
import software.amazon.awssdk.services.ssm.model.InvalidParametersException;
import software.amazon.awssdk.services.ssm.model.InvocationDoesNotExistException;
import software.amazon.awssdk.services.ssm.model.PingStatus;
import software.amazon.awssdk.services.ssm.model.SendCommandResponse;
import software.amazon.awssdk.services.ssm.model.SsmException;

class RunCommandTest {
    private static final String DOCUMENTS = """
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
                      Code:
                        type: String
                        default: "0"
                        allowedPattern: "^[0-9]{1,3}$"
                    mainSteps:
                      - action: aws:runShellScript
                        name: echo
                        inputs:
                          runCommand:
                            - echo "{{ Message }}"
                            - echo "cwd=$PWD"
                            - exit {{Code}}
              Env:
                Type: AWS::SSM::Document
                Properties:
                  Name: env
                  DocumentType: Command
                  Content:
                    schemaVersion: "2.2"
                    mainSteps:
                      - action: aws:runShellScript
                        name: env
                        inputs:
                          runCommand: [env -0]
              Slow:
                Type: AWS::SSM::Document
                Properties:
                  Name: slow
                  DocumentType: Command
                  Content:
                    schemaVersion: "2.2"
                    parameters:
                      Seconds:
                        type: String
                        default: "1"
                        allowedPattern: "^[0-9]+$"
                    mainSteps:
                      - action: aws:runShellScript
                        name: slow
                        inputs:
                          timeoutSeconds: "{{ Seconds }}"
                          runCommand:
                            - sleep 60 &
                            - echo $! > "$FLEETPRESS_INSTANCE_ROOT/child.pid"
                            - wait
              Loud:
                Type: AWS::SSM::Document
                Properties:
                  Name: loud
                  DocumentType: Command
                  Content:
                    schemaVersion: "2.2"
                    mainSteps:
                      - action: aws:runShellScript
                        name: loud
                        inputs:
                          runCommand:
                            - head -c 30000 /dev/zero | tr '\\0' o
                            - head -c 9000 /dev/zero | tr '\\0' e >&2
            """;

    @TempDir
    Path dir;

    private Instances instances;
    private LocalSsm ssm;
    private final List<String> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        instances = Instances.create(dir.resolve("ec2"), Clock.systemUTC());
        ssm = LocalSsm.open(dir.resolve("ssm"));
        ssm.enableRunCommand(config(Duration.ZERO, Duration.ZERO));
    }

    @AfterEach
    void tearDown() {
        ssm.close();
    }

    private RunCommandConfig config(Duration registration, Duration visibleAfter) {
        return RunCommandConfig.of(instances, documents(), events::add, Map.of("FP_GIVEN", "given"))
                .withAgentRegistration(registration)
                .withInvocationVisibleAfter(visibleAfter)
                .withMaxParallelExecutions(4);
    }

    private static List<CommandDocument> documents() {
        return CommandDocument.fromTemplate(Template.parse(DOCUMENTS, StackContext.local()));
    }

    private String send(String document, Instance instance, Map<String, List<String>> parameters) {
        SendCommandResponse r = ssm.sendCommand(b -> b.documentName(document).instanceIds(instance.id())
                .parameters(parameters));
        return r.command().commandId();
    }

    private GetCommandInvocationResponse awaitFinal(String commandId, Instance instance) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            GetCommandInvocationResponse r = ssm.getCommandInvocation(b -> b.commandId(commandId).instanceId(instance.id()));
            if (r.status() != CommandInvocationStatus.PENDING && r.status() != CommandInvocationStatus.IN_PROGRESS) {
                return r;
            }
            assertThat(System.nanoTime()).as("invocation still %s", r.status()).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** The command's events once its final command event has arrived (it follows the last invocation's). */
    private List<Json.Node> awaitEvents(String commandId) throws InterruptedException {
        Predicate<Json.Node> ofCommand = e -> e.text("detail", "command-id").equals(commandId);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            List<Json.Node> mine = events.stream().map(Json::parse).filter(ofCommand).toList();
            boolean done = mine.stream().anyMatch(e -> e.text("detail-type").equals("EC2 Command Status-change Notification")
                    && !e.text("detail", "status").equals("InProgress"));
            if (done) {
                return mine;
            }
            assertThat(System.nanoTime()).as("no final command event").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void sendCommand_whenScriptExitsZero_succeedsWithItsOutputFromTheInstanceRoot() throws Exception {
        Instance instance = instances.launch("g");

        String id = send("echo", instance, Map.of("Message", List.of("hello world")));
        GetCommandInvocationResponse r = awaitFinal(id, instance);

        assertThat(r.status()).isEqualTo(CommandInvocationStatus.SUCCESS);
        assertThat(r.statusDetails()).isEqualTo("Success");
        assertThat(r.responseCode()).isZero();
        assertThat(r.standardOutputContent()).isEqualTo("hello world\ncwd=" + instance.root() + "\n");
        assertThat(r.executionStartDateTime()).isNotEmpty();
        assertThat(r.executionEndDateTime()).isNotEmpty();
    }

    @Test
    void sendCommand_whenScriptExitsNonZero_failsWithTheExitCode() throws Exception {
        Instance instance = instances.launch("g");

        String id = send("echo", instance, Map.of("Message", List.of("bye"), "Code", List.of("3")));
        GetCommandInvocationResponse r = awaitFinal(id, instance);

        assertThat(r.status()).isEqualTo(CommandInvocationStatus.FAILED);
        assertThat(r.statusDetails()).isEqualTo("Failed");
        assertThat(r.responseCode()).isEqualTo(3);
        assertThat(ssm.listCommands(b -> b.commandId(id)).commands().get(0).status()).isEqualTo(CommandStatus.FAILED);
    }

    @Test
    void sendCommand_whenStepOutlivesItsTimeout_timesOutAndKillsTheProcessTree() throws Exception {
        Instance instance = instances.launch("g");

        String id = send("slow", instance, Map.of());
        GetCommandInvocationResponse r = awaitFinal(id, instance);

        assertThat(r.status()).isEqualTo(CommandInvocationStatus.TIMED_OUT);
        assertThat(r.statusDetails()).isEqualTo("ExecutionTimedOut");
        long child = Long.parseLong(Files.readString(instance.root().resolve("child.pid")).trim());
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void sendCommand_whenInvocationSucceeds_publishesInProgressAndSuccessEventsAsEventBridgeDelivers() throws Exception {
        Instance instance = instances.launch("g");

        String id = send("echo", instance, Map.of("Message", List.of("hi")));
        List<Json.Node> mine = awaitEvents(id);

        assertThat(mine).extracting(e -> e.text("detail-type") + " " + e.text("detail", "status")).containsExactlyInAnyOrder(
                "EC2 Command Invocation Status-change Notification InProgress",
                "EC2 Command Status-change Notification InProgress",
                "EC2 Command Invocation Status-change Notification Success",
                "EC2 Command Status-change Notification Success");
        Json.Node invocation = mine.stream().filter(e -> e.text("detail-type").contains("Invocation")).findFirst().orElseThrow();
        assertThat(invocation.text("version")).isEqualTo("0");
        assertThat(invocation.text("source")).isEqualTo("aws.ssm");
        assertThat(invocation.text("account")).isEqualTo("000000000000");
        assertThat(invocation.text("region")).isEqualTo("us-east-1");
        assertThat(invocation.get("resources").elements()).extracting(Json.Node::asText)
                .containsExactly("arn:aws:ec2:us-east-1:000000000000:instance/" + instance.id());
        assertThat(invocation.text("detail", "instance-id")).isEqualTo(instance.id());
        assertThat(invocation.text("detail", "document-name")).isEqualTo("echo");
        assertThat(invocation.text("detail", "requested-date-time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        Json.Node command = mine.stream().filter(e -> e.text("detail-type").startsWith("EC2 Command Status")).findFirst().orElseThrow();
        assertThat(command.get("detail", "parameters", "Message").elements()).extracting(Json.Node::asText).containsExactly("hi");
        assertThat(command.text("detail", "expire-after")).endsWith("Z");
    }

    @Test
    void sendCommand_whenStepTimesOut_publishesExecutionTimedOut() throws Exception {
        Instance instance = instances.launch("g");

        String id = send("slow", instance, Map.of());
        List<Json.Node> mine = awaitEvents(id);

        assertThat(mine).filteredOn(e -> e.text("detail-type").equals("EC2 Command Invocation Status-change Notification"))
                .extracting(e -> e.text("detail", "status")).containsExactly("InProgress", "ExecutionTimedOut");
    }

    @Test
    void getCommandInvocation_whenOutputIsLong_truncatesItAndKeepsTheWholeOfItInTheOutputFile() throws Exception {
        Instance instance = instances.launch("g");

        String id = send("loud", instance, Map.of());
        GetCommandInvocationResponse r = awaitFinal(id, instance);

        assertThat(r.standardOutputContent()).hasSize(24_000);
        assertThat(r.standardErrorContent()).hasSize(8_000);
        assertThat(Files.readString(Path.of(java.net.URI.create(r.standardOutputUrl())))).hasSize(30_000);
    }

    @Test
    void sendCommand_runsWithTheSandboxEnvironmentItsToolsFirstOnPathAndNothingElseOfTheHost() throws Exception {
        Instance instance = instances.launch("g");

        GetCommandInvocationResponse r = awaitFinal(send("env", instance, Map.of()), instance);

        Map<String, String> env = Set.of(r.standardOutputContent().split("\0")).stream()
                .filter(s -> s.contains("="))
                .collect(Collectors.toMap(s -> s.substring(0, s.indexOf('=')), s -> s.substring(s.indexOf('=') + 1)));
        assertThat(env.keySet()).containsOnly("PATH", "HOME", "FLEETPRESS_INSTANCE_ROOT", "FLEETPRESS_INSTANCE_ID",
                "FP_GIVEN", "PWD", "SHLVL", "_");
        assertThat(env.get("PATH")).startsWith(instance.root().resolve("usr/local/bin") + ":");
        assertThat(env).containsEntry("FLEETPRESS_INSTANCE_ID", instance.id())
                .containsEntry("FLEETPRESS_INSTANCE_ROOT", instance.root().toString())
                .containsEntry("HOME", instance.root().resolve("root").toString());
    }

    @Test
    void sendCommand_whenParameterIsNotDeclared_throwsInvalidParameters() {
        Instance instance = instances.launch("g");

        assertThatThrownBy(() -> send("echo", instance, Map.of("Message", List.of("hi"), "Extra", List.of("x"))))
                .isInstanceOfSatisfying(InvalidParametersException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameters"));
    }

    @Test
    void sendCommand_whenRequiredParameterIsMissing_throwsInvalidParameters() {
        Instance instance = instances.launch("g");

        assertThatThrownBy(() -> send("echo", instance, Map.of("Code", List.of("1"))))
                .isInstanceOf(InvalidParametersException.class)
                .hasMessageContaining("Message");
    }

    @Test
    void sendCommand_whenValueIsAShellInjection_refusesItAndRunsNothing() {
        Instance instance = instances.launch("g");
        Path pwned = dir.resolve("pwned");

        assertThatThrownBy(() -> send("echo", instance, Map.of("Message", List.of("$(touch " + pwned + ")"))))
                .isInstanceOf(InvalidParametersException.class)
                .hasMessageContaining("allowedPattern");
        assertThat(pwned).doesNotExist();
        assertThat(ssm.listCommands(b -> b.instanceId(instance.id())).commands()).isEmpty();
        assertThat(events).isEmpty();
    }

    @Test
    void sendCommand_whenDocumentDoesNotExist_throwsInvalidDocument() {
        Instance instance = instances.launch("g");

        assertThatThrownBy(() -> send("nope", instance, Map.of()))
                .isInstanceOfSatisfying(InvalidDocumentException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidDocument"));
    }

    @Test
    void sendCommand_whenAgentHasNotRegisteredYet_throwsInvalidInstanceId() {
        LocalSsm slowAgents = LocalSsm.open(dir.resolve("ssm-slow"));
        slowAgents.enableRunCommand(config(Duration.ofHours(1), Duration.ZERO));
        Instance instance = instances.launch("g");

        try {
            assertThatThrownBy(() -> slowAgents.sendCommand(b -> b.documentName("env").instanceIds(instance.id())))
                    .isInstanceOfSatisfying(InvalidInstanceIdException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidInstanceId");
                        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Instances [[" + instance.id()
                                + "]] not in a valid state for account 000000000000");
                    });
        } finally {
            slowAgents.close();
        }
    }

    @Test
    void sendCommand_whenInstanceIsTerminated_throwsInvalidInstanceId() {
        Instance instance = instances.launch("g");
        instances.terminate(instance.id());

        assertThatThrownBy(() -> send("env", instance, Map.of())).isInstanceOf(InvalidInstanceIdException.class);
    }

    @Test
    void sendCommand_whenInstanceTerminatesWhileItRuns_endsTerminated() throws Exception {
        Instance instance = instances.launch("g");

        String id = send("slow", instance, Map.of("Seconds", List.of("60")));
        awaitFile(instance.root().resolve("child.pid"));
        instances.terminate(instance.id());
        GetCommandInvocationResponse r = awaitFinal(id, instance);

        assertThat(r.statusDetails()).isEqualTo("Terminated");
        assertThat(r.status()).isEqualTo(CommandInvocationStatus.FAILED);
    }

    @Test
    void cancelCommand_whenRunning_killsTheScriptAndEndsCancelled() throws Exception {
        Instance instance = instances.launch("g");

        String id = send("slow", instance, Map.of("Seconds", List.of("60")));
        awaitFile(instance.root().resolve("child.pid"));
        ssm.cancelCommand(b -> b.commandId(id));
        GetCommandInvocationResponse r = awaitFinal(id, instance);

        assertThat(r.status()).isEqualTo(CommandInvocationStatus.CANCELLED);
        assertThat(awaitEvents(id)).extracting(e -> e.text("detail", "status")).contains("Cancelled");
    }

    @Test
    void sendCommand_whenThrottled_throwsThrottlingException() {
        Instance instance = instances.launch("g");
        ssm.setThrottle(1);

        assertThatThrownBy(() -> {
            for (int i = 0; i < 5; i++) {
                send("env", instance, Map.of());
            }
        }).isInstanceOfSatisfying(SsmException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
            assertThat(e.isThrottlingException()).isTrue();
        });
    }

    @Test
    void getCommandInvocation_rightAfterSendCommandWhenVisibilityLags_throwsInvocationDoesNotExist() {
        LocalSsm lagging = LocalSsm.open(dir.resolve("ssm-lag"));
        lagging.enableRunCommand(config(Duration.ZERO, Duration.ofHours(1)));
        Instance instance = instances.launch("g");

        try {
            String id = lagging.sendCommand(b -> b.documentName("env").instanceIds(instance.id())).command().commandId();

            assertThatThrownBy(() -> lagging.getCommandInvocation(b -> b.commandId(id).instanceId(instance.id())))
                    .isInstanceOfSatisfying(InvocationDoesNotExistException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvocationDoesNotExist"));
        } finally {
            lagging.close();
        }
    }

    @Test
    void describeInstanceInformation_whenAgentRegistered_listsTheInstanceOnline() {
        Instance instance = instances.launch("g");
        instances.launch("g");

        List<InstanceInformation> info = ssm.describeInstanceInformation(b -> b.instanceInformationFilterList(
                f -> f.key(InstanceInformationFilterKey.INSTANCE_IDS).valueSet(instance.id()))).instanceInformationList();

        assertThat(info).singleElement().satisfies(i -> {
            assertThat(i.instanceId()).isEqualTo(instance.id());
            assertThat(i.pingStatus()).isEqualTo(PingStatus.ONLINE);
        });
    }

    @Test
    void describeInstanceInformation_whenInstanceTerminated_showsConnectionLost() {
        Instance instance = instances.launch("g");
        instances.terminate(instance.id());

        assertThat(ssm.describeInstanceInformation(b -> { }).instanceInformationList())
                .singleElement().extracting(InstanceInformation::pingStatus).isEqualTo(PingStatus.CONNECTION_LOST);
    }

    @Test
    void describeInstanceInformation_whenAgentHasNotRegistered_doesNotListTheInstance() {
        LocalSsm slowAgents = LocalSsm.open(dir.resolve("ssm-slow"));
        slowAgents.enableRunCommand(config(Duration.ofHours(1), Duration.ZERO));
        instances.launch("g");

        try {
            assertThat(slowAgents.describeInstanceInformation(b -> { }).instanceInformationList()).isEmpty();
        } finally {
            slowAgents.close();
        }
    }

    private static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(file)) {
            assertThat(System.nanoTime()).as("%s never appeared", file).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}

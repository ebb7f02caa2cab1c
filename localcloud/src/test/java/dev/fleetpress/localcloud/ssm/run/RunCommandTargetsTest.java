package dev.fleetpress.localcloud.ssm.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.ec2.Instances;
import dev.fleetpress.localcloud.ec2.Instances.Instance;
import dev.fleetpress.localcloud.ssm.LocalSsm;
import dev.fleetpress.localcloud.template.StackContext;
import dev.fleetpress.localcloud.template.Template;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ssm.model.Command;
import software.amazon.awssdk.services.ssm.model.CommandInvocation;
import software.amazon.awssdk.services.ssm.model.CommandInvocationStatus;
import software.amazon.awssdk.services.ssm.model.CommandStatus;
import software.amazon.awssdk.services.ssm.model.SendCommandRequest;
import software.amazon.awssdk.services.ssm.model.SsmException;
import software.amazon.awssdk.services.ssm.model.Target;

/** SendCommand's Targets, MaxConcurrency and MaxErrors, and what ListCommands and the events say of them. */
class RunCommandTargetsTest {
    private static final String GROUP_TAG = "tag:aws:autoscaling:groupName";
    private static final Duration REGISTRATION = Duration.ofMinutes(30);
    // Each invocation logs its start, waits for the test's go file, then fails if its instance has a fail file.
    private static final String DOCUMENT = """
            Resources:
              Gated:
                Type: AWS::SSM::Document
                Properties:
                  Name: gated
                  DocumentType: Command
                  Content:
                    schemaVersion: "2.2"
                    mainSteps:
                      - action: aws:runShellScript
                        name: gated
                        inputs:
                          runCommand:
                            - echo "start $FLEETPRESS_INSTANCE_ID" >> "$FP_SHARED/log"
                            - while [ ! -e "$FP_SHARED/go" ]; do sleep 0.02; done
                            - echo "end $FLEETPRESS_INSTANCE_ID" >> "$FP_SHARED/log"
                            - test ! -e "$FLEETPRESS_INSTANCE_ROOT/fail"
            """;

    @TempDir
    Path dir;

    private final MovableClock launchClock = new MovableClock(Instant.now().minus(Duration.ofHours(1)));
    private final List<String> events = new CopyOnWriteArrayList<>();
    private Path shared;
    private Instances instances;
    private LocalSsm ssm;

    @BeforeEach
    void setUp() throws IOException {
        shared = Files.createDirectories(dir.resolve("shared"));
        instances = Instances.create(dir.resolve("ec2"), launchClock);
        ssm = LocalSsm.open(dir.resolve("ssm"));
        ssm.enableRunCommand(RunCommandConfig.of(instances,
                        CommandDocument.fromTemplate(Template.parse(DOCUMENT, StackContext.local())), events::add,
                        Map.of("FP_SHARED", shared.toString()))
                .withAgentRegistration(REGISTRATION)
                .withMaxParallelExecutions(8));
    }

    @AfterEach
    void tearDown() {
        ssm.close();
    }

    /** An instance launched an hour ago: its agent has registered. */
    private Instance managed(String group) {
        return instances.launch(group);
    }

    /** An instance launched just now: running, but its agent has not registered yet. */
    private Instance justLaunched(String group) {
        Instant before = launchClock.instant();
        launchClock.set(Instant.now());
        try {
            return instances.launch(group);
        } finally {
            launchClock.set(before);
        }
    }

    private static Target target(String key, String... values) {
        return Target.builder().key(key).values(values).build();
    }

    private String send(SendCommandRequest.Builder request) {
        return ssm.sendCommand(request.documentName("gated").build()).command().commandId();
    }

    private void go() throws IOException {
        Files.createFile(shared.resolve("go"));
    }

    private Command command(String id) {
        return ssm.listCommands(b -> b.commandId(id)).commands().get(0);
    }

    private Command awaitFinal(String id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Command c = command(id);
            if (c.status() != CommandStatus.PENDING && c.status() != CommandStatus.IN_PROGRESS) {
                return c;
            }
            assertThat(System.nanoTime()).as("command still %s", c.status()).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private List<String> log() throws IOException {
        Path log = shared.resolve("log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private void awaitStarts(int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (log().stream().filter(l -> l.startsWith("start ")).count() < n) {
            assertThat(System.nanoTime()).as("%s invocations never started", n).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private List<Json.Node> eventsOf(String commandId) {
        return events.stream().map(Json::parse).filter(e -> e.text("detail", "command-id").equals(commandId)).toList();
    }

    private List<Json.Node> commandEvents(String commandId) {
        return eventsOf(commandId).stream()
                .filter(e -> e.text("detail-type").equals("EC2 Command Status-change Notification")).toList();
    }

    @Test
    void sendCommand_whenTargetingAnAutoScalingGroup_runsOnItsManagedRunningInstancesOnly() throws Exception {
        Instance a = managed("web");
        Instance b = managed("web");
        Instance terminated = managed("web");
        instances.terminate(terminated.id());
        justLaunched("web");
        managed("other");
        go();

        String id = send(SendCommandRequest.builder().targets(target(GROUP_TAG, "web")));
        Command done = awaitFinal(id);

        assertThat(done.status()).isEqualTo(CommandStatus.SUCCESS);
        assertThat(done.targetCount()).isEqualTo(2);
        assertThat(done.completedCount()).isEqualTo(2);
        assertThat(done.instanceIds()).isEmpty();
        assertThat(done.targets()).containsExactly(target(GROUP_TAG, "web"));
        assertThat(ssm.listCommandInvocations(r -> r.commandId(id)).commandInvocations())
                .extracting(CommandInvocation::instanceId).containsExactlyInAnyOrder(a.id(), b.id());
    }

    @Test
    void sendCommand_whenTargetingSeveralGroups_runsOnTheInstancesOfEach() throws Exception {
        Instance web = managed("web");
        Instance worker = managed("worker");
        managed("other");
        go();

        String id = send(SendCommandRequest.builder().targets(target(GROUP_TAG, "web", "worker")));

        assertThat(awaitFinal(id).targetCount()).isEqualTo(2);
        assertThat(ssm.listCommandInvocations(r -> r.commandId(id)).commandInvocations())
                .extracting(CommandInvocation::instanceId).containsExactlyInAnyOrder(web.id(), worker.id());
    }

    @Test
    void sendCommand_whenTargetingInstanceIds_skipsTheUnknownTerminatedAndUnregisteredOnes() throws Exception {
        Instance a = managed("web");
        Instance terminated = managed("web");
        instances.terminate(terminated.id());
        Instance fresh = justLaunched("web");
        go();

        String id = send(SendCommandRequest.builder()
                .targets(target("InstanceIds", a.id(), terminated.id(), fresh.id(), "i-0123456789abcdef0", a.id())));

        Command done = awaitFinal(id);
        assertThat(done.targetCount()).isEqualTo(1);
        assertThat(ssm.listCommandInvocations(r -> r.commandId(id)).commandInvocations())
                .extracting(CommandInvocation::instanceId).containsExactly(a.id());
    }

    @Test
    void sendCommand_whenTargetsMatchNoInstance_succeedsAtOnceWithNoTargetAndOneFinalEvent() {
        justLaunched("web");

        String id = send(SendCommandRequest.builder().targets(target(GROUP_TAG, "web")));

        Command c = command(id);
        assertThat(c.status()).isEqualTo(CommandStatus.SUCCESS);
        assertThat(c.statusDetails()).isEqualTo("Success");
        assertThat(c.targetCount()).isZero();
        assertThat(c.completedCount()).isZero();
        assertThat(eventsOf(id)).singleElement().satisfies(e -> {
            assertThat(e.text("detail-type")).isEqualTo("EC2 Command Status-change Notification");
            assertThat(e.text("detail", "status")).isEqualTo("Success");
            assertThat(e.get("resources").elements()).isEmpty();
        });
    }

    @Test
    void sendCommand_whenGivenBothInstanceIdsAndTargets_throwsValidationAndRunsNothing() {
        Instance a = managed("web");

        assertThatThrownBy(() -> send(SendCommandRequest.builder().instanceIds(a.id()).targets(target(GROUP_TAG, "web"))))
                .isInstanceOfSatisfying(SsmException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("either InstanceIds or Targets");
                });
        assertThat(ssm.listCommands(b -> { }).commands()).isEmpty();
    }

    @Test
    void sendCommand_whenTargetingAnotherTag_throwsValidationSayingOnlyTheGroupTagExists() {
        managed("web");

        assertThatThrownBy(() -> send(SendCommandRequest.builder().targets(target("tag:Name", "web"))))
                .isInstanceOfSatisfying(SsmException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.awsErrorDetails().errorMessage())
                            .contains("carry only the aws:autoscaling:groupName tag").contains("tag:Name");
                });
        assertThat(events).isEmpty();
    }

    @Test
    void sendCommand_whenTargetKeyIsNotImplemented_throwsValidationNamingTheKeysThatAre() {
        assertThatThrownBy(() -> send(SendCommandRequest.builder().targets(target("tag-key", "aws:autoscaling:groupName"))))
                .isInstanceOf(SsmException.class)
                .hasMessageContaining("tag-key").hasMessageContaining("Key=InstanceIds");
    }

    @Test
    void sendCommand_whenInstanceIdsTargetIsCombinedWithAnother_throwsValidation() {
        Instance a = managed("web");

        assertThatThrownBy(() -> send(SendCommandRequest.builder()
                .targets(target("InstanceIds", a.id()), target(GROUP_TAG, "web"))))
                .isInstanceOf(SsmException.class)
                .hasMessageContaining("1 target with \"Key=InstanceIds\"");
    }

    @Test
    void sendCommand_whenTargetHasNoValue_throwsValidation() {
        assertThatThrownBy(() -> send(SendCommandRequest.builder().targets(target(GROUP_TAG))))
                .isInstanceOf(SsmException.class)
                .hasMessageContaining("between 1 and 50 values");
    }

    @Test
    void sendCommand_whenMaxConcurrencyIsTwo_runsTwoAtOnceWhileTheOthersWaitPending() throws Exception {
        for (int i = 0; i < 5; i++) {
            managed("web");
        }

        String id = send(SendCommandRequest.builder().targets(target(GROUP_TAG, "web")).maxConcurrency("2"));
        awaitStarts(2);
        List<CommandInvocation> meanwhile = ssm.listCommandInvocations(r -> r.commandId(id)).commandInvocations();
        Thread.sleep(300); // time enough for a third invocation to start, were it allowed to
        List<String> startedBeforeGo = log();
        go();
        Command done = awaitFinal(id);

        assertThat(meanwhile).extracting(CommandInvocation::status).containsExactlyInAnyOrder(
                CommandInvocationStatus.IN_PROGRESS, CommandInvocationStatus.IN_PROGRESS, CommandInvocationStatus.PENDING,
                CommandInvocationStatus.PENDING, CommandInvocationStatus.PENDING);
        assertThat(startedBeforeGo).hasSize(2);
        assertThat(maxOverlap(log())).isEqualTo(2);
        assertThat(done.status()).isEqualTo(CommandStatus.SUCCESS);
        assertThat(done.completedCount()).isEqualTo(5);
        assertThat(done.maxConcurrency()).isEqualTo("2");
        assertThat(done.maxErrors()).isEqualTo("0");
    }

    @Test
    void sendCommand_whenMaxConcurrencyIsAPercentage_takesItOfTheTargets() throws Exception {
        for (int i = 0; i < 4; i++) {
            managed("web");
        }

        String id = send(SendCommandRequest.builder().targets(target(GROUP_TAG, "web")).maxConcurrency("25%"));
        awaitStarts(1);
        Thread.sleep(300);
        List<String> startedBeforeGo = log();
        go();

        assertThat(awaitFinal(id).maxConcurrency()).isEqualTo("25%");
        assertThat(startedBeforeGo).hasSize(1);
        assertThat(maxOverlap(log())).isEqualTo(1);
    }

    @Test
    void sendCommand_whenFailuresExceedMaxErrors_cancelsTheInvocationsNotStartedAndFailsTheCommand() throws Exception {
        List<Instance> all = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Instance instance = managed("web");
            Files.createFile(instance.root().resolve("fail"));
            all.add(instance);
        }
        go();

        String id = send(SendCommandRequest.builder().targets(target(GROUP_TAG, "web")).maxConcurrency("1").maxErrors("1"));
        Command done = awaitFinal(id);

        assertThat(done.status()).isEqualTo(CommandStatus.FAILED);
        assertThat(done.statusDetails()).isEqualTo("Failed");
        assertThat(done.errorCount()).isEqualTo(2);
        assertThat(done.completedCount()).isEqualTo(4);
        assertThat(done.maxErrors()).isEqualTo("1");
        assertThat(log()).hasSize(4); // two started and ended; the other two never ran
        List<CommandInvocation> invocations = ssm.listCommandInvocations(r -> r.commandId(id)).commandInvocations();
        assertThat(invocations).extracting(CommandInvocation::status).containsExactlyInAnyOrder(
                CommandInvocationStatus.FAILED, CommandInvocationStatus.FAILED,
                CommandInvocationStatus.CANCELLED, CommandInvocationStatus.CANCELLED);
        awaitCommandEvent(id);
        assertThat(eventsOf(id)).filteredOn(e -> e.text("detail-type").contains("Invocation"))
                .extracting(e -> e.text("detail", "status"))
                .containsExactlyInAnyOrder("InProgress", "Failed", "InProgress", "Failed", "Cancelled", "Cancelled");
        List<Json.Node> finals = commandEvents(id).stream().filter(e -> !e.text("detail", "status").equals("InProgress")).toList();
        assertThat(finals).singleElement().satisfies(e -> {
            assertThat(e.text("detail", "status")).isEqualTo("Failed");
            assertThat(e.get("resources").elements()).extracting(Json.Node::asText).containsExactlyInAnyOrderElementsOf(
                    all.stream().map(i -> "arn:aws:ec2:us-east-1:000000000000:instance/" + i.id()).toList());
        });
        assertThat(events.get(events.size() - 1)).contains("EC2 Command Status-change Notification");
    }

    @Test
    void sendCommand_whenFailuresStayWithinMaxErrors_runsEveryInvocationAndReportsIncomplete() throws Exception {
        Instance failing = managed("web");
        Files.createFile(failing.root().resolve("fail"));
        managed("web");
        managed("web");
        go();

        String id = send(SendCommandRequest.builder().targets(target(GROUP_TAG, "web")).maxErrors("1"));
        Command done = awaitFinal(id);

        assertThat(done.status()).isEqualTo(CommandStatus.SUCCESS);
        assertThat(done.statusDetails()).isEqualTo("Incomplete");
        assertThat(done.errorCount()).isEqualTo(1);
        assertThat(done.completedCount()).isEqualTo(3);
    }

    @Test
    void sendCommand_whenOneInstanceIdFailsWithDefaultMaxErrors_failsTheCommandAfterEveryInvocationRan() throws Exception {
        Instance failing = managed("web");
        Files.createFile(failing.root().resolve("fail"));
        Instance other = managed("web");
        go();

        String id = send(SendCommandRequest.builder().instanceIds(failing.id(), other.id()).maxConcurrency("2"));
        Command done = awaitFinal(id);

        assertThat(done.status()).isEqualTo(CommandStatus.FAILED);
        assertThat(done.instanceIds()).containsExactly(failing.id(), other.id());
        assertThat(done.targets()).isEmpty();
        assertThat(done.targetCount()).isEqualTo(2);
    }

    @Test
    void commandStatusEvent_whenCommandFinishes_isPublishedOnceAfterEveryInvocationEventAndListsTheTargetedInstances()
            throws Exception {
        Instance a = managed("web");
        Instance b = managed("web");
        go();

        String id = send(SendCommandRequest.builder().targets(target(GROUP_TAG, "web")));
        awaitFinal(id);
        awaitCommandEvent(id);

        List<String> order = eventsOf(id).stream().map(e -> e.text("detail-type") + " " + e.text("detail", "status")).toList();
        assertThat(order.get(order.size() - 1)).isEqualTo("EC2 Command Status-change Notification Success");
        assertThat(order).filteredOn(s -> s.equals("EC2 Command Status-change Notification Success")).hasSize(1);
        assertThat(order).filteredOn(s -> s.startsWith("EC2 Command Invocation")).hasSize(4);
        Json.Node last = commandEvents(id).get(commandEvents(id).size() - 1);
        assertThat(last.get("resources").elements()).extracting(Json.Node::asText).containsExactlyInAnyOrder(
                "arn:aws:ec2:us-east-1:000000000000:instance/" + a.id(),
                "arn:aws:ec2:us-east-1:000000000000:instance/" + b.id());
    }

    @Test
    void listCommands_byInstanceId_findsACommandSentByTargets() throws Exception {
        Instance a = managed("web");
        managed("other");
        go();

        String id = send(SendCommandRequest.builder().targets(target(GROUP_TAG, "web")));
        awaitFinal(id);

        assertThat(ssm.listCommands(r -> r.instanceId(a.id())).commands()).extracting(Command::commandId).containsExactly(id);
    }

    @Test
    void cancelCommand_whenInvocationsWaitForConcurrency_cancelsThemAndEndsCancelled() throws Exception {
        for (int i = 0; i < 3; i++) {
            managed("web");
        }

        String id = send(SendCommandRequest.builder().targets(target(GROUP_TAG, "web")).maxConcurrency("1"));
        awaitStarts(1);
        ssm.cancelCommand(r -> r.commandId(id));
        Command done = awaitFinal(id);

        assertThat(done.status()).isEqualTo(CommandStatus.CANCELLED);
        assertThat(log()).hasSize(1);
        awaitCommandEvent(id);
        assertThat(commandEvents(id)).extracting(e -> e.text("detail", "status")).containsExactly("InProgress", "Cancelled");
    }

    private void awaitCommandEvent(String id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (commandEvents(id).stream().allMatch(e -> e.text("detail", "status").equals("InProgress"))) {
            assertThat(System.nanoTime()).as("no final command event").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** The most invocations that were between their start and end lines at once. */
    private static int maxOverlap(List<String> log) {
        Set<String> running = new HashSet<>();
        int max = 0;
        for (String line : log) {
            String[] parts = line.split(" ");
            if (parts[0].equals("start")) {
                running.add(parts[1]);
            } else {
                running.remove(parts[1]);
            }
            max = Math.max(max, running.size());
        }
        return max;
    }

    /** A clock the test sets: instances launch at its time, so some are registered and some not yet. */
    private static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}

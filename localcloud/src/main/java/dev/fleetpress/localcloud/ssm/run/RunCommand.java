package dev.fleetpress.localcloud.ssm.run;

import dev.fleetpress.localcloud.ec2.Instances.Instance;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ssm.model.CancelCommandRequest;
import software.amazon.awssdk.services.ssm.model.CancelCommandResponse;
import software.amazon.awssdk.services.ssm.model.Command;
import software.amazon.awssdk.services.ssm.model.CommandInvocation;
import software.amazon.awssdk.services.ssm.model.CommandPlugin;
import software.amazon.awssdk.services.ssm.model.DescribeInstanceInformationRequest;
import software.amazon.awssdk.services.ssm.model.DescribeInstanceInformationResponse;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationRequest;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.InstanceInformation;
import software.amazon.awssdk.services.ssm.model.InstanceInformationFilter;
import software.amazon.awssdk.services.ssm.model.InstanceInformationStringFilter;
import software.amazon.awssdk.services.ssm.model.ListCommandInvocationsRequest;
import software.amazon.awssdk.services.ssm.model.ListCommandInvocationsResponse;
import software.amazon.awssdk.services.ssm.model.ListCommandsRequest;
import software.amazon.awssdk.services.ssm.model.ListCommandsResponse;
import software.amazon.awssdk.services.ssm.model.PingStatus;
import software.amazon.awssdk.services.ssm.model.PlatformType;
import software.amazon.awssdk.services.ssm.model.ResourceType;
import software.amazon.awssdk.services.ssm.model.SendCommandRequest;
import software.amazon.awssdk.services.ssm.model.SendCommandResponse;

/**
 * Run Command on one machine: the engine behind {@code LocalSsm}'s SendCommand, GetCommandInvocation,
 * ListCommandInvocations, ListCommands, CancelCommand and DescribeInstanceInformation. Reach it
 * through {@code LocalSsm}, which applies the throttle switch before every call.
 *
 * <p>SendCommand validates everything AWS validates before it answers (document, parameters against
 * the document, either 1–50 {@code InstanceIds}, each registered and running, or {@code Targets},
 * not both), records the command Pending with one invocation per instance, and starts them on a
 * bounded pool ({@link Execution}). {@code Targets} ({@link TargetSelector}) are resolved when the
 * command is sent, to the managed instances of Auto Scaling groups ({@code tag:aws:autoscaling:groupName})
 * or to instance ids; instances not managed yet are skipped, and a command that targets none
 * succeeds at once with a target count of 0. {@code MaxConcurrency} (default 50) bounds how many of a
 * command's invocations run at once, the others waiting Pending; once more invocations have failed
 * (Failed or ExecutionTimedOut) than {@code MaxErrors} allows (default 0), those not started yet end
 * Cancelled and the command Failed, while running ones finish ({@link RateControls}).
 *
 * <p>EventBridge events ({@link RunEvents}): each invocation's InProgress and final status, the
 * command's InProgress once and its final status once, after every invocation's own, listing the
 * targeted instances.
 *
 * <p>Each step's full output is kept in {@code outputDir/<command-id>/<instance-id>/awsrunShellScript/<step>/}
 * (stdout, stderr and the script run), the layout AWS uses for S3 output; the API returns the first
 * 24,000 / 8,000 characters and the file URLs. Not implemented: output to S3 or CloudWatch,
 * notifications, document versions, paging and list filters. Thread-safe.
 */
public final class RunCommand implements AutoCloseable {
    private static final int MAX_INSTANCES = 50;
    private static final int STDOUT_LIMIT = 24_000;
    private static final int STDERR_LIMIT = 8_000;
    private static final int PLUGIN_OUTPUT_LIMIT = 2_500;
    private static final long DEFAULT_DELIVERY_TIMEOUT = 3600;
    private static final Pattern INSTANCE_ID = Pattern.compile("^(?:mi|i)-[0-9a-f]{8,17}$");
    private static final String DOCUMENT_VERSION = "1";

    private final RunCommandConfig config;
    private final Map<String, CommandDocument> documents = new LinkedHashMap<>();
    private final Path outputDir;
    private final Clock clock;
    private final ExecutorService executor;
    private final Map<String, SentCommand> commands = new ConcurrentHashMap<>();

    private RunCommand(RunCommandConfig config, Path outputDir, Clock clock) {
        this.config = config;
        config.documents().forEach(d -> documents.put(d.name(), d));
        this.outputDir = outputDir.toAbsolutePath();
        this.clock = clock;
        AtomicInteger threads = new AtomicInteger();
        int n = config.maxParallelExecutions();
        this.executor = new ThreadPoolExecutor(n, n, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "localcloud-run-command-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts Run Command for {@code config}, keeping command output under {@code outputDir}. */
    public static RunCommand start(RunCommandConfig config, Path outputDir, Clock clock) {
        return new RunCommand(config, outputDir, clock);
    }

    public SendCommandResponse sendCommand(SendCommandRequest request) {
        boolean byTargets = request.hasTargets() && !request.targets().isEmpty();
        List<String> ids = request.hasInstanceIds() ? request.instanceIds() : List.of();
        if (byTargets && !ids.isEmpty()) {
            throw RunErrors.validation("Specify either InstanceIds or Targets, not both.");
        }
        CommandDocument document = documents.get(request.documentName());
        if (document == null) {
            throw RunErrors.invalidDocument(request.documentName());
        }
        if (!byTargets && (ids.isEmpty() || ids.size() > MAX_INSTANCES)) {
            throw RunErrors.validation("1 validation error detected: Value at 'instanceIds' failed to satisfy constraint: "
                    + "Member must have length less than or equal to 50 and greater than or equal to 1");
        }
        if (new HashSet<>(ids).size() != ids.size()) {
            throw RunErrors.duplicateInstanceId();
        }
        long deliverySeconds = request.timeoutSeconds() == null ? DEFAULT_DELIVERY_TIMEOUT : request.timeoutSeconds();
        if (deliverySeconds < 30 || deliverySeconds > 2_592_000) {
            throw RunErrors.validation("1 validation error detected: Value '" + deliverySeconds + "' at 'timeoutSeconds' "
                    + "failed to satisfy constraint: Member must have value less than or equal to 2592000 and greater "
                    + "than or equal to 30");
        }
        if (request.comment() != null && request.comment().length() > 100) {
            throw RunErrors.validation("1 validation error detected: Value at 'comment' failed to satisfy constraint: "
                    + "Member must have length less than or equal to 100");
        }
        // Checked before the targets are known, so a bad value fails whatever the fleet looks like.
        RateControls.of(request.maxConcurrency(), request.maxErrors(), 0);
        Map<String, List<String>> sent = request.hasParameters() ? request.parameters() : Map.of();
        Map<String, String> values = ParameterValidator.validate(document, sent);
        Instant now = clock.instant();
        List<Instance> instances = byTargets
                ? TargetSelector.resolve(request.targets(), config.instances().all(), i -> i.running() && registered(i, now))
                : byInstanceIds(ids, now);
        RateControls rates = RateControls.of(request.maxConcurrency(), request.maxErrors(), instances.size());
        SentCommand command = new SentCommand(UUID.randomUUID().toString(), document, sent, values, ids,
                byTargets ? request.targets() : List.of(), rates, now, request.comment() == null ? "" : request.comment(),
                Duration.ofSeconds(deliverySeconds));
        instances.forEach(i -> command.add(new Invocation(command, i, outputDir)));
        commands.put(command.id, command);
        dispatch(command);
        publishFinalOnce(command);
        return SendCommandResponse.builder().command(toCommand(command)).build();
    }

    /** SendCommand's own InstanceIds: every one must be a registered, running instance. */
    private List<Instance> byInstanceIds(List<String> ids, Instant now) {
        List<Instance> instances = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        for (String id : ids) {
            Instance instance = config.instances().find(id).orElse(null);
            if (instance == null || !INSTANCE_ID.matcher(id).matches() || !instance.running() || !registered(instance, now)) {
                invalid.add(id);
            } else {
                instances.add(instance);
            }
        }
        if (!invalid.isEmpty()) {
            throw RunErrors.invalidInstanceIds(invalid);
        }
        return instances;
    }

    public GetCommandInvocationResponse getCommandInvocation(GetCommandInvocationRequest request) {
        SentCommand command = commands.get(String.valueOf(request.commandId()));
        Invocation invocation = command == null ? null : command.invocation(request.instanceId());
        // AWS answers InvocationDoesNotExist for a while after SendCommand; callers must retry.
        if (invocation == null || clock.instant().isBefore(command.requested.plus(config.invocationVisibleAfter()))) {
            throw RunErrors.invocationDoesNotExist();
        }
        Invocation.View view = invocation.view();
        Invocation.PluginView plugin = plugin(view, request.pluginName());
        Instant start = plugin.start();
        Instant end = plugin.end();
        return GetCommandInvocationResponse.builder()
                .commandId(command.id)
                .instanceId(invocation.instance.id())
                .comment(command.comment)
                .documentName(command.document.name())
                .documentVersion(DOCUMENT_VERSION)
                .pluginName(plugin.name())
                .responseCode(plugin.responseCode())
                .executionStartDateTime(start == null ? "" : RunEvents.millis(start))
                .executionElapsedTime(start == null || end == null ? "" : Duration.between(start, end).toString())
                .executionEndDateTime(end == null ? "" : RunEvents.millis(end))
                .status(view.status())
                .statusDetails(view.details())
                .standardOutputContent(head(plugin.stdout(), STDOUT_LIMIT))
                .standardOutputUrl(plugin.stdout().toUri().toString())
                .standardErrorContent(head(plugin.stderr(), STDERR_LIMIT))
                .standardErrorUrl(plugin.stderr().toUri().toString())
                .build();
    }

    /** By CommandId and/or InstanceId, newest first; {@code Details} adds each step's result. */
    public ListCommandInvocationsResponse listCommandInvocations(ListCommandInvocationsRequest request) {
        if (request.hasFilters() && !request.filters().isEmpty()) {
            throw RunErrors.validation("Filters are not supported by localcloud's ListCommandInvocations");
        }
        boolean details = Boolean.TRUE.equals(request.details());
        List<CommandInvocation> out = new ArrayList<>();
        for (SentCommand command : matching(request.commandId(), request.instanceId())) {
            for (Invocation invocation : command.invocations()) {
                if (request.instanceId() != null && !request.instanceId().equals(invocation.instance.id())) {
                    continue;
                }
                out.add(toInvocation(invocation, details));
            }
        }
        return ListCommandInvocationsResponse.builder().commandInvocations(out).build();
    }

    /** By CommandId and/or InstanceId, newest first. */
    public ListCommandsResponse listCommands(ListCommandsRequest request) {
        if (request.hasFilters() && !request.filters().isEmpty()) {
            throw RunErrors.validation("Filters are not supported by localcloud's ListCommands");
        }
        return ListCommandsResponse.builder()
                .commands(matching(request.commandId(), request.instanceId()).stream().map(this::toCommand).toList())
                .build();
    }

    /** Cancels the command's invocations (or those of {@code InstanceIds}) that have not ended. */
    public CancelCommandResponse cancelCommand(CancelCommandRequest request) {
        SentCommand command = commands.get(String.valueOf(request.commandId()));
        if (command == null) {
            throw RunErrors.invalidCommandId();
        }
        Set<String> only = request.hasInstanceIds() && !request.instanceIds().isEmpty()
                ? Set.copyOf(request.instanceIds()) : null;
        // Stop every matching invocation before reporting any: reporting a stopped one frees a concurrency
        // slot, and the dispatch that follows must not start an invocation this same cancel is about to stop.
        List<Invocation> stopped = new ArrayList<>();
        for (Invocation invocation : command.invocations()) {
            if ((only == null || only.contains(invocation.instance.id()))
                    && invocation.stop(Invocation.Stop.CANCELLED, clock.instant())) {
                stopped.add(invocation);
            }
        }
        stopped.forEach(this::done);
        return CancelCommandResponse.builder().build();
    }

    /**
     * Registered instances: Online while running, ConnectionLost once terminated; instances whose
     * agent has not registered yet are not listed. Filters: {@code InstanceIds} and {@code PingStatus}.
     */
    public DescribeInstanceInformationResponse describeInstanceInformation(DescribeInstanceInformationRequest request) {
        Map<String, Set<String>> filters = new LinkedHashMap<>();
        if (request.hasInstanceInformationFilterList()) {
            for (InstanceInformationFilter f : request.instanceInformationFilterList()) {
                filters.put(f.keyAsString(), Set.copyOf(f.valueSet()));
            }
        }
        if (request.hasFilters()) {
            for (InstanceInformationStringFilter f : request.filters()) {
                filters.put(f.key(), Set.copyOf(f.values()));
            }
        }
        for (String key : filters.keySet()) {
            if (!key.equals("InstanceIds") && !key.equals("PingStatus")) {
                throw RunErrors.invalidFilterKey(key);
            }
        }
        Instant now = clock.instant();
        List<InstanceInformation> out = new ArrayList<>();
        for (Instance instance : config.instances().all()) {
            Instant registeredAt = instance.launchedAt().plus(config.agentRegistration());
            boolean everRegistered = instance.running() ? !registeredAt.isAfter(now)
                    : !registeredAt.isAfter(instance.terminatedAt());
            if (!everRegistered) {
                continue;
            }
            PingStatus ping = instance.running() ? PingStatus.ONLINE : PingStatus.CONNECTION_LOST;
            if (!filters.getOrDefault("InstanceIds", Set.of(instance.id())).contains(instance.id())
                    || !filters.getOrDefault("PingStatus", Set.of(ping.toString())).contains(ping.toString())) {
                continue;
            }
            out.add(InstanceInformation.builder()
                    .instanceId(instance.id())
                    .pingStatus(ping)
                    .lastPingDateTime(instance.running() ? now : instance.terminatedAt())
                    .agentVersion("3.3.0.0")
                    .isLatestVersion(true)
                    .platformType(PlatformType.LINUX)
                    .platformName("Amazon Linux")
                    .platformVersion("2023")
                    .resourceType(ResourceType.EC2_INSTANCE)
                    .computerName(instance.id() + ".ec2.internal")
                    .build());
        }
        return DescribeInstanceInformationResponse.builder().instanceInformationList(out).build();
    }

    /**
     * Stops the pool: running scripts are killed, their invocations and the waiting ones end
     * Cancelled, and this returns once no execution is left (or after 30 s), so nothing writes into
     * the sandboxes afterwards.
     */
    @Override
    public void close() {
        executor.shutdownNow();
        for (SentCommand command : commands.values()) {
            for (Invocation invocation : command.invocations()) {
                invocation.stop(Invocation.Stop.CANCELLED, clock.instant());
            }
        }
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean registered(Instance instance, Instant now) {
        return !instance.launchedAt().plus(config.agentRegistration()).isAfter(now);
    }

    private List<SentCommand> matching(String commandId, String instanceId) {
        return commands.values().stream()
                .filter(c -> commandId == null || c.id.equals(commandId))
                .filter(c -> instanceId == null || c.invocation(instanceId) != null)
                .sorted(Comparator.comparing((SentCommand c) -> c.requested).reversed())
                .toList();
    }

    private void inProgress(Invocation invocation) {
        publish(RunEvents.invocationStatus(invocation, "InProgress", clock.instant()));
        if (invocation.command.claimInProgressEvent()) {
            publish(RunEvents.commandStatus(invocation.command, "InProgress", clock.instant()));
        }
    }

    private void done(Invocation invocation) {
        report(invocation);
        SentCommand command = invocation.command;
        dispatch(command);
        publishFinalOnce(command);
    }

    /** Publishes an invocation's final status and counts it towards its command's final event. */
    private void report(Invocation invocation) {
        publish(RunEvents.invocationStatus(invocation, invocation.view().details(), clock.instant()));
        invocation.command.reported();
    }

    /** Starts the invocations the command's MaxConcurrency allows, or cancels the unstarted ones past MaxErrors. */
    private void dispatch(SentCommand command) {
        SentCommand.Dispatch next = command.dispatch();
        for (Invocation invocation : next.cancel()) {
            if (invocation.stopIfPending(Invocation.Stop.MAX_ERRORS, clock.instant())) {
                report(invocation);
            }
        }
        for (Invocation invocation : next.start()) {
            try {
                executor.execute(new Execution(invocation, config, clock, this::inProgress, this::done));
            } catch (RejectedExecutionException e) {
                // Run Command is closing: close() has stopped every invocation, this one included.
            }
        }
    }

    private void publishFinalOnce(SentCommand command) {
        if (command.claimFinalEvent()) {
            publish(RunEvents.commandStatus(command, command.summary().details(), clock.instant()));
        }
    }

    private void publish(String event) {
        try {
            config.events().accept(event);
        } catch (RuntimeException e) {
            // EventBridge delivery is best effort: a failing consumer never changes a command.
        }
    }

    private static Invocation.PluginView plugin(Invocation.View view, String name) {
        if (name == null) {
            if (view.plugins().size() != 1) {
                throw RunErrors.invalidPluginName(null);
            }
            return view.plugins().get(0);
        }
        return view.plugins().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> RunErrors.invalidPluginName(name));
    }

    private Command toCommand(SentCommand command) {
        SentCommand.Summary summary = command.summary();
        return Command.builder()
                .commandId(command.id)
                .documentName(command.document.name())
                .documentVersion(DOCUMENT_VERSION)
                .comment(command.comment)
                .expiresAfter(command.expiresAfter)
                .parameters(command.sentParameters)
                .instanceIds(command.instanceIds)
                .targets(command.targets)
                .requestedDateTime(command.requested)
                .status(summary.status())
                .statusDetails(summary.details())
                .outputS3Region(RunEvents.REGION)
                .outputS3BucketName("")
                .outputS3KeyPrefix("")
                .maxConcurrency(command.rates.maxConcurrency())
                .maxErrors(command.rates.maxErrors())
                .targetCount(command.targetedInstanceIds().size())
                .completedCount(summary.completed())
                .errorCount(summary.errors())
                .deliveryTimedOutCount(summary.deliveryTimedOut())
                .timeoutSeconds((int) command.deliveryTimeout.toSeconds())
                .build();
    }

    private CommandInvocation toInvocation(Invocation invocation, boolean details) {
        SentCommand command = invocation.command;
        Invocation.View view = invocation.view();
        Invocation.PluginView first = view.plugins().get(0);
        CommandInvocation.Builder b = CommandInvocation.builder()
                .commandId(command.id)
                .instanceId(invocation.instance.id())
                .instanceName("")
                .comment(command.comment)
                .documentName(command.document.name())
                .documentVersion(DOCUMENT_VERSION)
                .requestedDateTime(command.requested)
                .status(view.status())
                .statusDetails(view.details())
                .traceOutput("")
                .standardOutputUrl(first.stdout().toUri().toString())
                .standardErrorUrl(first.stderr().toUri().toString());
        if (details) {
            b.commandPlugins(view.plugins().stream().map(p -> CommandPlugin.builder()
                    .name(p.name())
                    .status(p.status())
                    .statusDetails(p.details())
                    .responseCode(p.responseCode())
                    .responseStartDateTime(p.start())
                    .responseFinishDateTime(p.end())
                    .output(pluginOutput(p))
                    .standardOutputUrl(p.stdout().toUri().toString())
                    .standardErrorUrl(p.stderr().toUri().toString())
                    .outputS3Region(RunEvents.REGION)
                    .outputS3BucketName("")
                    .outputS3KeyPrefix("")
                    .build()).toList());
        }
        return b.build();
    }

    /** The plugin's Output field: the start of stdout, then stderr after AWS's separator, 2,500 characters in all. */
    private static String pluginOutput(Invocation.PluginView p) {
        String stdout = head(p.stdout(), PLUGIN_OUTPUT_LIMIT);
        String stderr = head(p.stderr(), PLUGIN_OUTPUT_LIMIT);
        String all = stderr.isEmpty() ? stdout : stdout + "\n\n----------ERROR-------\n" + stderr;
        return all.length() > PLUGIN_OUTPUT_LIMIT ? all.substring(0, PLUGIN_OUTPUT_LIMIT) : all;
    }

    /** The first {@code limit} characters of a UTF-8 file, without reading the rest; "" before it exists. */
    static String head(Path file, int limit) {
        // A decoder that replaces bytes that are not UTF-8, as a script's output may hold any bytes.
        try (Reader reader = new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8)) {
            char[] buffer = new char[limit];
            int n = 0;
            int read;
            while (n < limit && (read = reader.read(buffer, n, limit - n)) > 0) {
                n += read;
            }
            return new String(buffer, 0, n);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            return "(localcloud could not read " + file + ": " + e.getMessage() + ")";
        }
    }
}

package dev.fleetpress.fleet;

import dev.fleetpress.Settings;
import dev.fleetpress.aws.AutoScalingFleetInventory;
import dev.fleetpress.aws.AutoScalingLifecycleActions;
import dev.fleetpress.aws.DependencyFactory;
import dev.fleetpress.aws.S3Ledger;
import dev.fleetpress.aws.SnsAlerts;
import dev.fleetpress.aws.SqsRetryQueue;
import dev.fleetpress.aws.SsmCommandRunner;
import dev.fleetpress.aws.SsmEnvironmentPointers;
import dev.fleetpress.fleet.FleetOutcome.Kind;
import dev.fleetpress.fleet.FleetRecords.Stored;
import dev.fleetpress.ledger.LedgerException;
import dev.fleetpress.release.EnvironmentPointers;
import dev.fleetpress.release.ReleaseBackendException;
import dev.fleetpress.release.ReleaseId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Keeps every lifecycle action of the fleet moving to the right completion: an instance goes InService
 * only once it runs its environment's current release, and a terminating instance is drained first.
 *
 * <p>Each action has one {@link ActionRecord}, created once per (instance, phase) and moved by
 * compare-and-swap: WAITING_FOR_AGENT → COMMAND_SENT → COMPLETED. Whoever wins the swap to
 * COMPLETED completes the action in Auto Scaling, writes the instance record and counts the outcome for
 * the {@link CrashLoopBreaker}; all of that is repeatable, and the record is marked confirmed at the
 * end, so a trigger retried after a failure finishes the job. Concretely:
 * <ul>
 *   <li>{@link #onLifecycleEvent}: a new action resolves the current release (launches), sends the
 *   bootstrap or drain document, and records the command. An instance whose agent is not ready gets a
 *   retry through the {@link RetryQueue} and a heartbeat; at the deadline a launch is abandoned.
 *   A repeated event changes nothing.</li>
 *   <li>{@link #onCommandStatus}: a final status completes the action the command was sent for:
 *   CONTINUE on Success, ABANDON otherwise for launches, CONTINUE always for terminations.</li>
 *   <li>{@link #onRetry}: retries the send, if the action still waits at that attempt.</li>
 *   <li>{@link #reconcile}: finds instances waiting on a hook and moves each on, whichever events were
 *   lost: starts actions nobody saw, resends, checks commands, heartbeats, completes.</li>
 * </ul>
 * Failures of AWS or the ledger propagate (the trigger retries); nothing here sleeps.
 */
public final class Fleet {
    private static final int CAS_ATTEMPTS = 10;
    private static final Duration MIN_STALL = Duration.ofSeconds(60);

    private final FleetConfig config;
    private final FleetRecords records;
    private final CommandRunner commands;
    private final LifecycleActions lifecycle;
    private final FleetInventory inventory;
    private final RetryQueue retries;
    private final Alerts alerts;
    private final EnvironmentPointers pointers;
    private final CrashLoopBreaker breaker;
    private final Clock clock;

    private Fleet(FleetConfig config, FleetRecords records, CommandRunner commands, LifecycleActions lifecycle,
                  FleetInventory inventory, RetryQueue retries, Alerts alerts, EnvironmentPointers pointers, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.records = Objects.requireNonNull(records, "records");
        this.commands = Objects.requireNonNull(commands, "commands");
        this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
        this.inventory = Objects.requireNonNull(inventory, "inventory");
        this.retries = Objects.requireNonNull(retries, "retries");
        this.alerts = Objects.requireNonNull(alerts, "alerts");
        this.pointers = Objects.requireNonNull(pointers, "pointers");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.breaker = new CrashLoopBreaker(records, pointers, alerts, config.crashLoopThreshold(), clock);
    }

    public static Fleet of(FleetConfig config, FleetRecords records, CommandRunner commands, LifecycleActions lifecycle,
                           FleetInventory inventory, RetryQueue retries, Alerts alerts, EnvironmentPointers pointers,
                           Clock clock) {
        return new Fleet(config, records, commands, lifecycle, inventory, retries, alerts, pointers, clock);
    }

    /**
     * The fleet over AWS, configured by FleetFunction's environment. The one place where the fleet's
     * ports meet their adapters; no AWS call is made until the first event.
     */
    public static Fleet create(DependencyFactory deps, Settings settings) {
        FleetConfig config = FleetConfig.from(settings);
        return of(config,
                new FleetRecords(S3Ledger.create(deps.s3(), config.releaseBucket(), "fleet/")),
                SsmCommandRunner.create(deps::ssm),
                AutoScalingLifecycleActions.create(deps::autoScaling),
                AutoScalingFleetInventory.create(deps::autoScaling),
                SqsRetryQueue.create(deps::sqs, settings.required("RETRY_QUEUE_URL")),
                SnsAlerts.create(deps::sns, settings.required("ALERT_TOPIC_ARN")),
                SsmEnvironmentPointers.create(deps.ssm(), config.parameterPrefix()),
                Clock.systemUTC());
    }

    public FleetConfig config() {
        return config;
    }

    /** A lifecycle action event (already validated). Repeats of the same action are harmless. */
    public FleetOutcome onLifecycleEvent(LifecycleAction action) {
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            Instant now = clock.instant();
            Optional<Stored<ActionRecord>> found = records.action(action.instanceId(), action.phase());
            ActionRecord fresh = ActionRecord.start(action, now, now.plus(config.launchDeadline()));
            if (found.isEmpty()) {
                if (records.create(fresh)) {
                    return driveIfStill(fresh);
                }
                continue;
            }
            Stored<ActionRecord> stored = found.get();
            ActionRecord r = stored.value();
            if (action.token().isEmpty() || action.token().equals(r.token())) {
                return onRepeat(stored);
            }
            if (r.token().isEmpty()) {
                // Reconciliation found this action before its (late) event: the event adds the token.
                if (records.replace(stored, r.withToken(action.token(), now))) {
                    return FleetOutcome.of(Kind.DUPLICATE, r, "reconciliation already took this action over; "
                            + "its late event only added the token");
                }
                continue;
            }
            // Another token for the same instance and phase: the earlier action expired, or the
            // instance came round again (warm pool reuse). The new action starts afresh.
            if (records.replace(stored, fresh)) {
                return driveIfStill(fresh);
            }
        }
        throw conflict(FleetRecords.actionKey(action.instanceId(), action.phase()));
    }

    /** A command invocation's status change. Non-final statuses and commands FleetPress did not send are ignored. */
    public FleetOutcome onCommandStatus(String commandId, String instanceId, String status) {
        FleetIds.uuid(commandId, "command-id");
        FleetIds.instanceId(instanceId);
        if (!CommandStatus.isFinal(status)) {
            return FleetOutcome.ignored("command " + commandId + " is still " + status + "; only final statuses complete actions");
        }
        Optional<CommandIndex> index = records.command(commandId);
        if (index.isEmpty()) {
            return FleetOutcome.ignored("command " + commandId + " is not one FleetPress recorded (run by hand, or its "
                    + "record was not written); reconciliation checks the commands FleetPress did send");
        }
        if (!index.get().instanceId().equals(instanceId)) {
            return FleetOutcome.rejected("command " + commandId + " was sent to " + index.get().instanceId()
                    + ", not to " + instanceId);
        }
        return completeFromStatus(index.get(), status);
    }

    /** A retry message from the queue: sends again if the action still waits at that attempt. */
    public FleetOutcome onRetry(RetryMessage message) {
        LifecycleAction a = message.action();
        Optional<Stored<ActionRecord>> found = records.action(a.instanceId(), a.phase());
        if (found.isEmpty()) {
            return new FleetOutcome(Kind.STALE, a.instanceId(), a.group(), a.environment(), message.release(), "", "",
                    "no record of this action: nothing to retry");
        }
        ActionRecord r = found.get().value();
        if (!r.actionId().equals(message.actionId()) || r.state() != ActionState.WAITING_FOR_AGENT
                || r.attempt() != message.attempt()) {
            return FleetOutcome.of(Kind.STALE, r, "the action moved on since attempt " + message.attempt()
                    + " was queued (now " + r.state() + ", attempt " + r.attempt() + ")");
        }
        return drive(found.get());
    }

    /**
     * Moves on every instance of the fleet's groups that waits on a hook. Each instance is handled on
     * its own: one that fails (throttling, a ledger conflict) is reported as FAILED and left to the
     * next run, and the others still move.
     */
    public List<FleetOutcome> reconcile() {
        List<FleetOutcome> outcomes = new ArrayList<>();
        for (FleetInventory.WaitingInstance w : inventory.waiting(config.groups().groups())) {
            try {
                outcomes.add(reconcile(w));
            } catch (FleetBackendException | LedgerException | ReleaseBackendException e) {
                outcomes.add(new FleetOutcome(Kind.FAILED, w.instanceId(), w.group(), "", "", "", "",
                        "could not move this instance on now (" + e.getMessage() + "); the next run tries again"));
            } catch (IllegalArgumentException e) {
                outcomes.add(FleetOutcome.rejected("instance " + FleetIds.shorten(w.instanceId()) + " of "
                        + FleetIds.shorten(w.group()) + ": " + e.getMessage()));
            }
        }
        return outcomes;
    }

    private FleetOutcome reconcile(FleetInventory.WaitingInstance w) {
        FleetIds.instanceId(w.instanceId());
        Optional<String> environment = config.groups().environmentOf(w.group());
        if (environment.isEmpty()) {
            return FleetOutcome.ignored("group " + w.group() + " is not in FLEET_GROUPS");
        }
        Phase phase;
        switch (w.lifecycleState()) {
            case "Warmed:Pending:Wait" -> phase = Phase.WARM_POOL_ENTER;
            case "Terminating:Wait" -> phase = Phase.TERMINATE;
            // An instance that was prepared in the warm pool is now leaving it.
            case "Pending:Wait" -> phase = records.action(w.instanceId(), Phase.WARM_POOL_ENTER).isPresent()
                    ? Phase.WARM_POOL_LEAVE : Phase.LAUNCH;
            default -> {
                return FleetOutcome.ignored("instance " + w.instanceId() + " is " + w.lifecycleState()
                        + ", not waiting on a FleetPress hook");
            }
        }
        Optional<Stored<ActionRecord>> found = records.action(w.instanceId(), phase);
        if (found.isEmpty()) {
            String hook = phase == Phase.TERMINATE ? config.drainHook() : config.launchHook();
            return onLifecycleEvent(new LifecycleAction(w.instanceId(), w.group(), hook, phase, "", environment.get()));
        }
        Stored<ActionRecord> stored = found.get();
        ActionRecord r = stored.value();
        Instant now = clock.instant();
        switch (r.state()) {
            case COMPLETED -> {
                // Auto Scaling still shows it waiting: the completion did not land (or is just landing).
                return finish(r);
            }
            case WAITING_FOR_AGENT -> {
                if (!now.isBefore(r.deadline())) {
                    return timeOut(r);
                }
                Duration stall = config.agentRetry().multipliedBy(4);
                if (r.attempt() == 0 || now.isAfter(r.updatedAt().plus(stall.compareTo(MIN_STALL) > 0 ? stall : MIN_STALL))) {
                    return drive(stored);
                }
                return heartbeat(r, "waiting for the SSM agent (attempt " + r.attempt() + ")");
            }
            default -> {
                String status = CommandStatus.requireKnown(commands.status(r.commandId(), r.instanceId()));
                if (CommandStatus.isFinal(status)) {
                    return completeFromStatus(new CommandIndex(r.commandId(), r.actionId(), r.instanceId(), r.phase(),
                            "", r.release(), r.updatedAt()), status);
                }
                if (!now.isBefore(r.deadline())) {
                    return timeOut(r);
                }
                return heartbeat(r, "command " + r.commandId() + " is " + status);
            }
        }
    }

    /** After a create or replace: drives the record if it is still the one written. */
    private FleetOutcome driveIfStill(ActionRecord written) {
        Optional<Stored<ActionRecord>> now = records.action(written.instanceId(), written.phase());
        if (now.isEmpty() || !now.get().value().equals(written)) {
            return FleetOutcome.of(Kind.DUPLICATE, written, "a concurrent delivery of this event took the action over");
        }
        return drive(now.get());
    }

    private FleetOutcome onRepeat(Stored<ActionRecord> stored) {
        ActionRecord r = stored.value();
        if (r.state() == ActionState.WAITING_FOR_AGENT && r.attempt() == 0) {
            // The first delivery failed before it tried a send; this redelivery is the retry.
            return drive(stored);
        }
        if (r.state() == ActionState.COMPLETED && !r.confirmed()) {
            return finish(r);
        }
        return FleetOutcome.of(Kind.DUPLICATE, r, "repeated event: the action is already " + r.state());
    }

    /** Tries to send the action's command; see the class comment. {@code stored} is WAITING_FOR_AGENT. */
    private FleetOutcome drive(Stored<ActionRecord> stored) {
        ActionRecord r = stored.value();
        Instant now = clock.instant();
        if (!now.isBefore(r.deadline())) {
            return timeOut(r);
        }
        String release = "";
        if (r.isLaunch()) {
            // Read now, not when the action began: a warm instance leaving the pool gets today's release.
            Optional<ReleaseId> current = pointers.current(r.environment());
            if (current.isEmpty()) {
                return settle(r, x -> x.completed("", "", LifecycleResult.ABANDON, InstanceState.NO_RELEASE,
                        "environment " + r.environment() + " has no current release: promote one (fleetpress promote) "
                                + "before its group launches instances", now));
            }
            release = current.get().value();
        }
        CommandRunner.Command command = command(r, release);
        CommandRunner.SendResult result = commands.send(command);
        int attempt = r.attempt() + 1;
        if (result instanceof CommandRunner.Sent sent) {
            records.index(new CommandIndex(sent.commandId(), r.actionId(), r.instanceId(), r.phase(), command.document(),
                    release, now));
            ActionRecord next = r.sent(release, sent.commandId(), attempt, now);
            if (!records.replace(stored, next)) {
                return FleetOutcome.of(Kind.STALE, next, "the action moved on while its command was sent; the command's "
                        + "status still finds the action through the command index");
            }
            return FleetOutcome.of(Kind.COMMAND_SENT, next, "sent " + command.document() + " to " + r.instanceId());
        }
        CommandRunner.NotReady notReady = (CommandRunner.NotReady) result;
        if (r.phase() == Phase.TERMINATE && notReady.agentMissing()) {
            return settle(r, x -> x.completed("", "", LifecycleResult.CONTINUE, InstanceState.DRAIN_SKIPPED,
                    "SSM does not know the instance (its agent is gone or never registered), so nothing was drained: "
                            + notReady.detail(), now));
        }
        // Extend the action first: one that is gone needs no retry.
        if (lifecycle.heartbeat(r.action()) == LifecycleActions.Answer.NOT_ACTIVE) {
            return expired(r);
        }
        ActionRecord next = r.waiting(release, attempt, notReady.detail(), now);
        // Queued before the record moves: if queueing fails, the trigger's retry finds the record unchanged.
        retries.send(new RetryMessage(r.actionId(), r.action(), release, attempt, r.deadline()), config.agentRetry());
        if (!records.replace(stored, next)) {
            return FleetOutcome.of(Kind.STALE, next, "the action moved on while a retry was queued");
        }
        return FleetOutcome.of(Kind.WAITING_FOR_AGENT, next, "instance not ready for commands (" + notReady.detail()
                + "); heartbeat recorded, retry " + attempt + " in " + config.agentRetry().toSeconds() + " s");
    }

    private FleetOutcome heartbeat(ActionRecord r, String message) {
        if (lifecycle.heartbeat(r.action()) == LifecycleActions.Answer.NOT_ACTIVE) {
            return expired(r);
        }
        return FleetOutcome.of(r.state() == ActionState.COMMAND_SENT ? Kind.COMMAND_SENT : Kind.WAITING_FOR_AGENT, r,
                message + "; heartbeat recorded");
    }

    private FleetOutcome expired(ActionRecord r) {
        Instant now = clock.instant();
        return settle(r, x -> x.completed(x.release(), x.commandId(), null, InstanceState.ACTION_EXPIRED,
                "Auto Scaling no longer has this lifecycle action (it expired, or was completed elsewhere)", now));
    }

    private FleetOutcome timeOut(ActionRecord r) {
        Instant now = clock.instant();
        boolean agentNeverReady = r.state() == ActionState.WAITING_FOR_AGENT;
        String why = (agentNeverReady ? "the instance's SSM agent was not reachable" : "command " + r.commandId()
                + " did not finish") + " within LAUNCH_DEADLINE_SECONDS (" + config.launchDeadline().toSeconds() + " s)";
        if (r.isLaunch()) {
            return settle(r, x -> x.completed(x.release(), x.commandId(), LifecycleResult.ABANDON,
                    InstanceState.TIMED_OUT, why, now));
        }
        return settle(r, x -> x.completed(x.release(), x.commandId(), LifecycleResult.CONTINUE,
                agentNeverReady ? InstanceState.DRAIN_SKIPPED : InstanceState.DRAIN_FAILED, why, now));
    }

    private FleetOutcome completeFromStatus(CommandIndex index, String status) {
        Instant now = clock.instant();
        boolean success = CommandStatus.isSuccess(status);
        Optional<Stored<ActionRecord>> found = records.action(index.instanceId(), index.phase());
        if (found.isEmpty() || !found.get().value().actionId().equals(index.actionId())) {
            return new FleetOutcome(Kind.STALE, index.instanceId(), "", "", index.release(), index.commandId(), "",
                    "command " + index.commandId() + " belongs to an earlier action of this instance");
        }
        String what = (index.phase().installsRelease() ? "bootstrap" : "drain") + " command " + index.commandId()
                + " ended " + status;
        if (index.phase().installsRelease()) {
            return settle(found.get().value(), x -> x.completed(index.release(), index.commandId(),
                    success ? LifecycleResult.CONTINUE : LifecycleResult.ABANDON,
                    success ? InstanceState.BOOTSTRAPPED : InstanceState.BOOTSTRAP_FAILED, what, now));
        }
        return settle(found.get().value(), x -> x.completed("", index.commandId(), LifecycleResult.CONTINUE,
                success ? InstanceState.DRAINED : InstanceState.DRAIN_FAILED, what, now));
    }

    /**
     * Claims the completion of {@code seen}'s action by compare-and-swap to {@code decide}'s record,
     * then finishes it. If another invocation completed the action first, this one only reports it.
     */
    private FleetOutcome settle(ActionRecord seen, UnaryOperator<ActionRecord> decide) {
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            Optional<Stored<ActionRecord>> found = records.action(seen.instanceId(), seen.phase());
            if (found.isEmpty() || !found.get().value().actionId().equals(seen.actionId())) {
                return FleetOutcome.of(Kind.STALE, seen, "a newer action of this instance replaced this one");
            }
            ActionRecord r = found.get().value();
            if (r.state() == ActionState.COMPLETED) {
                return r.confirmed() ? FleetOutcome.of(Kind.DUPLICATE, r, "already completed: " + r.reason()) : finish(r);
            }
            ActionRecord next = decide.apply(r);
            if (records.replace(found.get(), next)) {
                return finish(next);
            }
        }
        throw conflict(seen.key());
    }

    /** The effects of a COMPLETED record; each is repeatable, so a retried finish completes what a failed one began. */
    private FleetOutcome finish(ActionRecord r) {
        InstanceState outcome = InstanceState.valueOf(r.outcome());
        if (outcome == InstanceState.NO_RELEASE) {
            alerts.publish("FleetPress: " + r.environment() + " has no release to launch", r.reason()
                    + ". Instance " + r.instanceId() + " of " + r.group() + " was abandoned; Auto Scaling will keep "
                    + "replacing instances until a release is promoted.");
        }
        // The record goes first: once Auto Scaling has the answer the instance may serve, and whoever
        // looks at an InService instance must find which release it runs.
        Instant now = clock.instant();
        records.putInstance(new InstanceRecord(r.instanceId(), r.group(), r.environment(), r.release(), outcome,
                r.phase(), r.commandId(), r.reason(), now));
        String answer = "";
        if (!r.result().isEmpty()
                && lifecycle.complete(r.action(), LifecycleResult.valueOf(r.result())) == LifecycleActions.Answer.NOT_ACTIVE) {
            answer = " (Auto Scaling had no active action any more: already completed or expired)";
        }
        if (r.isLaunch() && !r.release().isEmpty()
                && (outcome == InstanceState.BOOTSTRAPPED || outcome == InstanceState.BOOTSTRAP_FAILED)) {
            breaker.record(r.environment(), r.release(), r.actionId(), outcome == InstanceState.BOOTSTRAPPED);
        }
        if (!r.confirmed()) {
            records.action(r.instanceId(), r.phase())
                    .filter(s -> s.value().equals(r))
                    .ifPresent(s -> records.replace(s, r.confirmed(now)));
        }
        return FleetOutcome.of(Kind.COMPLETED, r, (r.result().isEmpty() ? "" : r.result() + ": ") + r.reason() + answer);
    }

    private CommandRunner.Command command(ActionRecord r, String release) {
        if (r.isLaunch()) {
            Map<String, String> parameters = new LinkedHashMap<>();
            parameters.put("ReleaseId", release);
            parameters.put("Environment", r.environment());
            parameters.put("ReleaseBucket", config.releaseBucket());
            parameters.put("ParameterPrefix", config.parameterPrefix());
            return new CommandRunner.Command(r.instanceId(), config.bootstrapDocument(), parameters,
                    comment("FleetPress bootstrap " + release + ", " + r.environment() + ", " + r.phase().slug()));
        }
        return new CommandRunner.Command(r.instanceId(), config.drainDocument(),
                Map.of("ReleaseBucket", config.releaseBucket()), comment("FleetPress drain, " + r.environment()));
    }

    private static String comment(String text) {
        return text.length() > 100 ? text.substring(0, 100) : text;
    }

    private static LedgerException conflict(String key) {
        return new LedgerException("fleet record " + key + " kept changing under " + CAS_ATTEMPTS
                + " attempts to move it; the trigger will retry");
    }
}

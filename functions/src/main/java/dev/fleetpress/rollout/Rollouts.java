package dev.fleetpress.rollout;

import dev.fleetpress.Settings;
import dev.fleetpress.aws.AutoScalingGroupMembers;
import dev.fleetpress.aws.DependencyFactory;
import dev.fleetpress.aws.S3Ledger;
import dev.fleetpress.aws.S3ReleaseStore;
import dev.fleetpress.aws.SnsAlerts;
import dev.fleetpress.aws.SsmCommandRunner;
import dev.fleetpress.aws.SsmEnvironmentPointers;
import dev.fleetpress.aws.SsmGroupCommands;
import dev.fleetpress.fleet.Alerts;
import dev.fleetpress.fleet.CommandStatus;
import dev.fleetpress.fleet.FleetRecords;
import dev.fleetpress.log.Log;
import dev.fleetpress.release.EnvironmentPointers;
import dev.fleetpress.release.EnvironmentPointers.PointerVersion;
import dev.fleetpress.release.Environments;
import dev.fleetpress.release.ReleaseCatalog;
import dev.fleetpress.release.ReleaseId;
import dev.fleetpress.release.ReleaseRecord;
import dev.fleetpress.rollout.RolloutOutcome.Kind;
import dev.fleetpress.rollout.RolloutRecords.Stored;
import dev.fleetpress.upgrade.UpgradeGate;
import dev.fleetpress.upgrade.UpgradeOutcome;
import dev.fleetpress.upgrade.UpgradeRecords;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Moves the running fleet to the release its environment's pointer names, then has the database upgraded once.
 *
 * <p>Each pointer version gets one rollout. A pointer change ({@link #onPointerChanged}) swaps the
 * environment's rollout record to STARTING for the new version, with a lease; exactly one caller wins
 * that swap and sends the activation command (the bootstrap document, which installs, health-checks and
 * switches the {@code current} link) to the environment's group by tag, with bounded concurrency and
 * stop-on-errors. A rollout replaced by a newer pointer version has its command cancelled: the later
 * promotion wins cleanly. Instances launched meanwhile install the new release anyway, because the pointer
 * moved first. The command's final status ({@link #onActivationStatus}) records each instance's release
 * and, on success, triggers the {@link UpgradeGate}; failure alerts and leaves the gate alone.
 *
 * <p>{@link #reconcile} (on a schedule) heals lost events: a pointer change nobody saw, a runner that died
 * holding the lease, an activation whose status event was lost, an upgrade gate waiting for an instance.
 */
public final class Rollouts {
    private static final int CAS_ATTEMPTS = 20;
    /** Activation commands per pointer version: the first, and retries for instances SSM never started. */
    private static final int MAX_ACTIVATIONS = 3;
    /** Invocation statuses of instances SSM did not run the command on (it stopped after errors elsewhere). */
    private static final Set<String> NOT_STARTED = Set.of("Cancelled", "Canceled", "Pending", "Delayed");

    private final RolloutConfig config;
    private final RolloutRecords records;
    private final GroupCommands commands;
    private final GroupMembers members;
    private final EnvironmentPointers pointers;
    private final FleetRecords fleet;
    private final UpgradeGate gate;
    private final Alerts alerts;
    private final Supplier<String> owners;
    private final Clock clock;

    private Rollouts(RolloutConfig config, RolloutRecords records, GroupCommands commands, GroupMembers members,
                     EnvironmentPointers pointers, FleetRecords fleet, UpgradeGate gate, Alerts alerts,
                     Supplier<String> owners, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.records = Objects.requireNonNull(records, "records");
        this.commands = Objects.requireNonNull(commands, "commands");
        this.members = Objects.requireNonNull(members, "members");
        this.pointers = Objects.requireNonNull(pointers, "pointers");
        this.fleet = Objects.requireNonNull(fleet, "fleet");
        this.gate = Objects.requireNonNull(gate, "gate");
        this.alerts = Objects.requireNonNull(alerts, "alerts");
        this.owners = Objects.requireNonNull(owners, "owners");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public static Rollouts of(RolloutConfig config, RolloutRecords records, GroupCommands commands, GroupMembers members,
                              EnvironmentPointers pointers, FleetRecords fleet, UpgradeGate gate, Alerts alerts,
                              Supplier<String> owners, Clock clock) {
        return new Rollouts(config, records, commands, members, pointers, fleet, gate, alerts, owners, clock);
    }

    /**
     * The rollouts over AWS, configured by RolloutFunction's environment (see {@link RolloutConfig#from},
     * ALERT_TOPIC_ARN). The one place where the rollout's and the upgrade gate's ports meet their adapters.
     */
    public static Rollouts create(DependencyFactory deps, Settings settings) {
        RolloutConfig config = RolloutConfig.from(settings);
        String bucket = config.releaseBucket();
        FleetRecords fleet = new FleetRecords(S3Ledger.create(deps.s3(), bucket, "fleet/"));
        GroupMembers members = AutoScalingGroupMembers.create(deps::autoScaling);
        EnvironmentPointers pointers = SsmEnvironmentPointers.create(deps.ssm(), config.parameterPrefix());
        ReleaseCatalog catalog = ReleaseCatalog.of(S3ReleaseStore.create(deps.s3(), bucket), pointers);
        Alerts alerts = SnsAlerts.create(deps::sns, settings.required("ALERT_TOPIC_ARN"));
        Supplier<String> owners = () -> UUID.randomUUID().toString();
        UpgradeGate gate = UpgradeGate.of(config.upgrade(),
                new UpgradeRecords(S3Ledger.create(deps.s3(), bucket, UpgradeRecords.PREFIX)),
                SsmCommandRunner.create(deps::ssm), new FleetReleaseInstances(config.groups(), members, fleet), pointers,
                id -> catalog.release(id).map(ReleaseRecord::manifest), alerts, owners, Clock.systemUTC());
        return of(config, new RolloutRecords(S3Ledger.create(deps.s3(), bucket, RolloutRecords.PREFIX)),
                SsmGroupCommands.create(deps::ssm), members, pointers, fleet, gate, alerts, owners, Clock.systemUTC());
    }

    public RolloutConfig config() {
        return config;
    }

    public UpgradeGate gate() {
        return gate;
    }

    /**
     * The environment's pointer changed (or may have): starts the rollout of its newest version unless
     * one exists. The event says only that something changed; the pointer itself is the truth.
     */
    public RolloutOutcome onPointerChanged(String environment) {
        Environments.requireValid(environment);
        Optional<String> group = config.groups().groupOf(environment);
        if (group.isEmpty()) {
            return RolloutOutcome.simple(Kind.IGNORED, "environment " + environment + " has no group in FLEET_GROUPS");
        }
        List<PointerVersion> history = pointers.history(environment);
        if (history.isEmpty()) {
            return RolloutOutcome.simple(Kind.IGNORED, environment + " has no release pointer (deleted?): nothing to roll out");
        }
        PointerVersion newest = history.get(0);
        Optional<ReleaseId> release = newest.releaseId();
        if (release.isEmpty()) {
            return RolloutOutcome.simple(Kind.REJECTED, environment + "'s pointer version " + newest.version()
                    + " holds '" + shorten(newest.value()) + "', not a release id: set it with `fleetpress promote`");
        }
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            Instant now = clock.instant();
            Optional<Stored> stored = records.stored(environment);
            if (stored.isPresent() && stored.get().value().pointerVersion() >= newest.version()) {
                return continueRollout(stored.get(), now);
            }
            String owner = owners.get();
            RolloutRecord next = RolloutRecord.starting(environment, release.get().value(), newest.version(), owner,
                    now, now.plus(config.claimLease()));
            if (records.write(stored.orElse(null), next)) {
                stored.ifPresent(previous -> replaced(previous.value(), now));
                return activate(environment, owner);
            }
        }
        throw contended(environment);
    }

    /** A final (or any) status of an activation command, from its command-level event. */
    public RolloutOutcome onActivationStatus(String commandId, String status) {
        CommandStatus.requireKnown(status);
        Optional<RolloutRecords.CommandIndex> index = records.command(commandId);
        if (index.isEmpty()) {
            return RolloutOutcome.simple(Kind.IGNORED, "command " + commandId + " is not a rollout's activation "
                    + "(a launch's bootstrap, or a record lost before it was written: reconciliation polls it)");
        }
        Optional<Stored> stored = records.stored(index.get().environment());
        if (stored.isEmpty() || !stored.get().value().commandId().equals(commandId)) {
            return new RolloutOutcome(Kind.STALE, index.get().environment(), "", commandId, "command " + commandId
                    + " belongs to pointer version " + index.get().pointerVersion() + ", which a later rollout replaced", null);
        }
        if (!CommandStatus.isFinal(status)) {
            return RolloutOutcome.of(Kind.IN_PROGRESS, stored.get().value(), "activation is " + status);
        }
        return continueRollout(stored.get(), clock.instant());
    }

    /** Moves every environment's rollout on, whichever events were lost. One outcome per environment. */
    public List<RolloutOutcome> reconcile() {
        List<RolloutOutcome> out = new ArrayList<>();
        for (String environment : config.groups().environments()) {
            try {
                out.add(onPointerChanged(environment));
            } catch (RuntimeException e) {
                // One environment's trouble must not stop the others; the next run tries again.
                Log.error("rollout reconciliation failed: " + e.getMessage(), Map.of("environment", environment));
                out.add(new RolloutOutcome(Kind.IN_PROGRESS, environment, "", "", "failed: " + e.getMessage(), null));
            }
        }
        return out;
    }

    /** The rollout for the newest pointer version exists: take the next step it needs, if any. */
    private RolloutOutcome continueRollout(Stored stored, Instant now) {
        RolloutRecord r = stored.value();
        switch (r.state()) {
            case STARTING -> {
                if (!r.leaseExpired(now)) {
                    return RolloutOutcome.of(Kind.IN_PROGRESS, r, "being started by " + r.owner());
                }
                String owner = owners.get();
                if (records.write(stored, r.retaken(owner, now, now.plus(config.claimLease())))) {
                    return activate(r.environment(), owner);
                }
                return RolloutOutcome.of(Kind.IN_PROGRESS, r, "another runner took the expired start over");
            }
            case ACTIVATING -> {
                GroupCommands.CommandReport report = commands.report(r.commandId());
                if (!CommandStatus.isFinal(report.status())) {
                    return RolloutOutcome.of(Kind.IN_PROGRESS, r, "activation is " + report.status());
                }
                return finish(stored, report);
            }
            case ACTIVATED -> {
                UpgradeOutcome upgrade = gate.trigger(r.environment(), ReleaseId.of(r.release()));
                return RolloutOutcome.of(Kind.DUPLICATE, r, "already activated; upgrade: " + upgrade.message())
                        .withUpgrade(upgrade);
            }
            default -> {
                return RolloutOutcome.of(Kind.DUPLICATE, r, "rollout is " + r.state() + ": " + r.reason());
            }
        }
    }

    /** Holding a fresh STARTING record: send the activation across the group. */
    private RolloutOutcome activate(String environment, String owner) {
        Optional<Stored> stored = records.stored(environment)
                .filter(s -> s.value().state() == RolloutState.STARTING && s.value().owner().equals(owner));
        if (stored.isEmpty()) {
            return RolloutOutcome.simple(Kind.IN_PROGRESS, "the rollout of " + environment + " moved on before it could be sent");
        }
        RolloutRecord r = stored.get().value();
        String group = config.groups().groupOf(environment).orElseThrow();
        Instant now = clock.instant();
        if (members.inService(group).isEmpty()) {
            // Nothing to activate: launches install the release (the pointer names it). The gate waits for one.
            RolloutRecord done = r.ended(RolloutState.ACTIVATED, Map.of(), "no InService instance in " + group
                    + "; new instances install " + r.release() + " at launch", now);
            if (!writeOwned(environment, owner, done)) {
                return RolloutOutcome.of(Kind.IN_PROGRESS, r, "the rollout moved on meanwhile");
            }
            records.archive(done);
            UpgradeOutcome upgrade = gate.trigger(environment, ReleaseId.of(r.release()));
            return RolloutOutcome.of(Kind.ACTIVATED, done, done.reason()).withUpgrade(upgrade);
        }
        String commandId = commands.send(new GroupCommands.GroupCommand(group, config.activateDocument(), Map.of(
                "ReleaseId", r.release(), "Environment", environment, "ReleaseBucket", config.releaseBucket(),
                "ParameterPrefix", config.parameterPrefix()), config.maxConcurrency(), config.maxErrors(),
                "fleetpress rollout " + environment + " " + r.release() + " v" + r.pointerVersion()));
        records.index(commandId, environment, r.pointerVersion());
        RolloutRecord activating = r.activating(commandId, now, now.plus(config.activationLease()));
        if (!writeOwned(environment, owner, activating)) {
            // Replaced while sending (a newer pointer version): this command is not wanted any more.
            cancelQuietly(commandId, environment);
            return RolloutOutcome.of(Kind.STALE, activating, "a newer rollout replaced this one while it was sent; "
                    + "command cancelled");
        }
        Log.info("rollout started", RolloutOutcome.of(Kind.ACTIVATION_SENT, activating, "").keys());
        return RolloutOutcome.of(Kind.ACTIVATION_SENT, activating, "activating " + r.release() + " across " + group
                + " (max concurrency " + config.maxConcurrency() + ", max errors " + config.maxErrors()
                + ") as command " + commandId);
    }

    /** The activation command ended: record each instance, then upgrade, try again, or alert. */
    private RolloutOutcome finish(Stored stored, GroupCommands.CommandReport report) {
        RolloutRecord r = stored.value();
        Instant now = clock.instant();
        String group = config.groups().groupOf(r.environment()).orElseThrow();
        // Instance records first (each an idempotent upsert), so a retry after a crash redoes them.
        report.instances().forEach((instance, status) -> fleet.recordActivation(instance, group, r.environment(),
                r.release(), CommandStatus.isSuccess(status), r.commandId(), "rollout v" + r.pointerVersion()
                        + " activation " + status, now));
        // Instances that left the group meanwhile (scale-in, replacement) do not count against the roll.
        Set<String> inService = new HashSet<>(members.inService(group));
        Map<String, String> failed = new TreeMap<>();
        report.instances().forEach((instance, status) -> {
            if (!CommandStatus.isSuccess(status) && inService.contains(instance)) {
                failed.put(instance, status);
            }
        });
        boolean success = failed.isEmpty();
        boolean onlyNotStarted = !success && failed.values().stream().allMatch(NOT_STARTED::contains);
        if (onlyNotStarted && r.attempt() < MAX_ACTIVATIONS) {
            // SSM stopped on an instance that was leaving the group; the ones it never reached get another command.
            String owner = owners.get();
            String why = "attempt " + r.attempt() + " ended " + report.status() + " before reaching " + failed.keySet()
                    + " (an instance left the group); sending the activation again";
            if (!records.write(stored, r.again(owner, now, now.plus(config.claimLease()), why))) {
                return RolloutOutcome.of(Kind.DUPLICATE, r, "another event moved this rollout on");
            }
            return activate(r.environment(), owner);
        }
        int stayed = countIn(report, inService);
        String why = success ? "activated on " + stayed + " instance(s)"
                + (stayed < report.instances().size() ? "; " + (report.instances().size() - stayed) + " left the group meanwhile" : "")
                : "activation ended " + report.status() + "; not activated: " + failed.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).toList();
        if (!success) {
            alerts.publish(subject("FleetPress: rollout of " + r.release() + " to " + r.environment() + " stopped"),
                    "The rollout of " + r.release() + " to " + r.environment() + " stopped on errors: " + why
                            + ".\nInstances that failed kept their previous release (their bootstrap switched back). "
                            + "No database upgrade ran. Fix the release and promote again, or roll back.");
        }
        RolloutRecord done = r.ended(success ? RolloutState.ACTIVATED : RolloutState.FAILED, report.instances(), why, now);
        if (!records.write(stored, done)) {
            return RolloutOutcome.of(Kind.DUPLICATE, r, "another event finished this rollout");
        }
        records.archive(done);
        Log.info("rollout " + (success ? "activated" : "failed"), RolloutOutcome.of(Kind.ACTIVATED, done, "").keys());
        if (!success) {
            return RolloutOutcome.of(Kind.ACTIVATION_FAILED, done, why);
        }
        UpgradeOutcome upgrade = gate.trigger(r.environment(), ReleaseId.of(r.release()));
        return RolloutOutcome.of(Kind.ACTIVATED, done, why + "; upgrade: " + upgrade.message()).withUpgrade(upgrade);
    }

    private static int countIn(GroupCommands.CommandReport report, Set<String> inService) {
        return (int) report.instances().keySet().stream().filter(inService::contains).count();
    }

    /** {@code previous} was replaced by a newer pointer version: keep it as history, stop its command. */
    private void replaced(RolloutRecord previous, Instant now) {
        if (previous.state() == RolloutState.STARTING || previous.state() == RolloutState.ACTIVATING) {
            records.archive(previous.ended(RolloutState.SUPERSEDED, previous.instances(),
                    "replaced by a newer pointer version", now));
            if (!previous.commandId().isEmpty()) {
                cancelQuietly(previous.commandId(), previous.environment());
            }
        }
    }

    /**
     * Replaces the STARTING record {@code owner} holds with {@code next}, re-reading when the swap loses
     * (S3 can refuse a conditional write while another one on the key is in flight); false once the
     * record is no longer {@code owner}'s.
     */
    private boolean writeOwned(String environment, String owner, RolloutRecord next) {
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            Optional<Stored> stored = records.stored(environment)
                    .filter(s -> s.value().state() == RolloutState.STARTING && s.value().owner().equals(owner));
            if (stored.isEmpty()) {
                return false;
            }
            if (records.write(stored.get(), next)) {
                return true;
            }
        }
        return false;
    }

    private void cancelQuietly(String commandId, String environment) {
        try {
            commands.cancel(commandId);
        } catch (RuntimeException e) {
            // Not fatal: the newer command still runs on every instance; only an instance where the old one
            // happens to run last would end on the older release, and its invocation status shows that.
            Log.warn("could not cancel a replaced rollout's command: " + e.getMessage(),
                    Map.of("environment", environment, "commandId", commandId));
        }
    }

    private static String subject(String s) {
        return s.length() <= 100 ? s : s.substring(0, 99) + "…";
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    private static IllegalStateException contended(String environment) {
        return new IllegalStateException("the rollout record of " + environment + " kept changing under "
                + CAS_ATTEMPTS + " attempts; the trigger will retry");
    }
}

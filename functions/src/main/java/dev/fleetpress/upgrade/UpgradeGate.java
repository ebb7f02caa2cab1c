package dev.fleetpress.upgrade;

import dev.fleetpress.fleet.Alerts;
import dev.fleetpress.fleet.CommandRunner;
import dev.fleetpress.fleet.CommandStatus;
import dev.fleetpress.ledger.CompareAndSwap;
import dev.fleetpress.log.Log;
import dev.fleetpress.release.EnvironmentPointers;
import dev.fleetpress.release.Environments;
import dev.fleetpress.release.Manifest;
import dev.fleetpress.release.ReleaseId;
import dev.fleetpress.upgrade.UpgradeOutcome.Kind;
import dev.fleetpress.upgrade.UpgradeRecords.Stored;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Runs WordPress's database upgrade exactly once per (environment, release): {@code wp core update-db}
 * and the configured plugin upgraders, through the upgrade document on one instance that runs the release.
 *
 * <p>The claim is the gate record's create-if-absent (S3 {@code If-None-Match: *}): of any number of
 * concurrent triggers, one creates it and goes on; the others find it and stop. The claim carries a
 * lease. The holder picks an instance, sends the command, and swaps the record to RUNNING with a lease
 * that covers the command's timeout; the command's final status (its event, or a poll by a later trigger
 * once the lease expired) decides SUCCEEDED or FAILED. A holder that dies leaves its claim until the lease
 * expires; then exactly one successor takes it over, by compare-and-swap. An instance that could not run
 * the command (terminated, undeliverable, cancelled) does not fail the upgrade: the gate is claimed again
 * for another instance, at most {@link UpgradeConfig#maxAttempts()} times.
 *
 * <p>Success raises the environment's recorded database version (what {@link DatabaseGuard} compares);
 * failure blocks the environment's promotions and alerts, both before the record turns final, so a retried
 * trigger finishes them (an alert may repeat, never vanish). Triggers for a release the environment no
 * longer runs end SUPERSEDED: the newer release's upgrade covers the older one.
 *
 * <p>One window is not closed: a holder that dies after SendCommand answered and before it recorded the
 * command leaves a command nobody tracks, and its successor sends another one after the claim lease. The
 * upgrade commands are idempotent (a second {@code wp core update-db} finds the database current), so the
 * database still changes once.
 */
public final class UpgradeGate {
    private static final int CAS_ATTEMPTS = CompareAndSwap.ATTEMPTS;
    private static final Set<String> INSTANCE_COULD_NOT_RUN = Set.of("Cancelled", "Canceled", "Undeliverable",
            "Terminated", "DeliveryTimedOut", "InvalidPlatform", "AccessDenied");

    private final UpgradeConfig config;
    private final UpgradeRecords records;
    private final CommandRunner commands;
    private final ReleaseInstances instances;
    private final EnvironmentPointers pointers;
    private final Function<ReleaseId, Optional<Manifest>> manifests;
    private final Alerts alerts;
    private final Supplier<String> owners;
    private final Clock clock;

    private UpgradeGate(UpgradeConfig config, UpgradeRecords records, CommandRunner commands, ReleaseInstances instances,
                        EnvironmentPointers pointers, Function<ReleaseId, Optional<Manifest>> manifests, Alerts alerts,
                        Supplier<String> owners, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.records = Objects.requireNonNull(records, "records");
        this.commands = Objects.requireNonNull(commands, "commands");
        this.instances = Objects.requireNonNull(instances, "instances");
        this.pointers = Objects.requireNonNull(pointers, "pointers");
        this.manifests = Objects.requireNonNull(manifests, "manifests");
        this.alerts = Objects.requireNonNull(alerts, "alerts");
        this.owners = Objects.requireNonNull(owners, "owners");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @param manifests the recorded release's manifest, empty when the release is not recorded
     * @param owners    a fresh, unique claim owner per call (a random UUID on AWS)
     */
    public static UpgradeGate of(UpgradeConfig config, UpgradeRecords records, CommandRunner commands,
                                 ReleaseInstances instances, EnvironmentPointers pointers,
                                 Function<ReleaseId, Optional<Manifest>> manifests, Alerts alerts,
                                 Supplier<String> owners, Clock clock) {
        return new UpgradeGate(config, records, commands, instances, pointers, manifests, alerts, owners, clock);
    }

    public UpgradeRecords records() {
        return records;
    }

    /** Runs the upgrade of {@code release} in {@code environment} unless it ran, runs, or was superseded. Repeats are harmless. */
    public UpgradeOutcome trigger(String environment, ReleaseId release) {
        Environments.requireValid(environment);
        Optional<ReleaseId> current = pointers.current(environment);
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            Instant now = clock.instant();
            Optional<Stored<UpgradeRecord>> stored = records.stored(environment, release);
            if (stored.isEmpty()) {
                if (!current.map(release::equals).orElse(false)) {
                    return new UpgradeOutcome(Kind.SUPERSEDED, environment, release.value(), "", "", environment
                            + " runs " + current.map(ReleaseId::value).orElse("nothing") + ", not " + release
                            + ": that release's upgrade covers it");
                }
                Optional<Manifest> manifest = manifests.apply(release);
                if (manifest.isEmpty()) {
                    return new UpgradeOutcome(Kind.IGNORED, environment, release.value(), "", "", "release " + release
                            + " is not recorded; only recorded releases are upgraded to");
                }
                long dbVersion = manifest.get().wordpress() == null ? 0 : manifest.get().wordpress().dbVersion();
                String owner = owners.get();
                if (records.create(UpgradeRecord.claim(environment, release.value(), dbVersion, 1, owner, now,
                        now.plus(config.claimLease()), "claimed by " + owner))) {
                    return runAsOwner(environment, release, owner);
                }
                continue;
            }
            UpgradeRecord r = stored.get().value();
            if (r.state().isFinal()) {
                return UpgradeOutcome.of(Kind.DUPLICATE, r, "the upgrade of " + release + " in " + environment
                        + " is already " + r.state() + ": " + r.reason());
            }
            if (!r.leaseExpired(now) && r.state() != UpgradeState.WAITING) {
                return UpgradeOutcome.of(Kind.IN_PROGRESS, r, "held by " + r.owner() + " until " + r.leaseUntil()
                        + " (" + r.state() + ")");
            }
            if (r.state() == UpgradeState.RUNNING) {
                // The holder's lease is over: the command's own status says how it went.
                String status = commands.status(r.commandId(), r.instanceId());
                if (CommandStatus.isFinal(status)) {
                    UpgradeOutcome outcome = apply(stored.get(), status);
                    if (outcome != null) {
                        return outcome;
                    }
                    continue;
                }
                if (records.replace(stored.get(), r.leaseExtended(now, now.plus(config.claimLease())))) {
                    return UpgradeOutcome.of(Kind.IN_PROGRESS, r, "command " + r.commandId() + " is still " + status
                            + " on " + r.instanceId());
                }
                continue;
            }
            if (!current.map(release::equals).orElse(false)) {
                if (records.replace(stored.get(), r.moved(UpgradeState.SUPERSEDED, environment + " moved on to "
                        + current.map(ReleaseId::value).orElse("nothing") + " before the upgrade ran", now))) {
                    return UpgradeOutcome.of(Kind.SUPERSEDED, r, environment + " moved on before " + release
                            + "'s upgrade ran");
                }
                continue;
            }
            // Only commands an instance could not finish count: waiting for an instance never fails a gate.
            if (!r.commandId().isEmpty() && r.attempt() >= config.maxAttempts()) {
                UpgradeOutcome outcome = failOnce(stored.get(), "no instance completed the upgrade command in "
                        + r.attempt() + " attempts (last: " + r.reason() + ")");
                if (outcome != null) {
                    return outcome;
                }
                continue;
            }
            String owner = owners.get();
            String why = r.state() == UpgradeState.WAITING ? "claimed again after: " + r.reason()
                    : "taken over from " + r.owner() + ", whose lease expired at " + r.leaseUntil();
            if (records.replace(stored.get(), r.reclaimed(owner, now, now.plus(config.claimLease()), why))) {
                return runAsOwner(environment, release, owner);
            }
        }
        throw new IllegalStateException("the upgrade gate of " + release + " in " + environment + " kept changing under "
                + CAS_ATTEMPTS + " attempts; the trigger will retry");
    }

    /** The final status of an upgrade command (its EventBridge event). Unknown commands and repeats are ignored. */
    public UpgradeOutcome onCommandStatus(String commandId, String status) {
        CommandStatus.requireKnown(status);
        Optional<UpgradeRecords.CommandIndex> index = records.command(commandId);
        if (index.isEmpty()) {
            return new UpgradeOutcome(Kind.IGNORED, "", "", commandId, "", "command " + commandId
                    + " is not an upgrade FleetPress recorded; a lost record is found by the next reconciliation");
        }
        if (!CommandStatus.isFinal(status)) {
            return new UpgradeOutcome(Kind.IN_PROGRESS, index.get().environment(), index.get().release(), commandId, "",
                    "command " + commandId + " is " + status);
        }
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            Optional<Stored<UpgradeRecord>> stored = records.stored(index.get().environment(),
                    ReleaseId.of(index.get().release()));
            if (stored.isEmpty() || stored.get().value().state() != UpgradeState.RUNNING
                    || !stored.get().value().commandId().equals(commandId)) {
                UpgradeRecord r = stored.map(Stored::value).orElse(null);
                return new UpgradeOutcome(Kind.DUPLICATE, index.get().environment(), index.get().release(), commandId, "",
                        "the gate is " + (r == null ? "gone" : r.state() + " with command '" + r.commandId() + "'")
                                + "; this status changes nothing");
            }
            UpgradeOutcome outcome = apply(stored.get(), status);
            if (outcome != null) {
                return outcome;
            }
        }
        throw new IllegalStateException("the upgrade gate of command " + commandId + " kept changing; the trigger will retry");
    }

    /** Lifts the block a failed upgrade put on {@code environment}; returns the database record as written. */
    public DatabaseRecord acknowledge(String environment, String by) {
        DatabaseRecord after = records.acknowledge(environment, by);
        Log.info("upgrade failure acknowledged", Map.of("environment", environment, "by", by,
                "release", after.acknowledgedRelease()));
        return after;
    }

    /** A final status for the RUNNING record in {@code stored}; null when the record changed under us (read again). */
    private UpgradeOutcome apply(Stored<UpgradeRecord> stored, String status) {
        UpgradeRecord r = stored.value();
        Instant now = clock.instant();
        if (CommandStatus.isSuccess(status)) {
            // The fact first (idempotent), then the record: a retry after a crash in between finishes it.
            records.updateDatabase(r.environment(), db -> db.upgraded(r.dbVersion(), r.release(), now));
            if (records.replace(stored, r.moved(UpgradeState.SUCCEEDED, "upgrade command " + r.commandId()
                    + " succeeded on " + r.instanceId() + " (db version " + r.dbVersion() + ")", now))) {
                Log.info("database upgraded", UpgradeOutcome.of(Kind.SUCCEEDED, r, "").keys());
                return UpgradeOutcome.of(Kind.SUCCEEDED, r, "the database of " + r.environment() + " is upgraded for "
                        + r.release() + " (db version " + r.dbVersion() + "), once, on " + r.instanceId());
            }
            return null;
        }
        if (INSTANCE_COULD_NOT_RUN.contains(status)) {
            String why = "command " + r.commandId() + " ended " + status + " on " + r.instanceId()
                    + " (the instance could not run it)";
            if (!records.replace(stored, r.moved(UpgradeState.WAITING, why, now))) {
                return null;
            }
            UpgradeOutcome next = trigger(r.environment(), ReleaseId.of(r.release()));
            return new UpgradeOutcome(Kind.RETRYING, r.environment(), r.release(), next.commandId(), next.instanceId(),
                    why + "; " + next.message());
        }
        return failOnce(stored, "upgrade command " + r.commandId() + " ended " + status + " on " + r.instanceId()
                + "; its output is in SSM Run Command's history");
    }

    private UpgradeOutcome failOnce(Stored<UpgradeRecord> stored, String why) {
        UpgradeRecord r = stored.value();
        Instant now = clock.instant();
        records.updateDatabase(r.environment(), db -> db.blockedBy(r.release(), why, now));
        alerts.publish(subject("FleetPress: database upgrade failed in " + r.environment()), "The database upgrade of "
                + r.release() + " in " + r.environment() + " failed: " + why + ".\nPromotions to " + r.environment()
                + " are blocked until `fleetpress upgrade ack " + r.environment() + "`.");
        if (!records.replace(stored, r.moved(UpgradeState.FAILED, why, now))) {
            return null;
        }
        Map<String, Object> keys = new LinkedHashMap<>(UpgradeOutcome.of(Kind.FAILED, r, "").keys());
        keys.put("reason", why);
        Log.error("database upgrade failed; environment blocked", keys);
        return UpgradeOutcome.of(Kind.FAILED, r, why);
    }

    /** Holding a fresh claim: choose an instance, send, record. */
    private UpgradeOutcome runAsOwner(String environment, ReleaseId release, String owner) {
        Stored<UpgradeRecord> claim = records.stored(environment, release)
                .filter(s -> s.value().owner().equals(owner) && s.value().state() == UpgradeState.CLAIMED)
                .orElse(null);
        if (claim == null) {
            return new UpgradeOutcome(Kind.IN_PROGRESS, environment, release.value(), "", "",
                    "the claim moved on before it could be used; its new holder goes on");
        }
        UpgradeRecord r = claim.value();
        Instant now = clock.instant();
        List<String> candidates = instances.running(environment, release);
        if (candidates.isEmpty()) {
            String why = "no InService instance of " + environment + " runs " + release + " yet";
            replaceOwned(environment, release, owner, c -> c.moved(UpgradeState.WAITING, why, now));
            return UpgradeOutcome.of(Kind.WAITING, r, why + "; reconciliation claims again");
        }
        String instance = candidates.get((r.attempt() - 1) % candidates.size());
        CommandRunner.SendResult sent = commands.send(new CommandRunner.Command(instance, config.document(), Map.of(
                "ReleaseId", release.value(), "Environment", environment, "PluginUpgraders", config.pluginUpgraders()),
                "fleetpress upgrade " + environment + " " + release + " attempt " + r.attempt()));
        if (sent instanceof CommandRunner.NotReady notReady) {
            String why = instance + " could not take the upgrade command: " + notReady.detail();
            replaceOwned(environment, release, owner, c -> c.moved(UpgradeState.WAITING, why, now));
            return UpgradeOutcome.of(Kind.WAITING, r, why);
        }
        String commandId = ((CommandRunner.Sent) sent).commandId();
        records.index(commandId, environment, release);
        UpgradeRecord running = r.running(commandId, instance, now, now.plus(config.runLease()));
        if (!replaceOwned(environment, release, owner, c -> c.running(commandId, instance, now, now.plus(config.runLease())))) {
            Log.warn("upgrade command sent but the claim was taken over meanwhile; both runs are idempotent",
                    Map.of("environment", environment, "release", release.value(), "commandId", commandId));
        }
        Log.info("database upgrade sent", UpgradeOutcome.of(Kind.SENT, running, "").keys());
        return UpgradeOutcome.of(Kind.SENT, running, "upgrade of " + release + " in " + environment + " sent to "
                + instance + " as command " + commandId + " (attempt " + r.attempt() + ")");
    }

    /**
     * Swaps the claim {@code owner} holds, re-reading when the swap loses (S3 can refuse a conditional
     * write while another one on the key is in flight, even when that one fails); false once the claim
     * is no longer {@code owner}'s.
     */
    private boolean replaceOwned(String environment, ReleaseId release, String owner,
                                 java.util.function.UnaryOperator<UpgradeRecord> change) {
        return CompareAndSwap.whileHeld(() -> records.stored(environment, release)
                        .filter(s -> s.value().owner().equals(owner) && s.value().state() == UpgradeState.CLAIMED),
                s -> records.replace(s, change.apply(s.value())));
    }

    private static String subject(String s) {
        return s.length() <= 100 ? s : s.substring(0, 99) + "…";
    }

    /**
     * @param document        the upgrade SSM document
     * @param pluginUpgraders {@code slug=wp words} pairs, comma-separated, run when the plugin is active
     * @param claimLease      how long a claim holder has to send the command
     * @param runLease        how long a sent command may run before a successor polls it (≥ the document's timeout)
     * @param maxAttempts     instances tried before the upgrade is declared failed
     */
    public record UpgradeConfig(String document, String pluginUpgraders, Duration claimLease, Duration runLease,
                                int maxAttempts) {
        private static final Pattern UPGRADERS = Pattern.compile("^([a-z0-9-]{1,64}=[a-z0-9 :_-]{1,64}(,[a-z0-9-]{1,64}=[a-z0-9 :_-]{1,64}){0,19})?$");

        public UpgradeConfig {
            Objects.requireNonNull(document, "document");
            if (pluginUpgraders == null || !UPGRADERS.matcher(pluginUpgraders).matches()) {
                throw new IllegalArgumentException("PLUGIN_UPGRADERS '" + pluginUpgraders + "' must be slug=wp words pairs "
                        + "separated by commas, for example woocommerce=wc update");
            }
            if (claimLease.isNegative() || claimLease.isZero() || runLease.compareTo(claimLease) < 0) {
                throw new IllegalArgumentException("upgrade leases must be positive and the run lease at least the claim lease");
            }
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("UPGRADE_MAX_ATTEMPTS must be at least 1");
            }
        }
    }
}

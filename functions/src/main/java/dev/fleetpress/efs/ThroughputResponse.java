package dev.fleetpress.efs;

import dev.fleetpress.efs.EfsOutcome.Kind;
import dev.fleetpress.efs.FileSystemRecord.Alarm;
import dev.fleetpress.efs.FileSystemRecord.Change;
import dev.fleetpress.efs.FileSystemRecord.HistoryEntry;
import dev.fleetpress.efs.FileSystemRecord.Incident;
import dev.fleetpress.fleet.Alerts;
import dev.fleetpress.ledger.CompareAndSwap;
import dev.fleetpress.ledger.LedgerException;
import dev.fleetpress.ledger.VersionedRecords;
import dev.fleetpress.ledger.VersionedRecords.Stored;
import dev.fleetpress.log.Log;
import dev.fleetpress.release.Environments;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Keeps a file system's throughput mode where its credit alarm says it should be, within EFS's rule of
 * one restricted change (a mode change, a provisioned decrease) per 24 hours.
 *
 * <p>Every input first records what it says in the file system's ledger record ({@link #onAlarm}: the
 * alarm's state, ordered by the alarm's own state timestamp, so late, repeated or out-of-order events
 * change nothing) and then {@link #converge converges}: the wanted mode follows from the record (ALARM:
 * the response mode; OK for the cooldown with return to bursting on: bursting), the current mode from
 * EFS. A restricted change is made only when the ledger's last one is 24 hours old and EFS has not
 * named a later time; it is claimed in the record (compare-and-swap) before EFS is asked, so concurrent
 * runs never make two. EFS's TooManyRequests is recorded with the time it names; other EFS errors
 * release the claim and propagate, so the event is retried. Converging is idempotent, which is what
 * makes a retried event finish what a failed one started (the change, the exit plan, the notification)
 * without doing any of it twice.
 *
 * <p>An ALARM opens an incident (or reopens the last one when it closed less than the cooldown ago:
 * a flapping alarm is one incident); each incident starts the environment's exit plan once and is
 * notified once, after the response, so the message says what was done.
 */
public final class ThroughputResponse {
    /** How long a change claim protects a caller that is asking EFS; a claim older than this is stale. */
    static final Duration CLAIM_LEASE = Duration.ofMinutes(2);
    /** When TooManyRequests names no time, try again after this. */
    static final Duration UNNAMED_RETRY = Duration.ofHours(1);
    private static final DateTimeFormatter INCIDENT_ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final EfsConfig config;
    private final EfsRecords records;
    private final FileSystems efs;
    private final CreditMetrics metrics;
    private final AlarmStates alarms;
    private final Alerts alerts;
    private final ExitPlanStarter exitPlans;
    private final Supplier<String> owners;
    private final Clock clock;

    private ThroughputResponse(EfsConfig config, EfsRecords records, FileSystems efs, CreditMetrics metrics,
                               AlarmStates alarms, Alerts alerts, ExitPlanStarter exitPlans, Supplier<String> owners,
                               Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.records = Objects.requireNonNull(records, "records");
        this.efs = Objects.requireNonNull(efs, "efs");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.alarms = Objects.requireNonNull(alarms, "alarms");
        this.alerts = Objects.requireNonNull(alerts, "alerts");
        this.exitPlans = Objects.requireNonNull(exitPlans, "exitPlans");
        this.owners = Objects.requireNonNull(owners, "owners");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public static ThroughputResponse of(EfsConfig config, EfsRecords records, FileSystems efs, CreditMetrics metrics,
                                        AlarmStates alarms, Alerts alerts, ExitPlanStarter exitPlans,
                                        Supplier<String> owners, Clock clock) {
        return new ThroughputResponse(config, records, efs, metrics, alarms, alerts, exitPlans, owners, clock);
    }

    public EfsConfig config() {
        return config;
    }

    // ---------------------------------------------------------------- alarm events

    /** A {@code CloudWatch Alarm State Change} of one of the stack's credit alarms (or anything else, ignored). */
    public EfsOutcome onAlarm(AlarmEvent event) {
        String name = event.alarmName();
        if (!name.startsWith(config.alarmPrefix())) {
            return EfsOutcome.simple(Kind.IGNORED, "alarm " + EfsIds.shorten(name) + " is not one of this stack's EFS credit "
                    + "alarms (" + config.alarmPrefix() + "<environment>): nothing changed");
        }
        String environment = name.substring(config.alarmPrefix().length());
        if (!Environments.isValid(environment)) {
            return EfsOutcome.simple(Kind.IGNORED, "alarm " + EfsIds.shorten(name) + " names no valid environment: nothing changed");
        }
        Optional<String> configured = config.fileSystemOf(environment);
        if (configured.isEmpty()) {
            return new EfsOutcome(Kind.IGNORED, environment, "", "alarm " + name + " is for " + environment
                    + ", which has no file system in EFS_FILE_SYSTEMS: nothing changed");
        }
        String fs = configured.get();
        if (event.fileSystemIds().isEmpty()) {
            return new EfsOutcome(Kind.IGNORED, environment, fs, "alarm " + name + " names no FileSystemId dimension in its "
                    + "metrics, so it cannot be checked against " + fs + ": nothing changed");
        }
        if (event.fileSystemIds().stream().anyMatch(id -> !id.equals(fs))) {
            return new EfsOutcome(Kind.IGNORED, environment, fs, "alarm " + name + " watches " + event.fileSystemIds()
                    + " but " + environment + "'s file system is " + fs + " (EFS_FILE_SYSTEMS): nothing changed; "
                    + "redeploy so that the alarm and the function agree");
        }
        boolean fresh = record(fs, environment, event.state(), event.stateTimestamp(), name);
        EfsOutcome converged = converge(environment);
        if (!fresh) {
            String message = "alarm state " + event.state() + " of " + event.stateTimestamp() + " is not newer than the one "
                    + "recorded: the event changed nothing";
            return converged.kind() == Kind.CHANGED || converged.kind() == Kind.EXIT_PLAN
                    ? new EfsOutcome(converged.kind(), environment, fs, message + "; finished what an earlier attempt started: "
                    + converged.message())
                    : new EfsOutcome(Kind.DUPLICATE, environment, fs, message);
        }
        return converged;
    }

    /**
     * Records the alarm's state unless the record holds one as new or newer; true if it was recorded.
     * Opens, reopens or closes the incident.
     */
    private boolean record(String fs, String environment, AlarmState state, Instant timestamp, String alarmName) {
        String key = EfsRecords.fileSystemKey(fs);
        VersionedRecords<FileSystemRecord> store = records.fileSystems();
        for (int i = 0; i < CompareAndSwap.ATTEMPTS; i++) {
            Instant now = clock.instant();
            Optional<Stored<FileSystemRecord>> stored = store.read(key);
            FileSystemRecord current = stored.map(Stored::value).orElse(FileSystemRecord.empty(fs, environment));
            if (!current.alarm().timestamp().equals(Instant.EPOCH) && !timestamp.isAfter(current.alarm().timestamp())) {
                return false;
            }
            FileSystemRecord next = applyAlarm(current, alarmName, state, timestamp, now);
            if (stored.isEmpty() ? store.create(key, next) : store.replace(key, stored.get(), next)) {
                Log.info("credit alarm " + state + " recorded", Map.of("environment", environment, "fileSystemId", fs,
                        "alarmTimestamp", timestamp.toString()));
                return true;
            }
        }
        throw contended(fs);
    }

    private FileSystemRecord applyAlarm(FileSystemRecord current, String alarmName, AlarmState state, Instant timestamp,
                                        Instant now) {
        Alarm previous = current.alarm();
        Instant okSince = state != AlarmState.OK ? Instant.EPOCH
                : previous.state().equals(AlarmState.OK.name()) ? previous.okSince() : timestamp;
        FileSystemRecord next = current.withAlarm(new Alarm(alarmName, state.name(), timestamp, now, okSince), now);
        List<Incident> incidents = new ArrayList<>(next.incidents());
        Optional<Incident> open = next.openIncident();
        if (state == AlarmState.ALARM && open.isEmpty()) {
            Incident last = incidents.isEmpty() ? null : incidents.get(incidents.size() - 1);
            if (last != null && timestamp.isBefore(last.closedAt().plus(config.cooldown()))) {
                incidents.set(incidents.size() - 1, last.reopenedAt(timestamp));
            } else {
                incidents.add(Incident.opened("inc-" + INCIDENT_ID.format(timestamp), now, timestamp));
            }
            return next.withIncidents(incidents, now);
        }
        if (state == AlarmState.OK && open.isPresent()) {
            return next.withLastIncident(open.get().closed(timestamp), now);
        }
        return next;
    }

    // ---------------------------------------------------------------- the schedule

    /**
     * The schedule: for each configured file system, samples its credits into the record, catches up
     * with an alarm state whose event was lost, and converges. One file system's trouble does not stop
     * the others.
     */
    public List<EfsOutcome> reconcile() {
        List<EfsOutcome> out = new ArrayList<>();
        config.fileSystems().forEach((environment, fs) -> {
            try {
                sample(environment, fs);
                heal(environment, fs);
                out.add(converge(environment));
            } catch (RuntimeException e) {
                Log.error("EFS reconciliation failed: " + e.getMessage(), Map.of("environment", environment,
                        "fileSystemId", fs));
                out.add(new EfsOutcome(Kind.FAILED, environment, fs, "failed: " + e.getMessage()));
            }
        });
        return out;
    }

    /** Adds the last hour's BurstCreditBalance averages to the record (the trend {@code efs status} shows). */
    void sample(String environment, String fs) {
        Instant now = clock.instant();
        List<CreditMetrics.CreditSample> fresh = metrics.balance(fs, now.minus(Duration.ofHours(1)), now);
        if (fresh.isEmpty()) {
            return;
        }
        records.fileSystems().put(EfsRecords.fileSystemKey(fs), () -> records.fileSystems()
                .read(EfsRecords.fileSystemKey(fs)).map(Stored::value).orElse(FileSystemRecord.empty(fs, environment))
                .withSamples(fresh, clock.instant()));
    }

    /** Records the alarm's current state when it is newer than the record's (its event was lost or is late). */
    private void heal(String environment, String fs) {
        String name = config.alarmName(environment);
        alarms.current(name).ifPresent(observed -> {
            if (record(fs, environment, observed.state(), observed.since(), name)) {
                Log.warn("credit alarm state " + observed.state() + " recorded from DescribeAlarms: its event was lost or is late",
                        Map.of("environment", environment, "fileSystemId", fs));
            }
        });
    }

    // ---------------------------------------------------------------- converging

    /**
     * Brings the environment's file system to the mode its record asks for, if the 24-hour rule allows,
     * then finishes the open incident's duties (exit plan, notification). Idempotent.
     */
    public EfsOutcome converge(String environment) {
        String fs = config.fileSystemOf(environment).orElseThrow(() -> new IllegalArgumentException(
                "environment " + environment + " has no file system in EFS_FILE_SYSTEMS"));
        Optional<FileSystemState> described = efs.describe(fs);
        if (described.isEmpty()) {
            Log.error("EFS has no file system " + fs, Map.of("environment", environment, "fileSystemId", fs));
            return new EfsOutcome(Kind.NOT_FOUND, environment, fs, "EFS has no file system " + fs + " (configured for "
                    + environment + " in EFS_FILE_SYSTEMS): nothing changed; fix the stack's "
                    + environment + " file system parameter");
        }
        FileSystemState actual = observe(environment, described.get());
        EfsOutcome outcome = changeIfWanted(environment, actual);
        return finishIncident(environment, fs, outcome);
    }

    /** Writes the mode EFS reported into the record when it differs; returns it. */
    private FileSystemState observe(String environment, FileSystemState actual) {
        update(actual.fileSystemId(), environment, r -> r.mode().equals(actual.mode().slug())
                && r.provisionedMibps() == actual.provisionedMibps() ? r
                : r.withMode(actual.mode().slug(), actual.provisionedMibps(), clock.instant()));
        return actual;
    }

    /** What the record asks for: empty when nothing is wanted. */
    private Optional<Wanted> wanted(FileSystemRecord r, Instant now) {
        if (r.alarm().state().equals(AlarmState.ALARM.name())) {
            return Optional.of(new Wanted(config.responseMode(),
                    config.responseMode() == ThroughputMode.PROVISIONED ? config.provisionedMibps() : 0,
                    "credit alarm ALARM since " + r.alarm().timestamp()));
        }
        if (r.alarm().state().equals(AlarmState.OK.name()) && config.returnToBursting()
                && !r.alarm().okSince().equals(Instant.EPOCH)) {
            Instant due = r.alarm().okSince().plus(config.cooldown());
            if (!now.isBefore(due) && creditsAllowBursting(r)) {
                return Optional.of(new Wanted(ThroughputMode.BURSTING, 0, "credit alarm OK since " + r.alarm().okSince()
                        + ", cooldown of " + config.cooldown().toHours() + " h passed: back to bursting"));
            }
        }
        return Optional.empty();
    }

    private record Wanted(ThroughputMode mode, double provisionedMibps, String reason) {
    }

    /**
     * Bursting runs on credits: going back makes sense only while the newest sample shows some and they are not
     * declining. (A time-to-exhaustion alarm also reads OK once the balance sits at zero, its rate being 0.)
     */
    private static boolean creditsAllowBursting(FileSystemRecord r) {
        return r.trend().map(t -> t.balanceBytes() > 0 && t.bytesPerHour() >= 0).orElse(true);
    }

    /** True when {@code actual} already serves what is wanted. */
    private static boolean satisfied(FileSystemState actual, Wanted wanted) {
        if (wanted.mode() == ThroughputMode.BURSTING) {
            return actual.mode() == ThroughputMode.BURSTING;
        }
        if (actual.mode() == ThroughputMode.BURSTING) {
            return false;
        }
        // Out of bursting, credits no longer limit the site; only a too-low provisioned rate is worth raising.
        return !(wanted.mode() == ThroughputMode.PROVISIONED && actual.mode() == ThroughputMode.PROVISIONED
                && actual.provisionedMibps() < wanted.provisionedMibps());
    }

    private static boolean restricted(FileSystemState actual, Wanted wanted) {
        return actual.mode() != wanted.mode() || (wanted.mode() == ThroughputMode.PROVISIONED
                && wanted.provisionedMibps() < actual.provisionedMibps());
    }

    private EfsOutcome changeIfWanted(String environment, FileSystemState actual) {
        String fs = actual.fileSystemId();
        for (int attempt = 0; attempt < CompareAndSwap.ATTEMPTS; attempt++) {
            Instant now = clock.instant();
            Optional<Stored<FileSystemRecord>> stored = records.fileSystems().read(EfsRecords.fileSystemKey(fs));
            if (stored.isEmpty()) {
                return new EfsOutcome(Kind.UNCHANGED, environment, fs, "no alarm state recorded yet: nothing to do");
            }
            FileSystemRecord r = stored.get().value();
            if (r.change().claimed()) {
                Optional<EfsOutcome> claim = settleClaim(environment, stored.get(), actual, now);
                if (claim.isPresent()) {
                    return claim.get();
                }
                continue;
            }
            Optional<Wanted> wanted = wanted(r, now);
            if (wanted.isEmpty()) {
                return new EfsOutcome(Kind.UNCHANGED, environment, fs, describeIdle(r, actual, now));
            }
            Wanted w = wanted.get();
            if (satisfied(actual, w)) {
                return new EfsOutcome(Kind.UNCHANGED, environment, fs, "already " + describe(actual) + ": nothing changed");
            }
            boolean restricted = restricted(actual, w);
            if (restricted && now.isBefore(r.nextRestrictedChangeAt())) {
                return new EfsOutcome(Kind.NOT_ALLOWED_YET, environment, fs, "wanted " + describe(w) + " (" + w.reason()
                        + ") but EFS allows the next throughput mode change at " + r.nextRestrictedChangeAt()
                        + " (one per 24 hours): it stays " + describe(actual) + " until then");
            }
            String owner = owners.get();
            List<Instant> changes = new ArrayList<>(r.restrictedChanges());
            if (restricted) {
                changes.add(now);
            }
            FileSystemRecord claimed = r.withChange(new Change(w.mode().slug(), w.provisionedMibps(), w.reason(), now, owner),
                    changes, now);
            if (!records.fileSystems().replace(EfsRecords.fileSystemKey(fs), stored.get(), claimed)) {
                continue;
            }
            return ask(environment, actual, w, restricted, now, owner);
        }
        throw contended(fs);
    }

    /** Holding the claim: asks EFS, records its answer and releases the claim. */
    private EfsOutcome ask(String environment, FileSystemState actual, Wanted w, boolean restricted, Instant claimedAt,
                           String owner) {
        String fs = actual.fileSystemId();
        FileSystems.ChangeResult result;
        try {
            result = efs.change(fs, w.mode(), w.provisionedMibps());
        } catch (RuntimeException e) {
            release(fs, environment, owner, restricted, claimedAt, new HistoryEntry(clock.instant(), actual.mode().slug(),
                    w.mode().slug(), w.provisionedMibps(), w.reason(), "FAILED", e.getMessage()), Instant.EPOCH);
            throw e;
        }
        Instant now = clock.instant();
        if (result instanceof FileSystems.Changed) {
            update(fs, environment, r -> owner.equals(r.change().owner())
                    ? r.withChange(Change.NONE, r.restrictedChanges(), now)
                    .withHistory(new HistoryEntry(now, actual.mode().slug(), w.mode().slug(), w.provisionedMibps(), w.reason(),
                            "CHANGED", ""), now)
                    .withMode(w.mode().slug(), w.provisionedMibps(), now) : r);
            Log.info("EFS throughput changed", Map.of("environment", environment, "fileSystemId", fs,
                    "from", actual.mode().slug(), "to", w.mode().slug(), "restricted", restricted));
            return new EfsOutcome(Kind.CHANGED, environment, fs, "switched " + fs + " from " + describe(actual) + " to "
                    + describe(w) + " (" + w.reason() + ")");
        }
        if (result instanceof FileSystems.NotAllowedYet refused) {
            Instant until = refused.allowedAt().equals(Instant.EPOCH) ? now.plus(UNNAMED_RETRY) : refused.allowedAt();
            release(fs, environment, owner, restricted, claimedAt, new HistoryEntry(now, actual.mode().slug(), w.mode().slug(),
                    w.provisionedMibps(), w.reason(), "NOT_ALLOWED_YET", refused.message()), until);
            return new EfsOutcome(Kind.NOT_ALLOWED_YET, environment, fs, "EFS refused the change to " + describe(w)
                    + " (TooManyRequests: a throughput mode change within 24 hours); allowed at " + until
                    + ", when the schedule tries again if it is still wanted");
        }
        FileSystems.NotFound missing = (FileSystems.NotFound) result;
        release(fs, environment, owner, restricted, claimedAt, new HistoryEntry(now, actual.mode().slug(), w.mode().slug(),
                w.provisionedMibps(), w.reason(), "FAILED", missing.message()), Instant.EPOCH);
        return new EfsOutcome(Kind.NOT_FOUND, environment, fs, "EFS has no file system " + fs + ": " + missing.message());
    }

    /** Releases {@code owner}'s claim: the restricted change it counted did not happen. */
    private void release(String fs, String environment, String owner, boolean restricted, Instant claimedAt,
                         HistoryEntry entry, Instant notAllowedUntil) {
        Instant now = clock.instant();
        update(fs, environment, r -> {
            if (!owner.equals(r.change().owner())) {
                return r;
            }
            List<Instant> changes = new ArrayList<>(r.restrictedChanges());
            if (restricted) {
                changes.remove(claimedAt);
            }
            FileSystemRecord next = r.withChange(Change.NONE, changes, now).withHistory(entry, now);
            return notAllowedUntil.equals(Instant.EPOCH) ? next : next.withNotAllowedUntil(notAllowedUntil, now);
        });
    }

    /**
     * A claim is in the record: its holder is at work (IN_PROGRESS), or it is stale: confirmed when EFS
     * shows its mode (the holder died after EFS accepted), dropped otherwise. Empty: look again.
     */
    private Optional<EfsOutcome> settleClaim(String environment, Stored<FileSystemRecord> stored, FileSystemState actual,
                                             Instant now) {
        FileSystemRecord r = stored.value();
        Change c = r.change();
        String fs = r.fileSystemId();
        boolean reached = actual.mode().slug().equals(c.target())
                && (actual.mode() != ThroughputMode.PROVISIONED || actual.provisionedMibps() == c.provisionedMibps());
        if (!reached && now.isBefore(c.claimedAt().plus(CLAIM_LEASE))) {
            return Optional.of(new EfsOutcome(Kind.IN_PROGRESS, environment, fs, "another run is changing " + fs + " to "
                    + c.target() + " (claimed at " + c.claimedAt() + ")"));
        }
        FileSystemRecord next;
        if (reached) {
            next = r.withChange(Change.NONE, r.restrictedChanges(), now).withHistory(new HistoryEntry(now, "", c.target(),
                    c.provisionedMibps(), c.reason(), "CHANGED", "confirmed from DescribeFileSystems after the run that "
                            + "asked ended without recording it"), now);
        } else {
            List<Instant> changes = new ArrayList<>(r.restrictedChanges());
            changes.remove(c.claimedAt());
            next = r.withChange(Change.NONE, changes, now).withHistory(new HistoryEntry(now, actual.mode().slug(), c.target(),
                    c.provisionedMibps(), c.reason(), "FAILED", "the run that claimed this change at " + c.claimedAt()
                            + " ended without EFS changing the mode; released"), now);
        }
        records.fileSystems().replace(EfsRecords.fileSystemKey(fs), stored, next);
        return Optional.empty();
    }

    private String describeIdle(FileSystemRecord r, FileSystemState actual, Instant now) {
        String state = r.alarm().state().isEmpty() ? "no alarm state yet" : "alarm " + r.alarm().state();
        if (r.alarm().state().equals(AlarmState.OK.name()) && config.returnToBursting()
                && actual.mode() != ThroughputMode.BURSTING && !creditsAllowBursting(r)) {
            return state + " but the newest credit sample shows none or a decline: stays " + describe(actual)
                    + " until credits recover";
        }
        if (r.alarm().state().equals(AlarmState.OK.name()) && config.returnToBursting()
                && actual.mode() != ThroughputMode.BURSTING) {
            return state + "; back to bursting after the cooldown, at " + r.alarm().okSince().plus(config.cooldown())
                    + " (then within the 24-hour rule): stays " + describe(actual) + " for now";
        }
        return state + "; " + describe(actual) + ": nothing to do";
    }

    // ---------------------------------------------------------------- incidents

    private EfsOutcome finishIncident(String environment, String fs, EfsOutcome outcome) {
        Optional<Incident> open = records.fileSystem(fs).flatMap(FileSystemRecord::openIncident);
        if (open.isEmpty()) {
            return outcome;
        }
        Incident incident = open.get();
        String response = responseText(outcome);
        if (!response.isEmpty() && (incident.response().isEmpty() || outcome.kind() == Kind.CHANGED)) {
            incident = updateIncident(fs, environment, incident.id(), i -> i.withResponse(response));
        }
        boolean exitPlanStarted = false;
        String plan = "";
        if (incident.exitPlanAt().equals(Instant.EPOCH)) {
            try {
                plan = exitPlans.startOnce(environment, "efs-alarm " + incident.id());
                Log.info("exit plan: " + plan, Map.of("environment", environment, "fileSystemId", fs, "incident", incident.id()));
                incident = updateIncident(fs, environment, incident.id(), i -> i.exitPlanStarted(clock.instant()));
                exitPlanStarted = true;
            } catch (RuntimeException e) {
                // The response and its notification must not wait for the exit plan: the schedule starts it later.
                plan = "the exit plan could not be started yet (" + e.getMessage() + "); the schedule tries again";
                Log.error(plan, Map.of("environment", environment, "fileSystemId", fs, "incident", incident.id()));
            }
        }
        Optional<String> owner = incident.notifiedAt().equals(Instant.EPOCH)
                ? claimNotification(fs, environment, incident.id()) : Optional.empty();
        if (owner.isPresent()) {
            FileSystemRecord r = records.fileSystem(fs).orElseThrow();
            Incident claimed = r.openIncident().orElse(incident);
            try {
                alerts.publish(subject("FleetPress: EFS burst credits running out for " + environment + " (" + fs + ")"),
                        notification(r, claimed, plan));
            } catch (RuntimeException e) {
                // Released at once, so the retried event (not only a run after the lease) sends it.
                updateIncident(fs, environment, incident.id(), i -> owner.get().equals(i.notifyOwner())
                        ? i.notifying("", Instant.EPOCH) : i);
                throw e;
            }
            updateIncident(fs, environment, incident.id(), i -> i.notified(clock.instant()));
        }
        if (exitPlanStarted && outcome.kind() == Kind.UNCHANGED) {
            return new EfsOutcome(Kind.EXIT_PLAN, environment, fs, outcome.message() + "; exit plan started");
        }
        return outcome;
    }

    /**
     * Claims the incident's notification (compare-and-swap), so that of concurrent runs (the alarm's event and the
     * schedule at the same moment) exactly one publishes it. A claim whose holder never recorded the notification
     * is taken over after {@link #CLAIM_LEASE}: a notification may then repeat, but is never lost.
     */
    private Optional<String> claimNotification(String fs, String environment, String id) {
        String owner = owners.get();
        Instant now = clock.instant();
        Incident written = updateIncident(fs, environment, id, i -> i.notifiedAt().equals(Instant.EPOCH)
                && (i.notifyOwner().isEmpty() || !now.isBefore(i.notifyClaimedAt().plus(CLAIM_LEASE)))
                ? i.notifying(owner, now) : i);
        return owner.equals(written.notifyOwner()) && written.notifiedAt().equals(Instant.EPOCH)
                ? Optional.of(owner) : Optional.empty();
    }

    private static String responseText(EfsOutcome outcome) {
        return switch (outcome.kind()) {
            case CHANGED, NOT_ALLOWED_YET, UNCHANGED, NOT_FOUND -> outcome.message();
            default -> "";
        };
    }

    private Incident updateIncident(String fs, String environment, String id, UnaryOperator<Incident> change) {
        FileSystemRecord written = update(fs, environment, r -> r.openIncident().filter(i -> i.id().equals(id))
                .map(i -> {
                    Incident changed = change.apply(i);
                    return changed == i ? r : r.withLastIncident(changed, clock.instant());
                }).orElse(r));
        return written.incidents().stream().filter(i -> i.id().equals(id)).reduce((a, b) -> b).orElseThrow();
    }

    private String notification(FileSystemRecord r, Incident incident, String plan) {
        StringBuilder m = new StringBuilder();
        m.append("The EFS credit alarm ").append(r.alarm().name()).append(" went to ALARM at ")
                .append(incident.alarmTimestamp()).append(": at their current rate of decline, the burst credits of ")
                .append(r.fileSystemId()).append(" (").append(r.environment())
                .append(") would run out within the configured hours. When they do, EFS throttles the file system to its ")
                .append("baseline throughput and the site slows down or stops.\n\n");
        m.append("Response: ").append(incident.response().isEmpty() ? "none recorded" : incident.response()).append(".\n");
        r.trend().ifPresent(t -> m.append(String.format(Locale.ROOT, "Credits: %.1f GiB at %s, changing %+.1f GiB/h%s.%n",
                t.balanceBytes() / GIB, t.at(), t.bytesPerHour() / GIB,
                t.hoursToExhaustion() >= 0 ? String.format(Locale.ROOT, " (about %.1f h left)", t.hoursToExhaustion()) : "")));
        m.append("EFS allows one throughput mode change per 24 hours; the next is allowed at ")
                .append(r.nextRestrictedChangeAt().equals(Instant.EPOCH) ? "any time" : r.nextRestrictedChangeAt().toString())
                .append(".\n");
        if (config.returnToBursting()) {
            m.append("Once the alarm has been OK for ").append(config.cooldown().toHours())
                    .append(" h, FleetPress returns the file system to bursting (within the same rule).\n");
        }
        m.append("\nExit plan off EFS for ").append(r.environment())
                .append(" (capture the live webroot as a release, promote it, migrate the uploads to S3, report; ")
                .append("nothing is deleted from EFS): ").append(exitPlanText(r.environment(), plan))
                .append(".\nFollow it with: fleetpress efs status ").append(r.environment()).append("\n");
        if (incident.reopened() > 0) {
            m.append("This incident reopened ").append(incident.reopened()).append(" time(s): the alarm is flapping.\n");
        }
        return m.toString();
    }

    private static final double GIB = 1024.0 * 1024 * 1024;

    /** What the notification says of the exit plan: what starting it answered, else its recorded state. */
    private String exitPlanText(String environment, String plan) {
        if (!plan.isEmpty()) {
            return plan;
        }
        return records.evacuation(environment).map(e -> e.state() + " at step " + e.step().slug()
                + (e.reason().isEmpty() ? "" : " (" + e.reason() + ")")).orElse("not started");
    }

    // ---------------------------------------------------------------- helpers

    /** Applies {@code change} to the record by compare-and-swap (a no-op when it returns its input). */
    private FileSystemRecord update(String fs, String environment, UnaryOperator<FileSystemRecord> change) {
        String key = EfsRecords.fileSystemKey(fs);
        for (int i = 0; i < CompareAndSwap.ATTEMPTS; i++) {
            Optional<Stored<FileSystemRecord>> stored = records.fileSystems().read(key);
            FileSystemRecord current = stored.map(Stored::value).orElse(FileSystemRecord.empty(fs, environment));
            FileSystemRecord next = change.apply(current);
            if (stored.isPresent() && next == current) {
                return current;
            }
            if (stored.isEmpty() ? records.fileSystems().create(key, next) : records.fileSystems().replace(key, stored.get(), next)) {
                return next;
            }
        }
        throw contended(fs);
    }

    private static String describe(FileSystemState s) {
        return s.mode() == ThroughputMode.PROVISIONED ? "provisioned at " + fmt(s.provisionedMibps()) + " MiB/s" : s.mode().slug();
    }

    private static String describe(Wanted w) {
        return w.mode() == ThroughputMode.PROVISIONED ? "provisioned at " + fmt(w.provisionedMibps()) + " MiB/s" : w.mode().slug();
    }

    private static String fmt(double mibps) {
        return mibps == Math.rint(mibps) ? Long.toString((long) mibps) : Double.toString(mibps);
    }

    private static String subject(String s) {
        return s.length() <= 100 ? s : s.substring(0, 99) + "…";
    }

    private static LedgerException contended(String fs) {
        return new LedgerException("the record of " + fs + " kept changing under " + CompareAndSwap.ATTEMPTS
                + " attempts; the trigger will retry");
    }
}

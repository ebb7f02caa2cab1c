package dev.fleetpress.efs;

import dev.fleetpress.efs.EfsOutcome.Kind;
import dev.fleetpress.efs.EvacuationRecord.Capture;
import dev.fleetpress.efs.EvacuationRecord.Migration;
import dev.fleetpress.efs.EvacuationRecord.Promotion;
import dev.fleetpress.efs.EvacuationRecord.State;
import dev.fleetpress.efs.EvacuationRecord.Step;
import dev.fleetpress.fleet.Alerts;
import dev.fleetpress.fleet.CommandRunner;
import dev.fleetpress.fleet.CommandStatus;
import dev.fleetpress.ledger.Ledger;
import dev.fleetpress.ledger.LedgerException;
import dev.fleetpress.ledger.VersionedRecords.Stored;
import dev.fleetpress.log.Log;
import dev.fleetpress.media.MigrationStarter;
import dev.fleetpress.release.Environments;
import dev.fleetpress.release.PromotionResult;
import dev.fleetpress.release.ReleaseId;
import dev.fleetpress.rollout.GroupMembers;
import dev.fleetpress.upgrade.ReleaseInstances;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The exit plan off EFS, one per environment ({@code efs/evacuations/<env>.json}):
 * <ol>
 *   <li><b>capture</b>: the capture document on one InService instance turns the live webroot (without
 *   uploads, caches and secrets) into a release; once its command succeeded, {@code captures/<id>.json}
 *   names the release, which is accepted (verified and recorded like a built one)</li>
 *   <li><b>promote</b>: the environment's pointer moves to it, so the rollout activates it on every
 *   instance and code is served from local disk (the database guard may refuse: the plan stops)</li>
 *   <li><b>migrate</b>: the media export of {@code <webroot>/wp-content/uploads}, as {@code fleetpress media migrate} starts it</li>
 *   <li><b>report</b>: {@code efs/reports/<env>.json}, refreshed until the migration's import is verified and every
 *   InService instance runs the captured release (the plan is DONE then)</li>
 * </ol>
 * Each step claims its work in the record (compare-and-swap) before sending anything, and re-sends with
 * the same id when a send was never answered, so a step repeated after a crash redoes nothing twice
 * (the capture of an unchanged webroot yields the same release; an export resumed with its id skips the
 * shards already uploaded). Nothing is ever deleted from EFS. A failed step stops the plan with its reason
 * and one alert; {@link #start} resumes it.
 */
public final class Evacuations implements ExitPlanStarter {
    /** A send claimed this long ago and never answered is sent again. */
    static final Duration SEND_LEASE = Duration.ofMinutes(2);
    private static final int SHARD_MEGABYTES = 64;
    private static final int MAX_MOVES = 8;
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final EfsConfig config;
    private final EfsRecords records;
    private final GroupMembers members;
    private final CommandRunner commands;
    private final Ledger captures;
    private final CapturedReleaseAcceptor acceptor;
    private final ReleasePromoter promoter;
    private final MigrationStarter migrations;
    private final ReleaseInstances running;
    private final Alerts alerts;
    private final Supplier<String> random;
    private final Clock clock;

    private Evacuations(EfsConfig config, EfsRecords records, GroupMembers members, CommandRunner commands, Ledger captures,
                        CapturedReleaseAcceptor acceptor, ReleasePromoter promoter, MigrationStarter migrations,
                        ReleaseInstances running, Alerts alerts, Supplier<String> random, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.records = Objects.requireNonNull(records, "records");
        this.members = Objects.requireNonNull(members, "members");
        this.commands = Objects.requireNonNull(commands, "commands");
        this.captures = Objects.requireNonNull(captures, "captures");
        this.acceptor = Objects.requireNonNull(acceptor, "acceptor");
        this.promoter = Objects.requireNonNull(promoter, "promoter");
        this.migrations = Objects.requireNonNull(migrations, "migrations");
        this.running = Objects.requireNonNull(running, "running");
        this.alerts = Objects.requireNonNull(alerts, "alerts");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @param captures the release bucket under {@code captures/} (keys {@code <capture-id>.json})
     * @param random   four lower-case letters or digits for fresh capture ids
     */
    public static Evacuations of(EfsConfig config, EfsRecords records, GroupMembers members, CommandRunner commands,
                                 Ledger captures, CapturedReleaseAcceptor acceptor, ReleasePromoter promoter,
                                 MigrationStarter migrations, ReleaseInstances running, Alerts alerts,
                                 Supplier<String> random, Clock clock) {
        return new Evacuations(config, records, members, commands, captures, acceptor, promoter, migrations, running, alerts,
                random, clock);
    }

    /**
     * The exit plans over AWS, configured by EfsFunction's environment variables (the CLI passes them as
     * {@code settings}): what {@code fleetpress efs evacuate <env>} calls {@link #start} on.
     */
    public static Evacuations create(dev.fleetpress.aws.DependencyFactory deps, dev.fleetpress.Settings settings) {
        return EfsServices.create(deps, settings).evacuations();
    }

    // ---------------------------------------------------------------- entry points

    /**
     * Starts the environment's exit plan, or resumes a stopped one (from the step that stopped; a failed
     * capture or export is sent again), then moves it as far as it goes now. What {@code fleetpress efs
     * evacuate <env>} calls. Returns the plan as recorded afterwards.
     */
    public EvacuationRecord start(String environment, String requestedBy) {
        requireGroup(environment);
        Instant now = clock.instant();
        String key = EfsRecords.evacuationKey(environment);
        if (!records.evacuations().create(key, EvacuationRecord.started(environment,
                config.fileSystemOf(environment).orElse(""), requestedBy, now))) {
            records.evacuations().replaceWhile(key, r -> r.state() == State.STOPPED, this::resumed);
        }
        advance(environment, Map.of());
        return records.evacuation(environment).orElseThrow();
    }

    /** For the alarm: starts the plan unless the environment has one in any state (then leaves it alone). */
    @Override
    public String startOnce(String environment, String requestedBy) {
        if (config.groups().groupOf(environment).isEmpty()) {
            return "no exit plan: " + environment + " has no group in FLEET_GROUPS";
        }
        String key = EfsRecords.evacuationKey(environment);
        boolean created = records.evacuations().create(key, EvacuationRecord.started(environment,
                config.fileSystemOf(environment).orElse(""), requestedBy, clock.instant()));
        String moved;
        try {
            moved = advance(environment, Map.of()).message();
        } catch (RuntimeException e) {
            // The plan is recorded; the schedule takes its first step when SSM, Auto Scaling or S3 answer again.
            moved = "its next step failed for now (" + e.getMessage() + "); the schedule tries again";
        }
        EvacuationRecord r = records.evacuation(environment).orElseThrow();
        return (created ? "exit plan started" : "exit plan already " + r.state() + " (since " + r.startedAt() + ", by "
                + r.requestedBy() + ")") + "; " + moved;
    }

    /** A command-level status event of the capture or the export document: moves the plan that sent it. */
    public EfsOutcome onCommandStatus(String commandId, String status) {
        CommandStatus.requireKnown(status);
        for (String environment : config.groups().environments()) {
            Optional<EvacuationRecord> r = records.evacuation(environment);
            if (r.isPresent() && (commandId.equals(r.get().capture().commandId())
                    || commandId.equals(r.get().migration().commandId()))) {
                return advance(environment, Map.of(commandId, status));
            }
        }
        return EfsOutcome.simple(Kind.IGNORED, "command " + commandId + " belongs to no exit plan (a `fleetpress media "
                + "migrate` export, or another stack's capture): nothing changed");
    }

    /** The schedule: moves every running plan on, whichever events were lost. */
    public List<EfsOutcome> reconcile() {
        List<EfsOutcome> out = new ArrayList<>();
        for (String environment : config.groups().environments()) {
            Optional<EvacuationRecord> r = records.evacuation(environment);
            if (r.isEmpty() || r.get().state() == State.STOPPED) {
                continue;
            }
            try {
                out.add(advance(environment, Map.of()));
            } catch (RuntimeException e) {
                Log.error("exit plan reconciliation failed: " + e.getMessage(), Map.of("environment", environment));
                out.add(new EfsOutcome(Kind.FAILED, environment, r.get().fileSystemId(), "failed: " + e.getMessage()));
            }
        }
        return out;
    }

    /**
     * Takes every step the plan can take now. {@code known} holds command statuses an event told (the
     * others are asked of SSM).
     */
    public EfsOutcome advance(String environment, Map<String, String> known) {
        Environments.requireValid(environment);
        String last = "";
        for (int i = 0; i < MAX_MOVES; i++) {
            Optional<Stored<EvacuationRecord>> stored = records.evacuations().read(EfsRecords.evacuationKey(environment));
            if (stored.isEmpty()) {
                return new EfsOutcome(Kind.IGNORED, environment, "", "no exit plan for " + environment);
            }
            EvacuationRecord r = stored.get().value();
            if (r.state() != State.RUNNING) {
                return outcome(r, last.isEmpty() ? "exit plan " + r.state() + (r.reason().isEmpty() ? "" : ": " + r.reason())
                        : last);
            }
            Move move = switch (r.step()) {
                case CAPTURE -> capture(stored.get(), known);
                case PROMOTE -> promote(stored.get());
                case MIGRATE -> migrate(stored.get(), known);
                case REPORT -> report(stored.get());
                case DONE -> new Move(false, "exit plan done");
            };
            last = move.message();
            if (!move.again()) {
                return outcome(records.evacuation(environment).orElse(r), move.message());
            }
        }
        return outcome(records.evacuation(environment).orElseThrow(), last);
    }

    /** {@code again}: the record moved (or a swap lost): look again. */
    private record Move(boolean again, String message) {
    }

    private EfsOutcome outcome(EvacuationRecord r, String message) {
        return new EfsOutcome(Kind.EXIT_PLAN, r.environment(), r.fileSystemId(), "exit plan " + r.state() + " at "
                + r.step().slug() + ": " + message);
    }

    // ---------------------------------------------------------------- step 1: capture

    private Move capture(Stored<EvacuationRecord> stored, Map<String, String> known) {
        EvacuationRecord r = stored.value();
        Capture c = r.capture();
        Instant now = clock.instant();
        if (c.captureId().isEmpty()) {
            String group = requireGroup(r.environment());
            List<String> inService = members.inService(group);
            if (inService.isEmpty()) {
                return wait(stored, "no InService instance in " + group + " to capture the webroot from");
            }
            String instance = MigrationStarter.choose(group, inService, "");
            String captureId = EfsIds.captureId("c-" + ID_TIME.format(now) + "-" + r.environment() + "-" + random.get());
            Capture claimed = new Capture(captureId, instance, "", "", now, "", 0, 0, false, "");
            if (!replace(stored, r.withCapture(claimed, now))) {
                return new Move(true, "another run claimed the capture");
            }
            return sendCapture(r.environment(), claimed);
        }
        if (c.commandId().isEmpty()) {
            if (now.isBefore(c.sentAt().plus(SEND_LEASE))) {
                return new Move(false, "capture " + c.captureId() + " is being sent to " + c.instanceId());
            }
            Capture reclaimed = new Capture(c.captureId(), c.instanceId(), "", "", now, "", 0, 0, false, "");
            if (!replace(stored, r.withCapture(reclaimed, now))) {
                return new Move(true, "another run re-sends the capture");
            }
            return sendCapture(r.environment(), reclaimed);
        }
        String status = status(c.commandId(), c.instanceId(), known);
        if (!CommandStatus.isFinal(status)) {
            if (!status.equals(c.status())) {
                replace(stored, r.withCapture(withStatus(c, status), now));
            }
            return new Move(false, "capture " + c.captureId() + " is " + status + " on " + c.instanceId());
        }
        if (!CommandStatus.isSuccess(status)) {
            return stop(stored, r.withCapture(withStatus(c, status), now), "the capture command " + c.commandId()
                    + " ended " + status + " on " + c.instanceId() + errorLine(c.commandId(), c.instanceId()));
        }
        Optional<String> json = captures.read(c.captureId() + ".json");
        if (json.isEmpty()) {
            return stop(stored, r.withCapture(withStatus(c, status), now), "the capture command " + c.commandId()
                    + " succeeded but wrote no captures/" + c.captureId() + ".json in the release bucket");
        }
        CaptureRecord capture;
        ReleaseId releaseId;
        try {
            capture = CaptureRecord.parse(json.get());
            releaseId = ReleaseId.of(capture.releaseId());
        } catch (IllegalArgumentException e) {
            return stop(stored, r.withCapture(withStatus(c, status), now), "captures/" + c.captureId()
                    + ".json is unreadable: " + e.getMessage());
        }
        CapturedReleaseAcceptor.Acceptance acceptance = acceptor.accept(c.captureId(), releaseId,
                "capture " + c.captureId() + " of " + c.instanceId());
        Capture done = new Capture(c.captureId(), c.instanceId(), c.commandId(), status, c.sentAt(), releaseId.value(),
                capture.files(), capture.bytes(), capture.webrootOnEfs(), acceptance.kind().name());
        if (!acceptance.accepted()) {
            return stop(stored, r.withCapture(done, now), "the captured release " + releaseId + " was not accepted: "
                    + acceptance.message());
        }
        if (!replace(stored, r.withCapture(done, now).with(State.RUNNING, Step.PROMOTE, "", now))) {
            return new Move(true, "the plan moved meanwhile");
        }
        Log.info("webroot captured as " + releaseId, Map.of("environment", r.environment(), "captureId", c.captureId(),
                "release", releaseId.value(), "acceptance", acceptance.kind().name()));
        return new Move(true, "captured the webroot as " + releaseId + " (" + acceptance.kind() + ")");
    }

    private Move sendCapture(String environment, Capture claimed) {
        CommandRunner.SendResult sent = commands.send(new CommandRunner.Command(claimed.instanceId(),
                config.captureDocument(), Map.of("CaptureId", claimed.captureId(), "ReleaseBucket", config.releaseBucket(),
                "Environment", environment, "WebrootPath", config.webrootPath()),
                "fleetpress efs capture " + environment + " " + claimed.captureId()));
        if (sent instanceof CommandRunner.NotReady notReady) {
            return new Move(false, "instance " + claimed.instanceId() + " cannot take the capture yet (" + notReady.detail()
                    + "); sent again after " + SEND_LEASE.toMinutes() + " min");
        }
        String commandId = ((CommandRunner.Sent) sent).commandId();
        boolean recorded = records.evacuations().replaceWhile(EfsRecords.evacuationKey(environment),
                r -> r.capture().captureId().equals(claimed.captureId()) && r.capture().commandId().isEmpty(),
                r -> r.withCapture(new Capture(claimed.captureId(), claimed.instanceId(), commandId, "Pending",
                        claimed.sentAt(), "", 0, 0, false, ""), clock.instant()));
        if (!recorded) {
            throw new LedgerException("the capture command " + commandId + " was sent but could not be recorded in "
                    + EfsRecords.evacuationKey(environment) + "; the capture is sent again after the lease");
        }
        return new Move(true, "capture " + claimed.captureId() + " sent to " + claimed.instanceId() + " as command "
                + commandId);
    }

    // ---------------------------------------------------------------- step 2: promote

    private Move promote(Stored<EvacuationRecord> stored) {
        EvacuationRecord r = stored.value();
        Instant now = clock.instant();
        ReleaseId releaseId = ReleaseId.of(r.capture().releaseId());
        PromotionResult result = promoter.promote(r.environment(), releaseId, "efs-evacuation");
        Promotion promotion = new Promotion(result.kind().name(), result.message(), now);
        if (result.kind() == PromotionResult.Kind.REFUSED) {
            return stop(stored, r.withPromotion(promotion, now), "promoting " + releaseId + " to " + r.environment()
                    + " was refused: " + result.message());
        }
        if (!replace(stored, r.withPromotion(promotion, now).with(State.RUNNING, Step.MIGRATE, "", now))) {
            return new Move(true, "the plan moved meanwhile");
        }
        return new Move(true, "promoted " + releaseId + " to " + r.environment() + " (" + result.kind() + ": "
                + result.message() + ")");
    }

    // ---------------------------------------------------------------- step 3: migrate

    private Move migrate(Stored<EvacuationRecord> stored, Map<String, String> known) {
        EvacuationRecord r = stored.value();
        Migration m = r.migration();
        Instant now = clock.instant();
        String group = requireGroup(r.environment());
        if (m.migrationId().isEmpty() || (m.commandId().isEmpty() && !now.isBefore(m.startedAt().plus(SEND_LEASE)))) {
            List<String> inService = members.inService(group);
            if (inService.isEmpty()) {
                return wait(stored, "no InService instance in " + group + " to export the uploads from");
            }
            String preferred = inService.contains(r.capture().instanceId()) ? r.capture().instanceId() : "";
            String instance = MigrationStarter.choose(group, inService, preferred);
            String id = m.migrationId().isEmpty() ? migrations.newId(r.environment()) : m.migrationId();
            Migration claimed = new Migration(id, instance, "", "", now);
            if (!replace(stored, r.withMigration(claimed, now))) {
                return new Move(true, "another run claimed the export");
            }
            return sendExport(r.environment(), group, claimed);
        }
        if (m.commandId().isEmpty()) {
            return new Move(false, "export " + m.migrationId() + " is being sent to " + m.instanceId());
        }
        String status = status(m.commandId(), m.instanceId(), known);
        if (!CommandStatus.isFinal(status)) {
            if (!status.equals(m.status())) {
                replace(stored, r.withMigration(withStatus(m, status), now));
            }
            return new Move(false, "export " + m.migrationId() + " is " + status + " on " + m.instanceId());
        }
        if (!CommandStatus.isSuccess(status)) {
            return stop(stored, r.withMigration(withStatus(m, status), now), "the media export command " + m.commandId()
                    + " ended " + status + " on " + m.instanceId() + errorLine(m.commandId(), m.instanceId())
                    + " (resuming sends it again with migration id " + m.migrationId() + ": uploaded shards are skipped)");
        }
        if (!replace(stored, r.withMigration(withStatus(m, status), now).with(State.RUNNING, Step.REPORT, "", now))) {
            return new Move(true, "the plan moved meanwhile");
        }
        return new Move(true, "uploads exported as migration " + m.migrationId());
    }

    private Move sendExport(String environment, String group, Migration claimed) {
        dev.fleetpress.media.MigrationStart started;
        try {
            started = migrations.start(new MigrationStarter.Request(environment, group, claimed.instanceId(),
                    claimed.migrationId(), SHARD_MEGABYTES, config.uploadsPath()));
        } catch (MigrationStarter.NotStarted e) {
            return new Move(false, e.getMessage() + "; sent again after " + SEND_LEASE.toMinutes() + " min");
        }
        boolean recorded = records.evacuations().replaceWhile(EfsRecords.evacuationKey(environment),
                r -> r.migration().migrationId().equals(claimed.migrationId()) && r.migration().commandId().isEmpty(),
                r -> r.withMigration(new Migration(claimed.migrationId(), claimed.instanceId(), started.commandId(),
                        "Pending", claimed.startedAt()), clock.instant()));
        if (!recorded) {
            throw new LedgerException("the export command " + started.commandId() + " was sent but could not be recorded in "
                    + EfsRecords.evacuationKey(environment) + "; it is sent again (same migration id) after the lease");
        }
        return new Move(true, "export of " + config.uploadsPath() + " sent to " + claimed.instanceId() + " as migration "
                + claimed.migrationId());
    }

    // ---------------------------------------------------------------- step 4: report

    private Move report(Stored<EvacuationRecord> stored) {
        EvacuationRecord r = stored.value();
        EvacuationReport report = buildReport(r);
        records.reports().put(EfsRecords.reportKey(r.environment()), () -> report);
        Instant now = clock.instant();
        // A later promotion (SUPERSEDED) means instances serve another release: from local disk all the same.
        boolean codeOffEfs = report.instancesReadingCode().isEmpty()
                || PromotionResult.Kind.SUPERSEDED.name().equals(r.promotion().result());
        if (report.migrationVerified() && codeOffEfs) {
            if (!replace(stored, r.with(State.DONE, Step.DONE, "", now))) {
                return new Move(true, "the plan moved meanwhile");
            }
            Log.info("exit plan done: " + report.summary(), Map.of("environment", r.environment()));
            return new Move(false, report.summary());
        }
        String why = !report.migrationVerified()
                ? "waiting for the import to verify migration " + r.migration().migrationId()
                : "waiting for the rollout of " + report.releaseId() + " to reach " + report.instancesReadingCode()
                + " (they still serve code from EFS)";
        if (!why.equals(r.reason())) {
            replace(stored, r.with(State.RUNNING, Step.REPORT, why, now));
        }
        return new Move(false, "report written; " + why);
    }

    EvacuationReport buildReport(EvacuationRecord r) {
        String group = requireGroup(r.environment());
        List<String> inService = members.inService(group);
        ReleaseId releaseId = ReleaseId.of(r.capture().releaseId());
        Set<String> runningIt = new HashSet<>(running.running(r.environment(), releaseId));
        List<String> readingCode = inService.stream().filter(id -> !runningIt.contains(id)).sorted().toList();
        int runningCount = (int) inService.stream().filter(runningIt::contains).count();
        MigrationStarter.Progress progress = migrations.progress(r.migration().migrationId());
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Left on EFS (nothing was deleted): the webroot %s (%,d files, %,d bytes at "
                        + "capture, now also release %s) and its uploads %s (%,d files, %,d bytes). ", config.webrootPath(),
                r.capture().files(), r.capture().bytes(), releaseId, config.uploadsPath(), progress.files(), progress.bytes()));
        if (readingCode.isEmpty()) {
            s.append(String.format(Locale.ROOT, "Code: all %d InService instance(s) run %s from local disk; none reads code "
                    + "from EFS. ", inService.size(), releaseId));
        } else {
            s.append(String.format(Locale.ROOT, "Code: %d of %d InService instance(s) run %s; %s still read code from EFS "
                    + "until the rollout reaches them. ", runningCount, inService.size(), releaseId, readingCode));
        }
        if (progress.reported()) {
            s.append(String.format(Locale.ROOT, "Uploads: %,d verified in S3, %,d rejected (see the migration's report.json). ",
                    progress.verified(), progress.rejected()));
        } else {
            s.append("Uploads: migration ").append(r.migration().migrationId()).append(" not verified yet. ");
        }
        s.append("WordPress still reads uploads from EFS until the offload plugin is configured (fleetpress media "
                + "configure ").append(r.environment()).append(").");
        return new EvacuationReport(r.environment(), r.fileSystemId(), clock.instant(), config.webrootPath(),
                r.capture().files(), r.capture().bytes(), releaseId.value(), inService.size(), runningCount, readingCode,
                config.uploadsPath(), r.migration().migrationId(), progress.files(), progress.bytes(), progress.reported(),
                progress.verified(), progress.rejected(), true, s.toString());
    }

    // ---------------------------------------------------------------- helpers

    private EvacuationRecord resumed(EvacuationRecord r) {
        Instant now = clock.instant();
        EvacuationRecord next = r.with(State.RUNNING, r.step(), "", now);
        if (r.step() == Step.CAPTURE) {
            // A failed capture is sent again under a new id (the same webroot gives the same release id).
            next = next.withCapture(Capture.NONE, now);
        } else if (r.step() == Step.MIGRATE) {
            // The same migration id: the export skips the shards it already uploaded.
            Migration m = r.migration();
            next = next.withMigration(new Migration(m.migrationId(), "", "", "", Instant.EPOCH), now);
        }
        return next;
    }

    private Move wait(Stored<EvacuationRecord> stored, String why) {
        EvacuationRecord r = stored.value();
        if (!why.equals(r.reason())) {
            replace(stored, r.with(State.RUNNING, r.step(), why, clock.instant()));
        }
        return new Move(false, why + "; the schedule tries again");
    }

    private Move stop(Stored<EvacuationRecord> stored, EvacuationRecord changed, String why) {
        Instant now = clock.instant();
        if (!replace(stored, changed.with(State.STOPPED, changed.step(), why, now))) {
            return new Move(true, "the plan moved meanwhile");
        }
        Log.error("exit plan stopped: " + why, Map.of("environment", changed.environment(), "step", changed.step().slug()));
        alerts.publish(subject("FleetPress: exit plan off EFS stopped for " + changed.environment()),
                "The exit plan off EFS for " + changed.environment() + " stopped at step " + changed.step().slug() + ": "
                        + why + ".\nNothing was deleted from EFS and the site keeps running as it was. Fix the cause, then "
                        + "resume the plan with: fleetpress efs evacuate " + changed.environment()
                        + "\nSee its state with: fleetpress efs status " + changed.environment());
        return new Move(false, "stopped: " + why);
    }

    private boolean replace(Stored<EvacuationRecord> stored, EvacuationRecord next) {
        return records.evacuations().replace(EfsRecords.evacuationKey(next.environment()), stored, next);
    }

    private String status(String commandId, String instanceId, Map<String, String> known) {
        String status = known.get(commandId);
        return status != null ? status : commands.status(commandId, instanceId);
    }

    private String errorLine(String commandId, String instanceId) {
        try {
            String err = commands.errorOutput(commandId, instanceId).strip();
            if (err.isEmpty()) {
                return "";
            }
            String[] lines = err.split("\n");
            String line = lines[lines.length - 1];
            return ": " + (line.length() > 300 ? line.substring(0, 300) + "…" : line);
        } catch (RuntimeException e) {
            return "";
        }
    }

    private String requireGroup(String environment) {
        Environments.requireValid(environment);
        return config.groups().groupOf(environment).orElseThrow(() -> new IllegalArgumentException("environment "
                + environment + " has no group in FLEET_GROUPS " + config.groups().environments()));
    }

    private static Capture withStatus(Capture c, String status) {
        return new Capture(c.captureId(), c.instanceId(), c.commandId(), status, c.sentAt(), c.releaseId(), c.files(),
                c.bytes(), c.webrootOnEfs(), c.acceptance());
    }

    private static Migration withStatus(Migration m, String status) {
        return new Migration(m.migrationId(), m.instanceId(), m.commandId(), status, m.startedAt());
    }

    private static String subject(String s) {
        return s.length() <= 100 ? s : s.substring(0, 99) + "…";
    }
}

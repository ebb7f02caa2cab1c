package dev.fleetpress.media.rewrite;

import dev.fleetpress.fleet.CommandRunner;
import dev.fleetpress.fleet.CommandStatus;
import dev.fleetpress.ledger.CompareAndSwap;
import dev.fleetpress.ledger.VersionedRecords.Stored;
import dev.fleetpress.media.rewrite.RewriteOutcome.Kind;
import dev.fleetpress.release.EnvironmentPointers;
import dev.fleetpress.release.ReleaseId;
import dev.fleetpress.upgrade.ReleaseInstances;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Rewrites a migrated environment's old media URLs in its database exactly once: {@code wp search-replace
 * <from> <to>} through the rewrite document on one InService instance that runs the environment's current
 * release.
 *
 * <p>A <b>dry run</b> ({@code --dry-run}) changes nothing and may repeat; its report is kept as the latest dry
 * run. The <b>real run</b> happens once per (environment, migration), through the ledger the database upgrade
 * gate uses: its record's create-if-absent is the claim (of any number of concurrent callers, one sends the
 * command), the claim carries a lease after which exactly one successor may take it over by compare-and-swap,
 * the holder swaps it to RUNNING with the command id, and the command's final status makes it SUCCEEDED (with
 * the replacement count) or FAILED (with the reason). Anyone may follow a RUNNING command to its end; the
 * first to record the end wins, the others read it. A second real run answers that it is already done.
 *
 * <p>Nothing is sent unless the migration's verification report says complete with nothing missing (every
 * old URL's file is in S3, or was refused with a reason), and, for the real run, a dry run with the same URLs
 * exists. An instance that could not take or run the command (agent not ready, terminated) changes nothing and
 * leaves the rewrite to be claimed again; a failed command is final until an explicit retry, which is safe:
 * {@link RewriteRequest} refuses a new base that contains the old one, so a repeated run finds nothing left.
 *
 * <p>The same window as the upgrade gate's stays open: a holder that dies after SendCommand answered and before
 * it recorded the command id leaves a command nobody follows; its successor sends another after the claim
 * lease, which replaces nothing the first did not (see above).
 */
public final class UrlRewrite {
    private static final Set<String> INSTANCE_COULD_NOT_RUN = Set.of("Cancelled", "Canceled", "Undeliverable",
            "Terminated", "DeliveryTimedOut", "InvalidPlatform", "AccessDenied");

    private final RewriteConfig config;
    private final RewriteRecords records;
    private final MigrationReports reports;
    private final EnvironmentPointers pointers;
    private final ReleaseInstances instances;
    private final CommandRunner commands;
    private final Supplier<String> owners;
    private final Clock clock;
    private final Pause pause;

    private UrlRewrite(RewriteConfig config, RewriteRecords records, MigrationReports reports, EnvironmentPointers pointers,
                       ReleaseInstances instances, CommandRunner commands, Supplier<String> owners, Clock clock, Pause pause) {
        this.config = Objects.requireNonNull(config, "config");
        this.records = Objects.requireNonNull(records, "records");
        this.reports = Objects.requireNonNull(reports, "reports");
        this.pointers = Objects.requireNonNull(pointers, "pointers");
        this.instances = Objects.requireNonNull(instances, "instances");
        this.commands = Objects.requireNonNull(commands, "commands");
        this.owners = Objects.requireNonNull(owners, "owners");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pause = Objects.requireNonNull(pause, "pause");
    }

    /**
     * @param instances the InService instances of an environment that run a release (the upgrade gate's)
     * @param owners    a fresh, unique claim owner per call (a random UUID)
     * @param pause     how to wait between two looks at a running command
     */
    public static UrlRewrite of(RewriteConfig config, RewriteRecords records, MigrationReports reports,
                                EnvironmentPointers pointers, ReleaseInstances instances, CommandRunner commands,
                                Supplier<String> owners, Clock clock, Pause pause) {
        return new UrlRewrite(config, records, reports, pointers, instances, commands, owners, clock, pause);
    }

    public RewriteRecords records() {
        return records;
    }

    /**
     * Runs {@code wp search-replace --dry-run} for {@code request} on one instance, waits for it and keeps its
     * report as the latest dry run. Read-only; repeats are fine.
     *
     * @throws IllegalArgumentException when the migration does not exist or belongs to another environment
     */
    public RewriteOutcome dryRun(RewriteRequest request) {
        Optional<RewriteOutcome> refusal = migrationRefusal(request);
        if (refusal.isPresent()) {
            return refusal.get();
        }
        Target target;
        try {
            target = target(request);
        } catch (Refused e) {
            return RewriteOutcome.refused(request, e.getMessage());
        }
        CommandRunner.SendResult sent = commands.send(command(request, target, true));
        if (sent instanceof CommandRunner.NotReady notReady) {
            return notRun(request, target.instance() + " could not take the dry run: " + notReady.detail()
                    + "; nothing ran, run the dry run again in a minute");
        }
        String commandId = ((CommandRunner.Sent) sent).commandId();
        String status = await(commandId, target.instance());
        if (!CommandStatus.isFinal(status)) {
            return new RewriteOutcome(Kind.IN_PROGRESS, request.environment(), request.migrationId(), commandId,
                    target.instance(), -1, ReplacementReport.NONE, "the dry run (command " + commandId + " on "
                    + target.instance() + ") is still " + status + "; run the dry run again later");
        }
        if (!CommandStatus.isSuccess(status)) {
            return new RewriteOutcome(INSTANCE_COULD_NOT_RUN.contains(status) ? Kind.NOT_RUN : Kind.FAILED,
                    request.environment(), request.migrationId(), commandId, target.instance(), -1, ReplacementReport.NONE,
                    "the dry run (command " + commandId + " on " + target.instance() + ") ended " + status
                            + lastLine(commands.errorOutput(commandId, target.instance())));
        }
        Optional<ReplacementReport> report = ReplacementReport.parse(commands.output(commandId, target.instance()))
                .filter(ReplacementReport::dryRun);
        if (report.isEmpty()) {
            return new RewriteOutcome(Kind.FAILED, request.environment(), request.migrationId(), commandId,
                    target.instance(), -1, ReplacementReport.NONE, "the dry run (command " + commandId + " on "
                    + target.instance() + ") succeeded but its output has no FLEETPRESS_RESULT dry_run=true line; "
                    + "is " + config.document() + " the rewrite document of this stack?");
        }
        records.putDryRun(new DryRunRecord(request.environment(), request.migrationId(), request.from(), request.to(),
                target.release().value(), target.instance(), commandId, report.get(), clock.instant()));
        Optional<RewriteRecord> real = records.rewrite(request.environment(), request.migrationId());
        String note = real.filter(r -> r.state() == RewriteState.SUCCEEDED)
                .map(r -> "; the real run was already done at " + r.updatedAt()).orElse("; apply it once with: "
                        + request.command(" --apply"));
        return new RewriteOutcome(Kind.DRY_RUN, request.environment(), request.migrationId(), commandId, target.instance(),
                report.get().total(), report.get(), "dry run on " + target.instance() + " (" + target.release() + "): "
                + count(report.get().total()) + " to be made" + note);
    }

    /**
     * Runs {@code wp search-replace} for {@code request} unless it ran (answers ALREADY_DONE), runs (follows it),
     * or another caller holds the claim (IN_PROGRESS). A FAILED rewrite is claimed again only with
     * {@code retryFailed}.
     *
     * @throws IllegalArgumentException when the migration does not exist or belongs to another environment
     */
    public RewriteOutcome apply(RewriteRequest request, boolean retryFailed) {
        for (int i = 0; i < CompareAndSwap.ATTEMPTS; i++) {
            Instant now = clock.instant();
            Optional<Stored<RewriteRecord>> stored = records.stored(request.environment(), request.migrationId());
            if (stored.isPresent()) {
                RewriteRecord r = stored.get().value();
                switch (r.state()) {
                    case SUCCEEDED:
                        return done(Kind.ALREADY_DONE, r, "already done at " + r.updatedAt() + ": "
                                + count(r.replacements()) + " (" + r.from() + " → " + r.to() + ", command " + r.commandId()
                                + " on " + r.instanceId() + "); a migration's URLs are rewritten once");
                    case RUNNING:
                        return follow(r);
                    case FAILED:
                        if (!retryFailed) {
                            return done(Kind.FAILED, r, "the rewrite failed at " + r.updatedAt() + ": " + r.reason()
                                    + "; once the cause is fixed, retry it: " + request.command(" --apply --retry-failed"));
                        }
                        break;
                    case CLAIMED:
                        if (!r.leaseExpired(now)) {
                            return done(Kind.IN_PROGRESS, r, "another fleetpress media rewrite-urls holds the claim until "
                                    + r.leaseUntil() + " (" + r.owner() + "); run the command again after that to follow it");
                        }
                        break;
                    case WAITING:
                        break;
                }
            }
            Optional<RewriteOutcome> refusal = migrationRefusal(request);
            if (refusal.isPresent()) {
                return refusal.get();
            }
            Target target;
            try {
                requireDryRun(request);
                target = target(request);
            } catch (Refused e) {
                return RewriteOutcome.refused(request, e.getMessage());
            }
            String owner = owners.get();
            Instant lease = now.plus(config.claimLease());
            boolean claimed;
            if (stored.isEmpty()) {
                claimed = records.claim(RewriteRecord.claim(request, owner, now, lease));
            } else {
                RewriteRecord r = stored.get().value();
                String why = switch (r.state()) {
                    case FAILED -> "retried after: " + r.reason();
                    case WAITING -> "claimed again after: " + r.reason();
                    default -> "taken over from " + r.owner() + ", whose lease expired at " + r.leaseUntil();
                };
                claimed = records.replace(stored.get(), r.reclaimed(request, owner, now, lease, why));
            }
            if (claimed) {
                return runAsOwner(request, owner, target);
            }
        }
        throw new IllegalStateException("the rewrite record of " + request.migrationId() + " in " + request.environment()
                + " kept changing under " + CompareAndSwap.ATTEMPTS + " attempts; run the command again");
    }

    /** Holding a fresh claim: send, record, follow. */
    private RewriteOutcome runAsOwner(RewriteRequest request, String owner, Target target) {
        String env = request.environment();
        String id = request.migrationId();
        CommandRunner.SendResult sent = commands.send(command(request, target, false));
        if (sent instanceof CommandRunner.NotReady notReady) {
            String why = target.instance() + " could not take the rewrite: " + notReady.detail();
            records.replaceWhile(env, id, r -> r.heldBy(owner), c -> c.moved(RewriteState.WAITING, why, clock.instant()));
            return notRun(request, why + "; nothing ran, run the command again in a minute");
        }
        String commandId = ((CommandRunner.Sent) sent).commandId();
        Instant now = clock.instant();
        boolean recorded = records.replaceWhile(env, id, r -> r.heldBy(owner),
                c -> c.running(commandId, target.instance(), target.release().value(), now, now.plus(config.runLease())));
        if (!recorded) {
            // Our claim expired and a successor took it meanwhile: its command and ours replace the same text once.
            return new RewriteOutcome(Kind.IN_PROGRESS, env, id, commandId, target.instance(), -1, ReplacementReport.NONE,
                    "command " + commandId + " was sent to " + target.instance() + " but the claim was taken over "
                            + "meanwhile; run the command again to follow the rewrite");
        }
        return follow(records.rewrite(env, id).filter(r -> r.commandId().equals(commandId)).orElseThrow(() ->
                new IllegalStateException("the rewrite record of " + id + " in " + env + " changed right after it was "
                        + "recorded; run the command again")));
    }

    /** Waits for a RUNNING record's command to end and records how it ended (unless someone else did). */
    private RewriteOutcome follow(RewriteRecord running) {
        String status = await(running.commandId(), running.instanceId());
        if (!CommandStatus.isFinal(status)) {
            return done(Kind.IN_PROGRESS, running, "command " + running.commandId() + " on " + running.instanceId()
                    + " is still " + status + "; run the command again to follow it");
        }
        return settle(running, status);
    }

    private RewriteOutcome settle(RewriteRecord running, String status) {
        String env = running.environment();
        String id = running.migrationId();
        String commandId = running.commandId();
        ReplacementReport report = ReplacementReport.NONE;
        String error = "";
        if (CommandStatus.isSuccess(status)) {
            report = ReplacementReport.parse(commands.output(commandId, running.instanceId()))
                    .filter(r -> !r.dryRun()).orElse(ReplacementReport.NONE);
        } else {
            error = lastLine(commands.errorOutput(commandId, running.instanceId()));
        }
        for (int i = 0; i < CompareAndSwap.ATTEMPTS; i++) {
            Optional<Stored<RewriteRecord>> stored = records.stored(env, id);
            RewriteRecord r = stored.map(Stored::value).orElse(null);
            if (r == null || r.state() != RewriteState.RUNNING || !r.commandId().equals(commandId)) {
                // Someone else recorded this command's end (or moved on): report what the record says.
                return r == null ? done(Kind.IN_PROGRESS, running, "the rewrite record disappeared; run the command again")
                        : outcomeOf(r, report, commandId);
            }
            Instant now = clock.instant();
            RewriteRecord next;
            if (CommandStatus.isSuccess(status)) {
                long count = report == ReplacementReport.NONE ? -1 : report.total();
                next = r.succeeded(count, "wp search-replace " + r.from() + " → " + r.to() + " made " + count(count)
                        + " on " + r.instanceId() + " (command " + commandId + ")", now);
            } else if (INSTANCE_COULD_NOT_RUN.contains(status)) {
                next = r.moved(RewriteState.WAITING, "command " + commandId + " ended " + status + " on " + r.instanceId()
                        + " (the instance could not run it)", now);
            } else {
                next = r.moved(RewriteState.FAILED, "command " + commandId + " ended " + status + " on " + r.instanceId()
                        + error, now);
            }
            if (records.replace(stored.get(), next)) {
                return outcomeOf(next, report, commandId);
            }
        }
        throw new IllegalStateException("the rewrite record of " + id + " in " + env + " kept changing; run the command again");
    }

    /** What a record that this call followed (command {@code followed}) says, as an outcome. */
    private RewriteOutcome outcomeOf(RewriteRecord r, ReplacementReport report, String followed) {
        boolean ours = r.commandId().equals(followed);
        return switch (r.state()) {
            case SUCCEEDED -> new RewriteOutcome(ours ? Kind.APPLIED : Kind.ALREADY_DONE, r.environment(), r.migrationId(),
                    r.commandId(), r.instanceId(), r.replacements(), ours ? report : ReplacementReport.NONE,
                    "rewrote " + r.from() + " → " + r.to() + " on " + r.instanceId() + " (" + r.release() + "): "
                            + count(r.replacements()) + ", once; recorded at " + r.updatedAt());
            case FAILED -> done(Kind.FAILED, r, "the rewrite failed: " + r.reason() + "; the database may be partly "
                    + "rewritten (wp-cli changes row by row); once the cause is fixed, run it again with --apply --retry-failed");
            case WAITING -> done(Kind.NOT_RUN, r, r.reason() + "; nothing ran there, run the command again to claim it anew");
            default -> done(Kind.IN_PROGRESS, r, "the rewrite is " + r.state() + ": " + r.reason());
        };
    }

    /** Polls until the command's status is final or the run lease is over; the last status seen. */
    private String await(String commandId, String instanceId) {
        Instant deadline = clock.instant().plus(config.runLease());
        while (true) {
            String status = commands.status(commandId, instanceId);
            if (CommandStatus.isFinal(status) || !clock.instant().isBefore(deadline)) {
                return status;
            }
            try {
                pause.pause(config.pollInterval());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return status;
            }
        }
    }

    /** Refuses (as an outcome) an unfinished or unverified migration; throws for one that does not fit the request. */
    private Optional<RewriteOutcome> migrationRefusal(RewriteRequest request) {
        Optional<MigrationReport> report = reports.report(request.migrationId());
        if (report.isEmpty()) {
            if (!reports.exists(request.migrationId())) {
                throw new IllegalArgumentException("there is no migration " + request.migrationId()
                        + " in the media bucket; list them with fleetpress media status " + request.environment());
            }
            return Optional.of(RewriteOutcome.refused(request, "migration " + request.migrationId() + " has no verification "
                    + "report yet (the export or import still runs); wait for it: fleetpress media status "
                    + request.environment() + " " + request.migrationId() + " --watch"));
        }
        MigrationReport r = report.get();
        if (!r.environment().isEmpty() && !r.environment().equals(request.environment())) {
            throw new IllegalArgumentException("migration " + request.migrationId() + " belongs to environment "
                    + r.environment() + ", not " + request.environment());
        }
        if (!r.completeWithNothingMissing()) {
            return Optional.of(RewriteOutcome.refused(request, "migration " + request.migrationId() + " is not complete ("
                    + r.missing() + " of " + r.entries() + " entries missing from S3): old URLs would point at files that "
                    + "are not there. Resume it (fleetpress media migrate " + request.environment() + " --id "
                    + request.migrationId() + ") until its report says complete"));
        }
        return Optional.empty();
    }

    private void requireDryRun(RewriteRequest request) {
        Optional<DryRunRecord> dry = records.dryRun(request.environment(), request.migrationId());
        if (dry.isEmpty()) {
            throw new Refused("no dry run of this rewrite yet: see what it would change first, with "
                    + request.command("") + " (without --apply)");
        }
        if (!dry.get().covers(request)) {
            throw new Refused("the last dry run (" + dry.get().ranAt() + ") was " + dry.get().from() + " → " + dry.get().to()
                    + ", not " + request.from() + " → " + request.to() + "; run the dry run with these URLs first: "
                    + request.command(""));
        }
    }

    private Target target(RewriteRequest request) {
        ReleaseId release = pointers.current(request.environment()).orElseThrow(() -> new Refused(request.environment()
                + " has no current release, so no instance serves its site"));
        List<String> running = instances.running(request.environment(), release);
        if (running.isEmpty()) {
            throw new Refused("no InService instance of " + request.environment() + " runs its current release " + release
                    + " yet; run the command again once one does (fleetpress status " + request.environment() + ")");
        }
        return new Target(release, running.get(0));
    }

    private CommandRunner.Command command(RewriteRequest request, Target target, boolean dryRun) {
        String comment = "fleetpress rewrite-urls " + request.environment() + " " + request.migrationId()
                + (dryRun ? " dry-run" : "");
        return new CommandRunner.Command(target.instance(), config.document(), Map.of("ReleaseId", target.release().value(),
                "From", request.from(), "To", request.to(), "DryRun", Boolean.toString(dryRun)),
                comment.length() <= 100 ? comment : comment.substring(0, 100));
    }

    private static RewriteOutcome done(Kind kind, RewriteRecord r, String message) {
        return new RewriteOutcome(kind, r.environment(), r.migrationId(), r.commandId(), r.instanceId(), r.replacements(),
                ReplacementReport.NONE, message);
    }

    private static RewriteOutcome notRun(RewriteRequest request, String message) {
        return new RewriteOutcome(Kind.NOT_RUN, request.environment(), request.migrationId(), "", "", -1,
                ReplacementReport.NONE, message);
    }

    static String count(long replacements) {
        if (replacements < 0) {
            return "an unknown number of replacements (the command's output did not say)";
        }
        return replacements == 1 ? "1 replacement" : replacements + " replacements";
    }

    /** ": <the last non-blank line of the command's stderr>", or "" when it printed none. */
    private static String lastLine(String stderr) {
        String[] lines = stderr.strip().split("\r?\n");
        String last = lines[lines.length - 1].strip();
        return last.isEmpty() ? "" : ": " + (last.length() <= 300 ? last : last.substring(0, 300) + "…");
    }

    private record Target(ReleaseId release, String instance) {
    }

    /** Not started, for the reason in the message. */
    private static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }
}

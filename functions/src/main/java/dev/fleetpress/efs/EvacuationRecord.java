package dev.fleetpress.efs;

import static dev.fleetpress.efs.FileSystemRecord.instant;
import static dev.fleetpress.efs.FileSystemRecord.time;

import dev.fleetpress.json.Json;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * An environment's exit plan off EFS: the ledger record {@code efs/evacuations/<env>.json}, moved by
 * compare-and-swap through four steps (capture, promote, migrate, report). {@link Instant#EPOCH}: never.
 *
 * @param fileSystemId the environment's configured file system (empty when none is configured)
 * @param reason       why the plan stopped, or what it waits for
 */
public record EvacuationRecord(String environment, String fileSystemId, State state, Step step, String requestedBy,
                               Instant startedAt, Instant updatedAt, String reason, Capture capture, Promotion promotion,
                               Migration migration) {
    public enum State {
        /** Moving on at each event and schedule run. */
        RUNNING,
        /** A step failed; {@code reason} says why. {@code fleetpress efs evacuate <env>} resumes it. */
        STOPPED,
        /** Every step is done and the migration verified. */
        DONE
    }

    public enum Step {
        CAPTURE, PROMOTE, MIGRATE, REPORT, DONE;

        public String slug() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Step parse(String slug) {
            return valueOf(slug.toUpperCase(Locale.ROOT));
        }
    }

    public EvacuationRecord {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(fileSystemId, "fileSystemId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(requestedBy, "requestedBy");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(capture, "capture");
        Objects.requireNonNull(promotion, "promotion");
        Objects.requireNonNull(migration, "migration");
    }

    /**
     * Step 1: the capture document on one instance.
     *
     * @param sentAt     when the send was (last) claimed; a send unanswered after the lease is tried again
     * @param status     the command's last known status (SSM's name)
     * @param acceptance RECORDED / ALREADY_RECORDED once the release is accepted
     */
    public record Capture(String captureId, String instanceId, String commandId, String status, Instant sentAt,
                          String releaseId, long files, long bytes, boolean webrootOnEfs, String acceptance) {
        public static final Capture NONE = new Capture("", "", "", "", Instant.EPOCH, "", 0, 0, false, "");
    }

    /** Step 2: what promoting the captured release answered ({@code PromotionResult.Kind}). */
    public record Promotion(String result, String message, Instant at) {
        public static final Promotion NONE = new Promotion("", "", Instant.EPOCH);
    }

    /** Step 3: the media export of the uploads still on EFS. */
    public record Migration(String migrationId, String instanceId, String commandId, String status, Instant startedAt) {
        public static final Migration NONE = new Migration("", "", "", "", Instant.EPOCH);
    }

    static EvacuationRecord started(String environment, String fileSystemId, String requestedBy, Instant now) {
        return new EvacuationRecord(environment, fileSystemId, State.RUNNING, Step.CAPTURE, requestedBy, now, now, "",
                Capture.NONE, Promotion.NONE, Migration.NONE);
    }

    EvacuationRecord with(State s, Step st, String why, Instant now) {
        return new EvacuationRecord(environment, fileSystemId, s, st, requestedBy, startedAt, now, why, capture, promotion,
                migration);
    }

    EvacuationRecord withCapture(Capture c, Instant now) {
        return new EvacuationRecord(environment, fileSystemId, state, step, requestedBy, startedAt, now, reason, c, promotion,
                migration);
    }

    EvacuationRecord withPromotion(Promotion p, Instant now) {
        return new EvacuationRecord(environment, fileSystemId, state, step, requestedBy, startedAt, now, reason, capture, p,
                migration);
    }

    EvacuationRecord withMigration(Migration m, Instant now) {
        return new EvacuationRecord(environment, fileSystemId, state, step, requestedBy, startedAt, now, reason, capture,
                promotion, m);
    }

    public String toJson() {
        return Json.write(Json.object(
                "formatVersion", 1,
                "environment", environment,
                "fileSystemId", fileSystemId,
                "state", state.name(),
                "step", step.slug(),
                "requestedBy", requestedBy,
                "startedAt", time(startedAt),
                "updatedAt", time(updatedAt),
                "reason", reason,
                "capture", Json.object("captureId", capture.captureId(), "instanceId", capture.instanceId(),
                        "commandId", capture.commandId(), "status", capture.status(), "sentAt", time(capture.sentAt()),
                        "releaseId", capture.releaseId(), "files", capture.files(), "bytes", capture.bytes(),
                        "webrootOnEfs", capture.webrootOnEfs(), "acceptance", capture.acceptance()),
                "promotion", Json.object("result", promotion.result(), "message", promotion.message(),
                        "at", time(promotion.at())),
                "migration", Json.object("migrationId", migration.migrationId(), "instanceId", migration.instanceId(),
                        "commandId", migration.commandId(), "status", migration.status(),
                        "startedAt", time(migration.startedAt()))));
    }

    public static EvacuationRecord fromJson(String json) {
        Json.Node n = Json.parse(json);
        Json.Node c = n.get("capture");
        Json.Node p = n.get("promotion");
        Json.Node m = n.get("migration");
        return new EvacuationRecord(n.text("environment"), n.text("fileSystemId"), State.valueOf(n.text("state")),
                Step.parse(n.text("step")), n.text("requestedBy"), instant(n.text("startedAt")), instant(n.text("updatedAt")),
                n.text("reason"),
                new Capture(c.text("captureId"), c.text("instanceId"), c.text("commandId"), c.text("status"),
                        instant(c.text("sentAt")), c.text("releaseId"), c.get("files").asLong(), c.get("bytes").asLong(),
                        c.get("webrootOnEfs").asBoolean(), c.text("acceptance")),
                new Promotion(p.text("result"), p.text("message"), instant(p.text("at"))),
                new Migration(m.text("migrationId"), m.text("instanceId"), m.text("commandId"), m.text("status"),
                        instant(m.text("startedAt"))));
    }
}

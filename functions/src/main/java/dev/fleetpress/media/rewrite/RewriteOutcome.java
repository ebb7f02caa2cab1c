package dev.fleetpress.media.rewrite;

import java.util.Objects;

/**
 * What a dry run or a real run did, for the CLI to print.
 *
 * @param replacements rows changed (or to be changed, for a dry run); -1 when unknown
 * @param report       wp-cli's per-column counts, {@link ReplacementReport#NONE} when nothing ran
 */
public record RewriteOutcome(Kind kind, String environment, String migrationId, String commandId, String instanceId,
                             long replacements, ReplacementReport report, String message) {
    public RewriteOutcome {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(migrationId, "migrationId");
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(message, "message");
    }

    public enum Kind {
        /** The dry run ran: the report says what the real run would change. */
        DRY_RUN,
        /** The real run ran (this call sent it, or followed it to its end). */
        APPLIED,
        /** The real run had already succeeded before this call: nothing was sent. */
        ALREADY_DONE,
        /** Another call holds the claim, or the command is still running: run again later to follow it. */
        IN_PROGRESS,
        /** The instance could not take or run the command; nothing changed, the next run claims again. */
        NOT_RUN,
        /** The command failed (or failed before and no retry was asked). */
        FAILED,
        /** Not started: the migration is not complete, no dry run covers the URLs, or no instance can run it. */
        REFUSED;

        /** Whether the outcome is what was asked (the CLI's exit code 0). */
        public boolean done() {
            return this == DRY_RUN || this == APPLIED || this == ALREADY_DONE;
        }
    }

    static RewriteOutcome refused(RewriteRequest request, String message) {
        return new RewriteOutcome(Kind.REFUSED, request.environment(), request.migrationId(), "", "", -1,
                ReplacementReport.NONE, message);
    }
}

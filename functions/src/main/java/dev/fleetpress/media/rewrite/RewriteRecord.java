package dev.fleetpress.media.rewrite;

import dev.fleetpress.json.Json;
import java.time.Instant;
import java.util.Objects;

/**
 * The real URL rewrite of one (environment, migration): created once (create-if-absent, which is the
 * claim) and then moved by compare-and-swap, as the upgrade gate's records are. {@code owner} holds the
 * claim until {@code leaseUntil}; after that exactly one successor can take it over.
 *
 * @param release      the release the instance had to run (the environment's current one when claimed)
 * @param replacements rows changed, once SUCCEEDED; -1 before, or when the command's output did not say
 * @param reason       the last thing that happened, one line
 */
public record RewriteRecord(String environment, String migrationId, String from, String to, RewriteState state,
                            int attempt, String owner, Instant leaseUntil, String release, String commandId,
                            String instanceId, long replacements, String reason, Instant createdAt, Instant updatedAt) {
    public RewriteRecord {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(migrationId, "migrationId");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    static RewriteRecord claim(RewriteRequest request, String owner, Instant now, Instant lease) {
        return new RewriteRecord(request.environment(), request.migrationId(), request.from(), request.to(),
                RewriteState.CLAIMED, 1, owner, lease, "", "", "", -1, "claimed by " + owner, now, now);
    }

    boolean leaseExpired(Instant now) {
        return !now.isBefore(leaseUntil);
    }

    boolean heldBy(String claimant) {
        return state == RewriteState.CLAIMED && owner.equals(claimant);
    }

    /** Claimed again (after an expired lease, an instance that could not run it, or an explicit retry). */
    RewriteRecord reclaimed(RewriteRequest request, String newOwner, Instant now, Instant lease, String why) {
        return new RewriteRecord(environment, migrationId, request.from(), request.to(), RewriteState.CLAIMED, attempt + 1,
                newOwner, lease, "", "", "", -1, why, createdAt, now);
    }

    RewriteRecord running(String command, String instance, String runningRelease, Instant now, Instant lease) {
        return new RewriteRecord(environment, migrationId, from, to, RewriteState.RUNNING, attempt, owner, lease,
                runningRelease, command, instance, -1, "wp search-replace sent to " + instance + " as command " + command,
                createdAt, now);
    }

    RewriteRecord succeeded(long count, String why, Instant now) {
        return new RewriteRecord(environment, migrationId, from, to, RewriteState.SUCCEEDED, attempt, owner, now, release,
                commandId, instanceId, count, why, createdAt, now);
    }

    RewriteRecord moved(RewriteState next, String why, Instant now) {
        return new RewriteRecord(environment, migrationId, from, to, next, attempt, owner, now, release, commandId,
                instanceId, replacements, why, createdAt, now);
    }

    String toJson() {
        return Json.write(Json.object("formatVersion", 1, "environment", environment, "migrationId", migrationId,
                "from", from, "to", to, "state", state.name(), "attempt", attempt, "owner", owner,
                "leaseUntil", leaseUntil.toString(), "release", release, "commandId", commandId, "instanceId", instanceId,
                "replacements", replacements, "reason", reason, "createdAt", createdAt.toString(),
                "updatedAt", updatedAt.toString()));
    }

    static RewriteRecord fromJson(String json) {
        Json.Node n = Json.parse(json);
        return new RewriteRecord(n.text("environment"), n.text("migrationId"), n.text("from"), n.text("to"),
                RewriteState.valueOf(n.text("state")), (int) n.get("attempt").asLong(), n.text("owner"),
                Instant.parse(n.text("leaseUntil")), n.text("release"), n.text("commandId"), n.text("instanceId"),
                n.get("replacements").asLong(), n.text("reason"), Instant.parse(n.text("createdAt")),
                Instant.parse(n.text("updatedAt")));
    }
}

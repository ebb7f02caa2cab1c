package dev.fleetpress.upgrade;

import dev.fleetpress.json.Json;
import java.time.Instant;
import java.util.Objects;

/**
 * The upgrade gate of one (environment, release): created once (create-if-absent, which is the claim)
 * and then moved by compare-and-swap. {@code owner} names the invocation that holds the claim until
 * {@code leaseUntil}; after that exactly one successor can take it over (the swap decides).
 *
 * @param attempt    how many times the claim was taken (1 for the first runner)
 * @param commandId  the upgrade command of the current attempt, empty before it is sent
 * @param instanceId the instance it was sent to, empty before it is sent
 * @param dbVersion  the release's {@code $wp_db_version} (from its manifest; 0 when it ships no core)
 * @param reason     the last thing that happened, one line for the CLI and logs
 */
public record UpgradeRecord(String environment, String release, long dbVersion, UpgradeState state, int attempt,
                            String owner, Instant leaseUntil, String commandId, String instanceId, String reason,
                            Instant createdAt, Instant updatedAt) {
    public UpgradeRecord {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    static UpgradeRecord claim(String environment, String release, long dbVersion, int attempt, String owner,
                               Instant now, Instant leaseUntil, String reason) {
        return new UpgradeRecord(environment, release, dbVersion, UpgradeState.CLAIMED, attempt, owner, leaseUntil,
                "", "", reason, now, now);
    }

    boolean leaseExpired(Instant now) {
        return !now.isBefore(leaseUntil);
    }

    UpgradeRecord reclaimed(String newOwner, Instant now, Instant lease, String why) {
        return new UpgradeRecord(environment, release, dbVersion, UpgradeState.CLAIMED, attempt + 1, newOwner, lease,
                "", "", why, createdAt, now);
    }

    UpgradeRecord running(String command, String instance, Instant now, Instant lease) {
        return new UpgradeRecord(environment, release, dbVersion, UpgradeState.RUNNING, attempt, owner, lease, command,
                instance, "upgrade command " + command + " sent to " + instance, createdAt, now);
    }

    UpgradeRecord moved(UpgradeState next, String why, Instant now) {
        return new UpgradeRecord(environment, release, dbVersion, next, attempt, owner, now, commandId, instanceId, why,
                createdAt, now);
    }

    UpgradeRecord leaseExtended(Instant now, Instant lease) {
        return new UpgradeRecord(environment, release, dbVersion, state, attempt, owner, lease, commandId, instanceId,
                reason, createdAt, now);
    }

    String toJson() {
        return Json.write(Json.object("environment", environment, "release", release, "dbVersion", dbVersion,
                "state", state.name(), "attempt", attempt, "owner", owner, "leaseUntil", leaseUntil.toString(),
                "commandId", commandId, "instanceId", instanceId, "reason", reason,
                "createdAt", createdAt.toString(), "updatedAt", updatedAt.toString()));
    }

    static UpgradeRecord fromJson(String json) {
        Json.Node n = Json.parse(json);
        return new UpgradeRecord(n.text("environment"), n.text("release"), n.get("dbVersion").asLong(),
                UpgradeState.valueOf(n.text("state")), (int) n.get("attempt").asLong(), n.text("owner"),
                Instant.parse(n.text("leaseUntil")), n.text("commandId"), n.text("instanceId"), n.text("reason"),
                Instant.parse(n.text("createdAt")), Instant.parse(n.text("updatedAt")));
    }
}

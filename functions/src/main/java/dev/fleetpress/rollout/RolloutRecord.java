package dev.fleetpress.rollout;

import dev.fleetpress.json.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An environment's current rollout: one pointer version ({@code pointerVersion}) of one release,
 * moved by compare-and-swap. A rollout for a higher pointer version replaces it; the replaced one is
 * kept as history under {@code rollouts/<env>/history/}.
 *
 * @param attempt   activation commands sent for this version: a second one covers instances that an
 *                  instance leaving the group kept from running (SSM stops on the first error)
 * @param instances the activation's per-instance statuses, as SSM reported them (empty until it ends)
 */
public record RolloutRecord(String environment, String release, long pointerVersion, RolloutState state, int attempt,
                            String owner, Instant leaseUntil, String commandId, Map<String, String> instances,
                            String reason, Instant startedAt, Instant updatedAt) {
    public RolloutRecord {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        Objects.requireNonNull(commandId, "commandId");
        instances = Map.copyOf(instances);
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    static RolloutRecord starting(String environment, String release, long pointerVersion, String owner, Instant now,
                                  Instant leaseUntil) {
        return new RolloutRecord(environment, release, pointerVersion, RolloutState.STARTING, 0, owner, leaseUntil, "",
                Map.of(), "pointer version " + pointerVersion + " names " + release, now, now);
    }

    boolean leaseExpired(Instant now) {
        return !now.isBefore(leaseUntil);
    }

    RolloutRecord retaken(String newOwner, Instant now, Instant lease) {
        return new RolloutRecord(environment, release, pointerVersion, RolloutState.STARTING, attempt, newOwner, lease, "",
                Map.of(), "taken over from " + owner + ", whose lease expired at " + leaseUntil, startedAt, now);
    }

    RolloutRecord activating(String command, Instant now, Instant lease) {
        return new RolloutRecord(environment, release, pointerVersion, RolloutState.ACTIVATING, attempt + 1, owner, lease,
                command, Map.of(), "activation command " + command + " sent (attempt " + (attempt + 1) + ")", startedAt, now);
    }

    RolloutRecord ended(RolloutState next, Map<String, String> statuses, String why, Instant now) {
        return new RolloutRecord(environment, release, pointerVersion, next, attempt, owner, now, commandId, statuses, why,
                startedAt, now);
    }

    /** Back to STARTING under a new owner, to send another activation command for the same version. */
    RolloutRecord again(String newOwner, Instant now, Instant lease, String why) {
        return new RolloutRecord(environment, release, pointerVersion, RolloutState.STARTING, attempt, newOwner, lease, "",
                instances, why, startedAt, now);
    }

    String toJson() {
        return Json.write(fields());
    }

    Map<String, Object> fields() {
        Map<String, Object> out = new LinkedHashMap<>(Json.object("environment", environment, "release", release,
                "pointerVersion", pointerVersion, "state", state.name(), "attempt", attempt, "owner", owner,
                "leaseUntil", leaseUntil.toString(), "commandId", commandId));
        out.put("instances", new TreeMap<>(instances));
        out.put("reason", reason);
        out.put("startedAt", startedAt.toString());
        out.put("updatedAt", updatedAt.toString());
        return out;
    }

    static RolloutRecord fromJson(String json) {
        Json.Node n = Json.parse(json);
        Map<String, String> instances = new TreeMap<>();
        n.get("instances").fields().forEach((id, status) -> instances.put(id, status.asText()));
        return new RolloutRecord(n.text("environment"), n.text("release"), n.get("pointerVersion").asLong(),
                RolloutState.valueOf(n.text("state")), n.find("attempt").map(a -> (int) a.asLong()).orElse(1),
                n.text("owner"), Instant.parse(n.text("leaseUntil")),
                n.text("commandId"), instances, n.text("reason"), Instant.parse(n.text("startedAt")),
                Instant.parse(n.text("updatedAt")));
    }
}

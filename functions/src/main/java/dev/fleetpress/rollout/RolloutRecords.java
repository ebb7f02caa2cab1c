package dev.fleetpress.rollout;

import dev.fleetpress.fleet.FleetIds;
import dev.fleetpress.json.Json;
import dev.fleetpress.ledger.VersionedLedger;
import dev.fleetpress.release.Environments;
import java.util.Objects;
import java.util.Optional;

/**
 * The rollouts' records in a {@link VersionedLedger} (on AWS: the release bucket under {@value #PREFIX}):
 * <ul>
 *   <li>{@code <env>.json}: the environment's current {@link RolloutRecord} (create, then compare-and-swap)</li>
 *   <li>{@code history/<env>/<pointer version>.json}: each rollout as it ended or was replaced (create-if-absent)</li>
 *   <li>{@code commands/<command-id>.json}: which rollout an activation command belongs to</li>
 * </ul>
 */
public final class RolloutRecords {
    public static final String PREFIX = "rollouts/";

    private final VersionedLedger ledger;

    public RolloutRecords(VersionedLedger ledger) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
    }

    record Stored(RolloutRecord value, String version) {
    }

    record CommandIndex(String commandId, String environment, long pointerVersion) {
    }

    private static String currentKey(String environment) {
        return Environments.requireValid(environment) + ".json";
    }

    /** The environment's current rollout, if it ever had one. */
    public Optional<RolloutRecord> current(String environment) {
        return stored(environment).map(Stored::value);
    }

    Optional<Stored> stored(String environment) {
        return ledger.readEntry(currentKey(environment))
                .map(e -> new Stored(RolloutRecord.fromJson(e.content()), e.version()));
    }

    /** Creates ({@code current} null) or replaces the current rollout; false if another write won. */
    boolean write(Stored current, RolloutRecord next) {
        return current == null ? ledger.createIfAbsent(currentKey(next.environment()), next.toJson())
                : ledger.replace(currentKey(next.environment()), current.version(), next.toJson());
    }

    void archive(RolloutRecord record) {
        ledger.createIfAbsent("history/" + Environments.requireValid(record.environment()) + "/"
                + String.format("%010d", record.pointerVersion()) + ".json", record.toJson());
    }

    /** A rollout as it was archived, if it was. */
    public Optional<RolloutRecord> archived(String environment, long pointerVersion) {
        return ledger.read("history/" + Environments.requireValid(environment) + "/"
                + String.format("%010d", pointerVersion) + ".json").map(RolloutRecord::fromJson);
    }

    void index(String commandId, String environment, long pointerVersion) {
        ledger.createIfAbsent("commands/" + FleetIds.uuid(commandId, "command id") + ".json", Json.write(Json.object(
                "commandId", commandId, "environment", environment, "pointerVersion", pointerVersion)));
    }

    Optional<CommandIndex> command(String commandId) {
        return ledger.read("commands/" + FleetIds.uuid(commandId, "command id") + ".json").map(json -> {
            Json.Node n = Json.parse(json);
            return new CommandIndex(n.text("commandId"), n.text("environment"), n.get("pointerVersion").asLong());
        });
    }
}

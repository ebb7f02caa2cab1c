package dev.fleetpress.upgrade;

import dev.fleetpress.fleet.FleetIds;
import dev.fleetpress.json.Json;
import dev.fleetpress.ledger.LedgerException;
import dev.fleetpress.ledger.VersionedLedger;
import dev.fleetpress.release.Environments;
import dev.fleetpress.release.ReleaseId;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The upgrade gate's records in a {@link VersionedLedger} (on AWS: the release bucket under {@value #PREFIX}):
 * <ul>
 *   <li>{@code <env>/<release>.json}: one {@link UpgradeRecord} per (environment, release); creating it is the claim</li>
 *   <li>{@code <env>/database.json}: the environment's {@link DatabaseRecord} (schema version, block)</li>
 *   <li>{@code commands/<command-id>.json}: which gate an upgrade command belongs to</li>
 * </ul>
 * Keys are built only from validated names.
 */
public final class UpgradeRecords {
    public static final String PREFIX = "upgrades/";
    private static final int CAS_ATTEMPTS = 20;

    private final VersionedLedger ledger;

    public UpgradeRecords(VersionedLedger ledger) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
    }

    /** A record with the ledger version a compare-and-swap must present. */
    record Stored<T>(T value, String version) {
    }

    /** Which gate an upgrade command was sent for. */
    record CommandIndex(String commandId, String environment, String release) {
    }

    static String gateKey(String environment, ReleaseId release) {
        return Environments.requireValid(environment) + "/" + release.value() + ".json";
    }

    static String databaseKey(String environment) {
        return Environments.requireValid(environment) + "/database.json";
    }

    /** The gate of {@code release} in {@code environment}, if anyone claimed it yet. */
    public Optional<UpgradeRecord> gate(String environment, ReleaseId release) {
        return stored(environment, release).map(Stored::value);
    }

    Optional<Stored<UpgradeRecord>> stored(String environment, ReleaseId release) {
        return ledger.readEntry(gateKey(environment, release))
                .map(e -> new Stored<>(UpgradeRecord.fromJson(e.content()), e.version()));
    }

    /** The claim: true for exactly one of any number of concurrent callers. */
    boolean create(UpgradeRecord record) {
        return ledger.createIfAbsent(gateKey(record.environment(), ReleaseId.of(record.release())), record.toJson());
    }

    boolean replace(Stored<UpgradeRecord> current, UpgradeRecord next) {
        return ledger.replace(gateKey(next.environment(), ReleaseId.of(next.release())), current.version(), next.toJson());
    }

    void index(String commandId, String environment, ReleaseId release) {
        // A command id is unique: an existing entry is this same one, written before.
        ledger.createIfAbsent("commands/" + FleetIds.uuid(commandId, "command id") + ".json",
                Json.write(Json.object("commandId", commandId, "environment", environment, "release", release.value())));
    }

    Optional<CommandIndex> command(String commandId) {
        return ledger.read("commands/" + FleetIds.uuid(commandId, "command id") + ".json").map(json -> {
            Json.Node n = Json.parse(json);
            return new CommandIndex(n.text("commandId"), n.text("environment"), n.text("release"));
        });
    }

    /** The environment's database record; an empty one when nothing was recorded yet. */
    public DatabaseRecord database(String environment) {
        return ledger.read(databaseKey(environment)).map(DatabaseRecord::fromJson)
                .orElseGet(() -> DatabaseRecord.empty(environment));
    }

    /**
     * Lifts the block a failed upgrade put on {@code environment} (the CLI's {@code upgrade ack});
     * returns the record as written. Acknowledging an environment that is not blocked changes nothing.
     */
    public DatabaseRecord acknowledge(String environment, String by) {
        return updateDatabase(environment, db -> db.acknowledged(by));
    }

    /** Applies {@code change} by compare-and-swap, re-reading on conflict; returns the record as written. */
    DatabaseRecord updateDatabase(String environment, UnaryOperator<DatabaseRecord> change) {
        String key = databaseKey(environment);
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            Optional<VersionedLedger.Entry> entry = ledger.readEntry(key);
            DatabaseRecord current = entry.map(e -> DatabaseRecord.fromJson(e.content()))
                    .orElseGet(() -> DatabaseRecord.empty(environment));
            DatabaseRecord next = change.apply(current);
            if (entry.isPresent() && next.equals(current)) {
                return next;
            }
            boolean written = entry.isPresent() ? ledger.replace(key, entry.get().version(), next.toJson())
                    : ledger.createIfAbsent(key, next.toJson());
            if (written) {
                return next;
            }
        }
        throw new LedgerException("upgrade record " + key + " kept changing under " + CAS_ATTEMPTS
                + " attempts to update it; the trigger will retry");
    }
}

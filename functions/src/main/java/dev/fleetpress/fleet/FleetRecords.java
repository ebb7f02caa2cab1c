package dev.fleetpress.fleet;

import dev.fleetpress.ledger.LedgerException;
import dev.fleetpress.ledger.VersionedLedger;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The fleet's records in a {@link VersionedLedger} (on AWS: the release bucket under {@code fleet/}):
 * <ul>
 *   <li>{@code actions/<instance-id>/<phase>.json}: one {@link ActionRecord} per lifecycle action</li>
 *   <li>{@code commands/<command-id>.json}: the {@link CommandIndex} from a command to its action</li>
 *   <li>{@code instances/<instance-id>.json}: the {@link InstanceRecord} the CLI shows</li>
 *   <li>{@code environments/<environment>.json}: the {@link EnvironmentHealth} of the crash-loop breaker</li>
 * </ul>
 * Keys are built only from validated ids.
 */
public final class FleetRecords {
    private static final int CAS_ATTEMPTS = 10;

    private final VersionedLedger ledger;

    public FleetRecords(VersionedLedger ledger) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
    }

    static String actionKey(String instanceId, Phase phase) {
        return "actions/" + FleetIds.instanceId(instanceId) + "/" + phase.slug() + ".json";
    }

    static String commandKey(String commandId) {
        return "commands/" + FleetIds.uuid(commandId, "command id") + ".json";
    }

    public static String instanceKey(String instanceId) {
        return "instances/" + FleetIds.instanceId(instanceId) + ".json";
    }

    public static String environmentKey(String environment) {
        return "environments/" + environment + ".json";
    }

    /** A record with the ledger version it was read at. */
    record Stored<T>(T value, String version) {
    }

    Optional<Stored<ActionRecord>> action(String instanceId, Phase phase) {
        return read(actionKey(instanceId, phase), ActionRecord::fromJson);
    }

    boolean create(ActionRecord record) {
        return ledger.createIfAbsent(record.key(), record.toJson());
    }

    /** Compare-and-swap: true if {@code next} replaced the version in {@code current}. */
    boolean replace(Stored<ActionRecord> current, ActionRecord next) {
        return ledger.replace(next.key(), current.version(), next.toJson());
    }

    void index(CommandIndex index) {
        // Create-if-absent: a command id is unique, so an existing entry is this same one written before.
        ledger.createIfAbsent(commandKey(index.commandId()), index.toJson());
    }

    Optional<CommandIndex> command(String commandId) {
        return ledger.read(commandKey(commandId)).map(CommandIndex::fromJson);
    }

    public Optional<InstanceRecord> instance(String instanceId) {
        return ledger.read(instanceKey(instanceId)).map(InstanceRecord::fromJson);
    }

    /**
     * Records the outcome of a rolling activation on one instance: on success the instance runs
     * {@code release} now; on failure it kept what it ran (its bootstrap switched back). Keeps the
     * instance's group and last lifecycle phase when it has a record.
     */
    public void recordActivation(String instanceId, String group, String environment, String release, boolean success,
                                 String commandId, String reason, Instant now) {
        upsert(instanceKey(instanceId), InstanceRecord::fromJson, old -> new InstanceRecord(instanceId,
                old == null ? group : old.group(), environment,
                success ? release : old == null ? "" : old.release(),
                success ? InstanceState.ACTIVATED : InstanceState.ACTIVATION_FAILED,
                old == null ? Phase.LAUNCH : old.phase(), commandId, reason, now), InstanceRecord::toJson);
    }

    void putInstance(InstanceRecord record) {
        upsert(instanceKey(record.instanceId()), InstanceRecord::fromJson, old -> record, InstanceRecord::toJson);
    }

    public Optional<EnvironmentHealth> health(String environment) {
        return read(environmentKey(environment), EnvironmentHealth::fromJson).map(Stored::value);
    }

    /**
     * Applies {@code change} to the environment's health by compare-and-swap, re-reading on conflict;
     * returns the state as written (or as found, when {@code change} left it equal).
     */
    EnvironmentHealth updateHealth(String environment, UnaryOperator<EnvironmentHealth> change) {
        return upsert(environmentKey(environment), EnvironmentHealth::fromJson,
                old -> change.apply(old == null ? EnvironmentHealth.empty(environment) : old), EnvironmentHealth::toJson);
    }

    private <T> Optional<Stored<T>> read(String key, Function<String, T> parse) {
        return ledger.readEntry(key).map(e -> new Stored<>(parse.apply(e.content()), e.version()));
    }

    private <T> T upsert(String key, Function<String, T> parse, UnaryOperator<T> change, Function<T, String> write) {
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            Optional<Stored<T>> current = read(key, parse);
            T next = change.apply(current.map(Stored::value).orElse(null));
            if (current.isPresent() && next.equals(current.get().value())) {
                return next;
            }
            boolean written = current.isPresent()
                    ? ledger.replace(key, current.get().version(), write.apply(next))
                    : ledger.createIfAbsent(key, write.apply(next));
            if (written) {
                return next;
            }
        }
        throw new LedgerException("fleet record " + key + " kept changing under " + CAS_ATTEMPTS
                + " attempts to update it; the trigger will retry");
    }
}

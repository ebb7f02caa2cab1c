package dev.fleetpress.media.rewrite;

import dev.fleetpress.ledger.VersionedLedger;
import dev.fleetpress.ledger.VersionedRecords;
import dev.fleetpress.ledger.VersionedRecords.Stored;
import dev.fleetpress.media.MigrationKeys;
import dev.fleetpress.release.Environments;
import dev.fleetpress.upgrade.UpgradeRecords;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The URL rewrite's records, in the once-only ledger the upgrade gate uses (on AWS: the release bucket under
 * {@value #PREFIX}):
 * <ul>
 *   <li>{@code <env>/rewrite-<migration-id>.json}: the real run's {@link RewriteRecord}; creating it is the claim</li>
 *   <li>{@code <env>/rewrite-<migration-id>.dry-run.json}: the latest dry run's {@link DryRunRecord}</li>
 * </ul>
 * Keys are built only from validated names.
 */
public final class RewriteRecords {
    public static final String PREFIX = UpgradeRecords.PREFIX;

    private final VersionedRecords<RewriteRecord> rewrites;
    private final VersionedRecords<DryRunRecord> dryRuns;

    /** @param ledger the ledger under {@value #PREFIX} (keys here are relative to it) */
    public RewriteRecords(VersionedLedger ledger) {
        this.rewrites = VersionedRecords.of(ledger, RewriteRecord::toJson, RewriteRecord::fromJson);
        this.dryRuns = VersionedRecords.of(ledger, DryRunRecord::toJson, DryRunRecord::fromJson);
    }

    static String key(String environment, String migrationId) {
        return Environments.requireValid(environment) + "/rewrite-" + MigrationKeys.requireId(migrationId) + ".json";
    }

    static String dryRunKey(String environment, String migrationId) {
        return Environments.requireValid(environment) + "/rewrite-" + MigrationKeys.requireId(migrationId) + ".dry-run.json";
    }

    /** The real run of {@code migrationId}'s rewrite in {@code environment}, if anyone claimed it. */
    public Optional<RewriteRecord> rewrite(String environment, String migrationId) {
        return stored(environment, migrationId).map(Stored::value);
    }

    /** The latest successful dry run, if any. */
    public Optional<DryRunRecord> dryRun(String environment, String migrationId) {
        return dryRuns.read(dryRunKey(environment, migrationId)).map(Stored::value);
    }

    Optional<Stored<RewriteRecord>> stored(String environment, String migrationId) {
        return rewrites.read(key(environment, migrationId));
    }

    boolean claim(RewriteRecord record) {
        return rewrites.create(key(record.environment(), record.migrationId()), record);
    }

    boolean replace(Stored<RewriteRecord> current, RewriteRecord next) {
        return rewrites.replace(key(next.environment(), next.migrationId()), current, next);
    }

    boolean replaceWhile(String environment, String migrationId, Predicate<RewriteRecord> held,
                         UnaryOperator<RewriteRecord> change) {
        return rewrites.replaceWhile(key(environment, migrationId), held, change);
    }

    void putDryRun(DryRunRecord record) {
        dryRuns.put(dryRunKey(record.environment(), record.migrationId()), () -> record);
    }
}

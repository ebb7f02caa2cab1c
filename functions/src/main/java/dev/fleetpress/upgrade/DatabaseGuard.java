package dev.fleetpress.upgrade;

import dev.fleetpress.ledger.VersionedLedger;
import dev.fleetpress.release.Manifest;
import dev.fleetpress.release.PromotionGuard;
import java.util.Optional;

/**
 * Keeps old code away from a newer database: refuses to move an environment to a release whose
 * {@code $wp_db_version} is lower than the schema its database was upgraded to (WordPress would run
 * against tables it does not know; {@code --force} overrides, for an operator who restored the
 * database), and refuses every promotion while a failed upgrade waits to be acknowledged
 * ({@code fleetpress upgrade ack <env>}; force does not override that).
 */
public final class DatabaseGuard implements PromotionGuard {
    private final UpgradeRecords records;

    private DatabaseGuard(UpgradeRecords records) {
        this.records = records;
    }

    /** The guard over the upgrade gate's records in {@code ledger} (keys relative to {@link UpgradeRecords#PREFIX}). */
    public static DatabaseGuard create(VersionedLedger ledger) {
        return new DatabaseGuard(new UpgradeRecords(ledger));
    }

    public static DatabaseGuard of(UpgradeRecords records) {
        return new DatabaseGuard(records);
    }

    @Override
    public Optional<String> refusal(String environment, Manifest target, boolean force) {
        DatabaseRecord db = records.database(environment);
        if (db.blocked()) {
            return Optional.of(environment + " is blocked: the database upgrade of " + db.blockedRelease()
                    + " failed (" + db.blockedReason() + "). Fix the cause, then run `fleetpress upgrade ack "
                    + environment + "` before promoting again");
        }
        long release = target.wordpress() == null ? 0 : target.wordpress().dbVersion();
        if (target.wordpress() != null && release < db.dbVersion()) {
            String why = target.releaseId() + " ships WordPress " + target.wordpress().version() + " (db version "
                    + release + ") but " + environment + "'s database was upgraded to db version " + db.dbVersion()
                    + " by " + db.upgradedBy() + "; old code against a newer schema can break the site";
            if (force) {
                return Optional.empty();
            }
            return Optional.of(why + ". Roll back to a release with db version >= " + db.dbVersion()
                    + ", or restore the database from before the upgrade and pass --force");
        }
        return Optional.empty();
    }
}

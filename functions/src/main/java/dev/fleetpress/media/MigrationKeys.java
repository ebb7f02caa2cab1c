package dev.fleetpress.media;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The key layout of a migration in the media bucket, shared with the export side:
 * <pre>
 * _migration/&lt;id&gt;/started.json             who was asked to export (written by fleetpress media migrate)
 * _migration/&lt;id&gt;/shard-NNNNN.json          the shard's manifest (written before its tar)
 * _migration/&lt;id&gt;/shard-NNNNN.tar           the shard: plain POSIX/GNU tar, paths relative to uploads/
 * _migration/&lt;id&gt;/migration.json            written once every shard is uploaded
 * _migration/&lt;id&gt;/stored/shard-NNNNN.json   written here: the ETag of each entry's object, before the result
 * _migration/&lt;id&gt;/results/shard-NNNNN.json  written here, once per shard
 * _migration/&lt;id&gt;/report.json               written here, once per migration
 * </pre>
 * Ids match {@value #ID}; shards are numbered from 1 to the manifest's {@code shards}, five digits.
 */
public final class MigrationKeys {
    public static final String ROOT = "_migration/";
    static final String ID = "m-[a-z0-9-]{4,60}";
    private static final Pattern SHARD = Pattern.compile("^_migration/(" + ID + ")/shard-([0-9]{5})\\.tar$");
    private static final Pattern MIGRATION = Pattern.compile("^_migration/(" + ID + ")/migration\\.json$");
    private static final Pattern ID_ONLY = Pattern.compile("^" + ID + "$");

    private MigrationKeys() {
    }

    /** What an object key names, if it is one of the keys the import reacts to. */
    public sealed interface Parsed permits Shard, Migration {
        String migrationId();
    }

    /** {@code _migration/<id>/shard-NNNNN.tar}. */
    public record Shard(String migrationId, int shard) implements Parsed {
    }

    /** {@code _migration/<id>/migration.json}. */
    public record Migration(String migrationId) implements Parsed {
    }

    public static Optional<Parsed> parse(String key) {
        Matcher shard = SHARD.matcher(key);
        if (shard.matches() && Integer.parseInt(shard.group(2)) > 0) {
            return Optional.of(new Shard(shard.group(1), Integer.parseInt(shard.group(2))));
        }
        Matcher migration = MIGRATION.matcher(key);
        if (migration.matches()) {
            return Optional.of(new Migration(migration.group(1)));
        }
        return Optional.empty();
    }

    public static String requireId(String id) {
        if (id == null || !ID_ONLY.matcher(id).matches()) {
            throw new IllegalArgumentException("migration id '" + id + "' must match ^" + ID + "$");
        }
        return id;
    }

    public static String shardTar(String id, int shard) {
        return ROOT + requireId(id) + "/shard-" + number(shard) + ".tar";
    }

    public static String shardManifest(String id, int shard) {
        return ROOT + requireId(id) + "/shard-" + number(shard) + ".json";
    }

    public static String migrationManifest(String id) {
        return ROOT + requireId(id) + "/migration.json";
    }

    /** Written by {@code fleetpress media migrate} once it sent the export; read by {@code media status}. */
    public static String started(String id) {
        return ROOT + requireId(id) + "/started.json";
    }

    /** The ETags the shard's import wrote or found ({@link StoredEntries}). */
    public static String storedEntries(String id, int shard) {
        return ROOT + requireId(id) + "/stored/shard-" + number(shard) + ".json";
    }

    /** The result's ledger key (relative to {@link #ROOT}, where the import's ledger lives). */
    public static String resultLedgerKey(String id, int shard) {
        return requireId(id) + "/results/shard-" + number(shard) + ".json";
    }

    /** The report's ledger key (relative to {@link #ROOT}). */
    public static String reportLedgerKey(String id) {
        return requireId(id) + "/report.json";
    }

    private static String number(int shard) {
        if (shard < 1 || shard > 99_999) {
            throw new IllegalArgumentException("shard number " + shard + " must be 1 to 99999");
        }
        return String.format("%05d", shard);
    }
}

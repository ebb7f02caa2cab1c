package dev.fleetpress.upgrade;

import dev.fleetpress.json.Json;
import java.time.Instant;
import java.util.Objects;

/**
 * What FleetPress knows about one environment's database ({@code upgrades/<env>/database.json}).
 *
 * @param dbVersion      the highest {@code $wp_db_version} a successful upgrade brought it to (0: none yet)
 * @param upgradedBy     the release whose upgrade did that (empty: none yet)
 * @param blockedRelease the release whose upgrade failed and is not acknowledged yet (empty: not blocked)
 * @param blockedReason  why, for the refusal message
 * @param acknowledgedRelease the release whose failed upgrade an operator acknowledged last (never blocks again)
 */
public record DatabaseRecord(String environment, long dbVersion, String upgradedBy, Instant upgradedAt,
                             String blockedRelease, String blockedReason, Instant blockedAt, String acknowledgedRelease,
                             String acknowledgedBy) {
    public DatabaseRecord {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(upgradedBy, "upgradedBy");
        Objects.requireNonNull(upgradedAt, "upgradedAt");
        Objects.requireNonNull(blockedRelease, "blockedRelease");
        Objects.requireNonNull(blockedReason, "blockedReason");
        Objects.requireNonNull(blockedAt, "blockedAt");
        Objects.requireNonNull(acknowledgedRelease, "acknowledgedRelease");
        Objects.requireNonNull(acknowledgedBy, "acknowledgedBy");
    }

    static DatabaseRecord empty(String environment) {
        return new DatabaseRecord(environment, 0, "", Instant.EPOCH, "", "", Instant.EPOCH, "", "");
    }

    public boolean blocked() {
        return !blockedRelease.isEmpty();
    }

    /** After a successful upgrade to {@code version}: the version only ever rises. */
    DatabaseRecord upgraded(long version, String release, Instant now) {
        if (version <= dbVersion) {
            return this;
        }
        return new DatabaseRecord(environment, version, release, now, blockedRelease, blockedReason, blockedAt,
                acknowledgedRelease, acknowledgedBy);
    }

    DatabaseRecord blockedBy(String release, String reason, Instant now) {
        if (blocked() || release.equals(acknowledgedRelease)) {
            return this;
        }
        return new DatabaseRecord(environment, dbVersion, upgradedBy, upgradedAt, release, reason, now,
                acknowledgedRelease, acknowledgedBy);
    }

    DatabaseRecord acknowledged(String by) {
        if (!blocked()) {
            return this;
        }
        return new DatabaseRecord(environment, dbVersion, upgradedBy, upgradedAt, "", "", blockedAt, blockedRelease, by);
    }

    String toJson() {
        return Json.write(Json.object("environment", environment, "dbVersion", dbVersion, "upgradedBy", upgradedBy,
                "upgradedAt", upgradedAt.toString(), "blockedRelease", blockedRelease, "blockedReason", blockedReason,
                "blockedAt", blockedAt.toString(), "acknowledgedRelease", acknowledgedRelease,
                "acknowledgedBy", acknowledgedBy));
    }

    static DatabaseRecord fromJson(String json) {
        Json.Node n = Json.parse(json);
        return new DatabaseRecord(n.text("environment"), n.get("dbVersion").asLong(), n.text("upgradedBy"),
                Instant.parse(n.text("upgradedAt")), n.text("blockedRelease"), n.text("blockedReason"),
                Instant.parse(n.text("blockedAt")), n.text("acknowledgedRelease"), n.text("acknowledgedBy"));
    }
}

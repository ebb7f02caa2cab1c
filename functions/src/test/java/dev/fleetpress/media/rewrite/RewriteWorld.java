package dev.fleetpress.media.rewrite;

import dev.fleetpress.ledger.InMemoryLedger;
import dev.fleetpress.release.InMemoryEnvironmentPointers;
import dev.fleetpress.release.MutableClock;
import dev.fleetpress.release.ReleaseId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** The rewrite over in-memory ports: a verified migration, production on a release with two instances. */
final class RewriteWorld {
    static final String ENV = "production";
    static final String MIGRATION = "m-20261127-150000-production-ab12";
    static final String FROM = "https://www.example.com/wp-content/uploads";
    static final String TO = "https://cdn.example.com/wp-content/uploads";
    static final ReleaseId RELEASE = ReleaseId.of("r-0123456789ab");
    static final List<String> INSTANCES = List.of("i-0aaaaaaaaaaaaaaa1", "i-0aaaaaaaaaaaaaaa2");
    static final Duration CLAIM_LEASE = Duration.ofSeconds(60);
    static final Duration POLL = Duration.ofSeconds(2);

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T15:00:00Z"));
    final InMemoryLedger ledger = new InMemoryLedger();
    final RewriteRecords records = new RewriteRecords(ledger);
    final InMemoryEnvironmentPointers pointers = new InMemoryEnvironmentPointers(clock);
    final FakeRewriteCommands ssm = new FakeRewriteCommands();
    final Map<String, MigrationReport> reports = new ConcurrentHashMap<>();
    final List<String> running = new CopyOnWriteArrayList<>(INSTANCES);
    final MigrationReports migrationReports = new MigrationReports() {
        @Override
        public Optional<MigrationReport> report(String migrationId) {
            return Optional.ofNullable(reports.get(migrationId));
        }

        @Override
        public boolean exists(String migrationId) {
            return reports.containsKey(migrationId) || migrationId.equals(UNFINISHED);
        }
    };
    static final String UNFINISHED = "m-20261127-160000-production-cd34";
    final RewriteConfig config = new RewriteConfig("fleetpress-local-rewrite-urls", CLAIM_LEASE, Duration.ofSeconds(3900), POLL);

    RewriteWorld() {
        pointers.set(ENV, RELEASE);
        reports.put(MIGRATION, report(ENV, true, 0));
    }

    static MigrationReport report(String environment, boolean complete, int missing) {
        return new MigrationReport(MIGRATION, environment, complete, 304, 304 - missing, 2, missing, "2026-11-27T14:59:00Z");
    }

    /** The rewrite with a pause that moves the clock instead of sleeping. */
    UrlRewrite rewrite() {
        return rewriteWith(ssm);
    }

    UrlRewrite rewriteWith(dev.fleetpress.fleet.CommandRunner commands) {
        return UrlRewrite.of(config, records, migrationReports, pointers,
                (environment, release) -> release.equals(RELEASE) && environment.equals(ENV) ? List.copyOf(running) : List.of(),
                commands, () -> UUID.randomUUID().toString(), clock, clock::advance);
    }

    static RewriteRequest request() {
        return new RewriteRequest(ENV, MIGRATION, FROM, TO);
    }
}

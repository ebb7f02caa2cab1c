package dev.fleetpress.efs;

import dev.fleetpress.efs.CreditMetrics.CreditSample;
import dev.fleetpress.fleet.FleetGroups;
import dev.fleetpress.ledger.InMemoryLedger;
import dev.fleetpress.release.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** The throughput response over in-memory fakes, on a hand-moved clock. */
final class ResponseWorld {
    static final String FS = "fs-0123456789abcdef0";
    static final String STAGING_FS = "fs-0fedcba987654321f";
    static final String PREFIX = "fleetpress-local-efs-credits-";
    static final String ALARM = PREFIX + "production";
    static final Instant START = Instant.parse("2026-11-27T20:00:00Z");

    final MutableClock clock = new MutableClock(START);
    final InMemoryLedger ledger = new InMemoryLedger();
    final EfsRecords records = new EfsRecords(ledger);
    final FakeFileSystems efs = new FakeFileSystems(clock).add(FS, ThroughputMode.BURSTING, 0);
    final List<CreditSample> samples = new ArrayList<>();
    final Map<String, AlarmStates.Observed> alarmStates = new HashMap<>();
    final FakeAlerts alerts = new FakeAlerts();
    final FakeExitPlans exitPlans = new FakeExitPlans();
    final AtomicInteger owners = new AtomicInteger();
    final EfsConfig config;
    final ThroughputResponse response;

    ResponseWorld() {
        this(ThroughputMode.ELASTIC, true, 6);
    }

    ResponseWorld(ThroughputMode mode, boolean returnToBursting, long cooldownHours) {
        config = new EfsConfig(Map.of("production", FS), PREFIX, mode, 100, returnToBursting,
                Duration.ofHours(cooldownHours), "/var/www/html",
                FleetGroups.parse("production=fleetpress-production,staging=fleetpress-staging"),
                "fleetpress-local-capture-release", "fleetpress-local-media-export", "fleetpress-local-media-000000000000",
                "fleetpress-local-releasebucket");
        response = ThroughputResponse.of(config, records, efs,
                (fs, from, to) -> samples.stream().filter(s -> !s.at().isBefore(from) && !s.at().isAfter(to)).toList(),
                name -> Optional.ofNullable(alarmStates.get(name)), alerts, exitPlans,
                () -> "owner-" + owners.incrementAndGet(), clock);
    }

    /** An event of the production alarm entering {@code state} now. */
    AlarmEvent event(AlarmState state) {
        return event(state, clock.instant());
    }

    AlarmEvent event(AlarmState state, Instant at) {
        return new AlarmEvent(ALARM, state, at, "Threshold Crossed", List.of(FS));
    }

    EfsOutcome alarm(AlarmState state) {
        return response.onAlarm(event(state));
    }

    FileSystemRecord record() {
        return records.fileSystem(FS).orElseThrow();
    }

    void advance(Duration d) {
        clock.advance(d);
    }
}

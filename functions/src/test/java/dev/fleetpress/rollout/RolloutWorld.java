package dev.fleetpress.rollout;

import dev.fleetpress.fleet.Alerts;
import dev.fleetpress.fleet.CommandRunner;
import dev.fleetpress.fleet.FleetGroups;
import dev.fleetpress.fleet.FleetRecords;
import dev.fleetpress.ledger.InMemoryLedger;
import dev.fleetpress.release.InMemoryEnvironmentPointers;
import dev.fleetpress.release.Manifest;
import dev.fleetpress.release.MutableClock;
import dev.fleetpress.release.ReleaseId;
import dev.fleetpress.upgrade.DatabaseGuard;
import dev.fleetpress.upgrade.UpgradeGate;
import dev.fleetpress.upgrade.UpgradeGate.UpgradeConfig;
import dev.fleetpress.upgrade.UpgradeRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Rollouts and the upgrade gate over in-memory ports, with the moves tests make. */
final class RolloutWorld {
    static final String GROUP = "fleetpress-production";
    static final String ENV = "production";
    static final Duration CLAIM_LEASE = Duration.ofSeconds(60);
    static final Duration RUN_LEASE = Duration.ofSeconds(3900);

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T15:00:00Z"));
    final InMemoryLedger ledger = new InMemoryLedger();
    final InMemoryEnvironmentPointers pointers = new InMemoryEnvironmentPointers(clock);
    final FakeFleetCommands ssm = new FakeFleetCommands();
    final FleetRecords fleet = new FleetRecords(new Prefixed(ledger, "fleet/"));
    final UpgradeRecords upgradeRecords = new UpgradeRecords(new Prefixed(ledger, UpgradeRecords.PREFIX));
    final RolloutRecords rolloutRecords = new RolloutRecords(new Prefixed(ledger, RolloutRecords.PREFIX));
    final Map<ReleaseId, Manifest> manifests = new ConcurrentHashMap<>();
    final List<String> alerts = new ArrayList<>();
    final Alerts alertSink = (subject, message) -> {
        synchronized (alerts) {
            alerts.add(subject);
        }
    };
    final FleetGroups groups = FleetGroups.parse("production=" + GROUP + ",staging=fleetpress-staging");
    final RolloutConfig config = new RolloutConfig(groups, "fleetpress-local-bootstrap", "fleetpress-local-releasebucket", "/fleetpress/fleetpress-local",
            "50%", "0", CLAIM_LEASE, RUN_LEASE,
            new UpgradeConfig("fleetpress-local-upgrade", "woocommerce=wc update", CLAIM_LEASE, RUN_LEASE, 3));
    final UpgradeGate gate = gateWith(ssm);
    final Rollouts rollouts = Rollouts.of(config, rolloutRecords, ssm, ssm, pointers, fleet, gate, alertSink,
            () -> UUID.randomUUID().toString(), clock);
    final DatabaseGuard guard = DatabaseGuard.of(upgradeRecords);

    /** A gate like {@link #gate} (same records and instances) that sends through {@code commands}. */
    UpgradeGate gateWith(CommandRunner commands) {
        return UpgradeGate.of(config.upgrade(), upgradeRecords, commands, new FleetReleaseInstances(groups, ssm, fleet),
                pointers, id -> Optional.ofNullable(manifests.get(id)), alertSink, () -> UUID.randomUUID().toString(), clock);
    }

    /** A recorded release with WordPress at {@code dbVersion}. */
    ReleaseId release(String hex12, long dbVersion) {
        ReleaseId id = ReleaseId.of("r-" + hex12);
        manifests.put(id, manifest(id, dbVersion));
        return id;
    }

    static Manifest manifest(ReleaseId id, long dbVersion) {
        return new Manifest(1, id, Manifest.BUILT, "https://github.com/acme/site.git", "0".repeat(40),
                "refs/heads/main", ENV, Instant.parse("2026-11-27T15:00:00Z"), "build",
                new Manifest.WordPress("6.8.3", dbVersion), List.of(), List.of(), 1,
                new Manifest.Artifact("release.tar.gz", "a".repeat(64), 1));
    }

    /** Instances in service that already run {@code release} (as their bootstrap recorded). */
    void running(ReleaseId release, String... instances) {
        ssm.inService(GROUP, instances);
        for (String i : instances) {
            fleet.recordActivation(i, GROUP, ENV, release.value(), true, UUID.randomUUID().toString(), "test", clock.instant());
        }
    }

    /** The pointer moves to {@code release} and its change event arrives. */
    RolloutOutcome promote(ReleaseId release) {
        pointers.set(ENV, release);
        return rollouts.onPointerChanged(ENV);
    }

    /** The current activation finishes and its status event arrives. */
    RolloutOutcome finishActivation() {
        String id = rolloutRecords.current(ENV).orElseThrow().commandId();
        return rollouts.onActivationStatus(id, ssm.finishActivation(id));
    }

    String lastUpgradeCommand() {
        return upgradeRecords.gate(ENV, ReleaseId.of(ssm.upgrades().get(ssm.upgrades().size() - 1)
                .parameters().get("ReleaseId"))).orElseThrow().commandId();
    }

    /** A ledger view under a key prefix, as S3Ledger gives each record family its own prefix. */
    record Prefixed(InMemoryLedger ledger, String prefix) implements dev.fleetpress.ledger.VersionedLedger {
        @Override
        public boolean createIfAbsent(String key, String content) {
            return ledger.createIfAbsent(prefix + key, content);
        }

        @Override
        public Optional<Entry> readEntry(String key) {
            return ledger.readEntry(prefix + key);
        }

        @Override
        public boolean replace(String key, String expectedVersion, String content) {
            return ledger.replace(prefix + key, expectedVersion, content);
        }
    }
}

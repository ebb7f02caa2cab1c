package dev.fleetpress.fleet;

import dev.fleetpress.release.InMemoryEnvironmentPointers;
import dev.fleetpress.release.MutableClock;
import dev.fleetpress.ledger.InMemoryLedger;
import dev.fleetpress.release.ReleaseId;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** A fleet over in-memory fakes of every port, with the local stack's names. */
final class FleetWorld {
    static final String GROUP = "fleetpress-production";
    static final String BOOTSTRAP = "fleetpress-local-bootstrap";
    static final String DRAIN = "fleetpress-local-drain";
    static final String BUCKET = "fleetpress-local-releasebucket";
    static final ReleaseId RELEASE = ReleaseId.of("r-3f2a9c41d07b");
    static final ReleaseId NEWER = ReleaseId.of("r-5b6c7d8e9f01");
    static final Instant START = Instant.parse("2026-11-27T15:04:05Z");

    final MutableClock clock = new MutableClock(START);
    final InMemoryLedger ledger = new InMemoryLedger();
    final FleetRecords records = new FleetRecords(ledger);
    final FakeSsm ssm = new FakeSsm();
    final FakeAutoScaling autoScaling = new FakeAutoScaling();
    final FakeRetryQueue queue = new FakeRetryQueue(clock);
    final FakeAlerts alerts = new FakeAlerts();
    final InMemoryEnvironmentPointers pointers = new InMemoryEnvironmentPointers(clock);
    final FleetConfig config;
    final Fleet fleet;

    FleetWorld() {
        this(3);
    }

    FleetWorld(int crashLoopThreshold) {
        config = new FleetConfig(FleetGroups.parse("production=fleetpress-production,staging=fleetpress-staging"),
                BOOTSTRAP, DRAIN, BUCKET, "/fleetpress/fleetpress-local", "fleetpress-launch", "fleetpress-drain",
                Duration.ofSeconds(1800), Duration.ofSeconds(15), crashLoopThreshold);
        fleet = Fleet.of(config, records, ssm, autoScaling, autoScaling, queue, alerts, pointers, clock);
        pointers.set("production", RELEASE);
    }

    /** Auto Scaling starts a launch of a new instance whose agent is already registered. */
    LifecycleAction launch(String instanceId) {
        ssm.register(instanceId);
        return autoScaling.begin(instanceId, GROUP, Phase.LAUNCH);
    }

    /** The status event SSM sends when the last command to {@code instanceId} ends with {@code status}. */
    FleetOutcome commandEnds(String instanceId, String status) {
        String commandId = ssm.lastCommandTo(instanceId);
        ssm.finish(commandId, status);
        return fleet.onCommandStatus(commandId, instanceId, status);
    }

    /** Lets time pass and delivers the retry messages that became visible. */
    void deliverRetries(Duration wait) {
        clock.advance(wait);
        queue.receive().forEach(fleet::onRetry);
    }

    Optional<InstanceRecord> instance(String instanceId) {
        return records.instance(instanceId);
    }

    ActionRecord action(String instanceId, Phase phase) {
        return records.action(instanceId, phase).orElseThrow().value();
    }
}

package dev.fleetpress.efs;

import dev.fleetpress.fleet.FleetGroups;
import dev.fleetpress.ledger.InMemoryLedger;
import dev.fleetpress.media.MigrationStarter;
import dev.fleetpress.release.MutableClock;
import dev.fleetpress.release.PromotionResult;
import dev.fleetpress.release.ReleaseId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The exit plan over in-memory fakes, on a hand-moved clock. */
final class EvacuationWorld {
    static final Instant START = Instant.parse("2026-11-27T20:15:00Z");
    static final String FS = "fs-0123456789abcdef0";
    static final String GROUP = "fleetpress-production";
    static final String I1 = "i-0a1b2c3d4e5f60718";
    static final String I2 = "i-0b1c2d3e4f5a60719";
    static final String CAPTURE_ID = "c-20261127-201500-production-k3v9";
    static final String RELEASE = "r-5c1d9e0f2a3b";

    final MutableClock clock = new MutableClock(START);
    final InMemoryLedger ledger = new InMemoryLedger();
    final EfsRecords records = new EfsRecords(ledger);
    final InMemoryLedger captures = new InMemoryLedger();
    final FakeCommands commands = new FakeCommands();
    final MapObjectStore media = new MapObjectStore();
    final FakeAlerts alerts = new FakeAlerts();
    final Map<String, List<String>> groups = new HashMap<>(Map.of(GROUP, List.of(I2, I1)));
    final List<String> runningRelease = new ArrayList<>();
    boolean autoScalingDown;
    final List<String> accepted = new ArrayList<>();
    final List<String> promoted = new ArrayList<>();
    CapturedReleaseAcceptor.Kind acceptance = CapturedReleaseAcceptor.Kind.RECORDED;
    PromotionResult.Kind promotion = PromotionResult.Kind.PROMOTED;
    final EfsConfig config = new EfsConfig(Map.of("production", FS), "fleetpress-local-efs-credits-",
            ThroughputMode.ELASTIC, 100, true, Duration.ofHours(6), "/var/www/html",
            FleetGroups.parse("production=fleetpress-production,staging=fleetpress-staging"),
            "fleetpress-local-capture-release", "fleetpress-local-media-export", "fleetpress-local-media-000000000000",
            "fleetpress-local-releasebucket");
    final Evacuations evacuations = Evacuations.of(config, records, this::inService, commands,
            captures, this::accept, this::promote,
            MigrationStarter.of(commands, media, "fleetpress-local-media-export", "fleetpress-local-media-000000000000",
                    () -> "p2x4", clock),
            (environment, release) -> List.copyOf(runningRelease), alerts, () -> "k3v9", clock);

    private List<String> inService(String group) {
        if (autoScalingDown) {
            throw new dev.fleetpress.fleet.FleetBackendException("Auto Scaling DescribeAutoScalingGroups of " + group
                    + " failed: Rate exceeded; the trigger will retry", null);
        }
        return groups.getOrDefault(group, List.of());
    }

    private CapturedReleaseAcceptor.Acceptance accept(String captureId, ReleaseId id, String capturedBy) {
        accepted.add(captureId + " " + id + " " + capturedBy);
        if (acceptance == CapturedReleaseAcceptor.Kind.FAILED) {
            return new CapturedReleaseAcceptor.Acceptance(acceptance, "CHECKSUM_MISMATCH: the artifact differs");
        }
        return new CapturedReleaseAcceptor.Acceptance(accepted.size() == 1 ? acceptance
                : CapturedReleaseAcceptor.Kind.ALREADY_RECORDED, "release " + id + " recorded");
    }

    private PromotionResult promote(String environment, ReleaseId id, String requestedBy) {
        promoted.add(environment + " " + id + " " + requestedBy);
        return new PromotionResult(environment, id, promotion, promotion == PromotionResult.Kind.REFUSED
                ? "the database of production is at 60717, newer than " + id + " expects" : "pointer moved");
    }

    /** What the capture document writes once it uploaded the release. */
    void captureWritten(String captureId) {
        captures.put(captureId + ".json", "{\"formatVersion\":1,\"captureId\":\"" + captureId + "\",\"environment\":\"production\","
                + "\"instanceId\":\"" + I1 + "\",\"releaseId\":\"" + RELEASE + "\",\"files\":1843,\"bytes\":48213504,"
                + "\"excluded\":{\"uploads\":1,\"cache\":2,\"secret\":1},\"mounts\":[{\"mountPoint\":\"/var/www/html\","
                + "\"source\":\"fs-0123456789abcdef0.efs.us-east-1.amazonaws.com:/\",\"fsType\":\"nfs4\","
                + "\"fileSystemId\":\"fs-0123456789abcdef0\"}],\"webrootOnEfs\":true}");
    }

    EvacuationRecord plan() {
        return records.evacuation("production").orElseThrow();
    }

    /** Starts the plan, completes the capture (record written, command Success) and the export command. */
    String throughExport() {
        evacuations.start("production", "operator");
        captureWritten(CAPTURE_ID);
        evacuations.onCommandStatus(commands.lastId(), "Success");
        return commands.lastId();
    }

    void advance(Duration d) {
        clock.advance(d);
    }
}

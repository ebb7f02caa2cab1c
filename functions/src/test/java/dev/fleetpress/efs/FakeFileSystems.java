package dev.fleetpress.efs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link FileSystems} in memory with EFS's own rule: a mode change or a provisioned decrease is allowed
 * once per 24 hours of the clock (from the last one; a file system added here may change at once), else
 * TooManyRequests with the time it is allowed. {@link #failNext} makes calls fail like a 500.
 */
final class FakeFileSystems implements FileSystems {
    record Call(String fileSystemId, ThroughputMode mode, double provisionedMibps) {
    }

    private final Clock clock;
    private final Map<String, FileSystemState> states = new HashMap<>();
    private final Map<String, Instant> lastRestricted = new HashMap<>();
    private final List<Call> changes = new ArrayList<>();
    private int failures;
    private int describeFailures;

    FakeFileSystems(Clock clock) {
        this.clock = clock;
    }

    FakeFileSystems add(String id, ThroughputMode mode, double mibps) {
        states.put(id, new FileSystemState(id, mode, mibps, 10L * 1024 * 1024 * 1024));
        return this;
    }

    /** A restricted change made outside FleetPress (the console) at {@code at}. */
    void changedElsewhere(String id, ThroughputMode mode, Instant at) {
        states.put(id, new FileSystemState(id, mode, 0, states.get(id).sizeBytes()));
        lastRestricted.put(id, at);
    }

    void failNext(int count) {
        failures = count;
    }

    void failNextDescribe(int count) {
        describeFailures = count;
    }

    /** Every UpdateFileSystem that EFS accepted. */
    List<Call> changes() {
        return List.copyOf(changes);
    }

    FileSystemState state(String id) {
        return states.get(id);
    }

    @Override
    public synchronized Optional<FileSystemState> describe(String fileSystemId) {
        if (describeFailures > 0) {
            describeFailures--;
            throw new EfsBackendException("EFS DescribeFileSystems failed: InternalServerError (500)");
        }
        return Optional.ofNullable(states.get(fileSystemId));
    }

    @Override
    public synchronized ChangeResult change(String fileSystemId, ThroughputMode mode, double provisionedMibps) {
        if (failures > 0) {
            failures--;
            throw new EfsBackendException("EFS UpdateFileSystem failed: InternalServerError (500)");
        }
        FileSystemState current = states.get(fileSystemId);
        if (current == null) {
            return new NotFound("File system '" + fileSystemId + "' does not exist.");
        }
        boolean restricted = current.mode() != mode || (mode == ThroughputMode.PROVISIONED
                && provisionedMibps < current.provisionedMibps());
        Instant now = clock.instant();
        Instant last = lastRestricted.get(fileSystemId);
        if (restricted && last != null && now.isBefore(last.plus(Duration.ofHours(24)))) {
            Instant allowed = last.plus(Duration.ofHours(24));
            return new NotAllowedYet(allowed, "You have reached the maximum number of throughput mode changes or "
                    + "provisioned throughput value decreases. Wait until " + allowed + " UTC and try again.");
        }
        if (restricted) {
            lastRestricted.put(fileSystemId, now);
        }
        states.put(fileSystemId, new FileSystemState(fileSystemId, mode,
                mode == ThroughputMode.PROVISIONED ? provisionedMibps : 0, current.sizeBytes()));
        changes.add(new Call(fileSystemId, mode, provisionedMibps));
        return new Changed();
    }
}

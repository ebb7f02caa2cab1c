package dev.fleetpress.efs;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The EFS file systems FleetPress watches (on AWS: DescribeFileSystems and UpdateFileSystem). Failures
 * other than the answers below throw {@link EfsBackendException}.
 */
public interface FileSystems {
    /** The file system's current mode and size; empty when EFS has no such file system. */
    Optional<FileSystemState> describe(String fileSystemId);

    /**
     * Asks EFS to move the file system to {@code mode} ({@code provisionedMibps} only for provisioned).
     * EFS's once-per-24-hours refusal ({@code TooManyRequests}) is an answer, not an error.
     */
    ChangeResult change(String fileSystemId, ThroughputMode mode, double provisionedMibps);

    /** What {@link #change} did. */
    sealed interface ChangeResult permits Changed, NotAllowedYet, NotFound {
    }

    /** EFS accepted the change. */
    record Changed() implements ChangeResult {
    }

    /**
     * EFS refused: a restricted change happened within 24 hours.
     *
     * @param allowedAt when EFS says the next change is allowed; {@link Instant#EPOCH} when its message named no time
     */
    record NotAllowedYet(Instant allowedAt, String message) implements ChangeResult {
        public NotAllowedYet {
            Objects.requireNonNull(allowedAt, "allowedAt");
            Objects.requireNonNull(message, "message");
        }
    }

    /** EFS has no such file system (deleted, or another account's or region's id). */
    record NotFound(String message) implements ChangeResult {
    }
}

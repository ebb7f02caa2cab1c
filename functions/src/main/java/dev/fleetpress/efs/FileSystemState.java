package dev.fleetpress.efs;

import java.util.Objects;

/**
 * What EFS says of one file system now (DescribeFileSystems).
 *
 * @param provisionedMibps the provisioned throughput in MiB/s; 0 unless the mode is provisioned
 * @param sizeBytes        the metered size (its {@code SizeInBytes.Value})
 */
public record FileSystemState(String fileSystemId, ThroughputMode mode, double provisionedMibps, long sizeBytes) {
    public FileSystemState {
        EfsIds.fileSystemId(fileSystemId);
        Objects.requireNonNull(mode, "mode");
    }
}

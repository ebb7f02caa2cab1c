package dev.fleetpress.localcloud.cloudwatch;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** One CloudWatch metric: namespace, name and its dimensions (order does not matter, as in CloudWatch). */
public record MetricKey(String namespace, String name, Map<String, String> dimensions) {
    public MetricKey {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        dimensions = java.util.Collections.unmodifiableMap(new TreeMap<>(dimensions));
    }

    /** {@code AWS/EFS BurstCreditBalance} of one file system. */
    public static MetricKey burstCreditBalance(String fileSystemId) {
        return new MetricKey("AWS/EFS", "BurstCreditBalance", Map.of("FileSystemId", fileSystemId));
    }

    @Override
    public String toString() {
        return namespace + " " + name + " " + dimensions;
    }
}

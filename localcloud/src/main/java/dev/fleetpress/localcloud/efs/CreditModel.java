package dev.fleetpress.localcloud.efs;

import software.amazon.awssdk.services.efs.model.ThroughputMode;

/**
 * EFS burst credits as FleetPress's AWS-FACTS.md states them, in bytes and bytes per second:
 * <ul>
 *   <li>baseline throughput: exactly 50 KiB/s per GiB stored. AWS also meters small file systems at
 *       a 1 MiB/s minimum baseline; that floor is not in our facts and is deliberately left out, so a
 *       small file system drains faster here than it may on AWS;</li>
 *   <li>burst throughput: 100 MiB/s, or 100 MiB/s per TiB stored above 1 TiB, while credits last;</li>
 *   <li>credits accrue at the baseline rate and are spent by what is served above it, so in bursting
 *       mode the balance changes by {@code baseline - served} per second; at zero, throughput drops
 *       to the baseline;</li>
 *   <li>a new file system starts with 2.1 TiB of credits; the balance never exceeds 2.1 TiB, or
 *       2.1 TiB per TiB stored above 1 TiB;</li>
 *   <li>in elastic and provisioned mode the mode serves the load (provisioned up to its MiB/s) and
 *       credits accrue at the baseline, up to the maximum.</li>
 * </ul>
 * Pure functions; the balance moves linearly between changes of load, mode or clamp, so a step of
 * any length is exact.
 */
public final class CreditModel {
    public static final long KIB = 1L << 10;
    public static final long MIB = 1L << 20;
    public static final long GIB = 1L << 30;
    public static final long TIB = 1L << 40;
    /** Baseline throughput per GiB stored, bytes per second. */
    public static final double BASELINE_PER_GIB = 50.0 * KIB;
    /** Burst throughput of a file system of up to 1 TiB (and per TiB above it), bytes per second. */
    public static final double BURST_PER_TIB = 100.0 * MIB;
    /** Credits of a new file system, and the maximum of one of up to 1 TiB (and per TiB above it), bytes. */
    public static final double CREDITS_PER_TIB = 2.1 * TIB;

    private CreditModel() {
    }

    /** Baseline throughput in bytes per second for {@code storedBytes}. */
    public static double baseline(long storedBytes) {
        return storedBytes / (double) GIB * BASELINE_PER_GIB;
    }

    /** Burst throughput in bytes per second for {@code storedBytes}. */
    public static double burstLimit(long storedBytes) {
        return Math.max(1.0, storedBytes / (double) TIB) * BURST_PER_TIB;
    }

    /** Maximum credit balance in bytes for {@code storedBytes}. */
    public static double maxBalance(long storedBytes) {
        return Math.max(1.0, storedBytes / (double) TIB) * CREDITS_PER_TIB;
    }

    /**
     * What the file system serves, in bytes per second, for a demand of {@code load} with
     * {@code balance} credits: bursting serves up to the burst limit while credits last, else up to the
     * baseline; elastic serves the load; provisioned serves up to {@code provisionedMibps}.
     */
    public static double served(ThroughputMode mode, long storedBytes, double provisionedMibps, double load, double balance) {
        return switch (mode) {
            case BURSTING -> Math.min(load, balance > 0 ? burstLimit(storedBytes) : baseline(storedBytes));
            case ELASTIC -> load;
            case PROVISIONED -> Math.min(load, provisionedMibps * MIB);
            default -> throw new IllegalArgumentException("unknown throughput mode " + mode);
        };
    }

    /**
     * The balance after {@code seconds} at a steady {@code load}, clamped to [0, maximum]. Exact: once
     * the balance reaches zero what is served drops to the baseline and the balance stops falling.
     */
    public static double balanceAfter(ThroughputMode mode, long storedBytes, double provisionedMibps, double load,
                                      double balance, double seconds) {
        double change = mode == ThroughputMode.BURSTING
                ? baseline(storedBytes) - served(mode, storedBytes, provisionedMibps, load, balance)
                : baseline(storedBytes);
        double next = balance + change * seconds;
        return Math.max(0, Math.min(maxBalance(storedBytes), next));
    }
}

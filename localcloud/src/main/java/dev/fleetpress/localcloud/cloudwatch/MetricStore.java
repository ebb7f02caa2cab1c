package dev.fleetpress.localcloud.cloudwatch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The raw samples of every metric, by timestamp, and their statistics over aligned periods as
 * CloudWatch computes them: a period {@code [t, t + period)} starting at a multiple of the period
 * since the epoch holds the samples whose timestamp falls inside it; a period without samples has no
 * datapoint. Thread-safe.
 */
public final class MetricStore {
    private final Map<MetricKey, NavigableMap<Instant, List<Double>>> samples = new HashMap<>();

    /** Records one sample (several at the same instant all count). */
    public synchronized void put(MetricKey key, Instant timestamp, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("a metric value must be finite, got " + value + " for " + key);
        }
        samples.computeIfAbsent(key, k -> new TreeMap<>()).computeIfAbsent(timestamp, t -> new ArrayList<>(1)).add(value);
    }

    /**
     * The statistic of each period of {@code periodSeconds} (a multiple of 60) that starts in
     * {@code [start, end)} and has samples, keyed by the period's start, oldest first. {@code start}
     * is rounded down to a period boundary.
     */
    public synchronized NavigableMap<Instant, Double> series(MetricKey key, String stat, long periodSeconds,
                                                           Instant start, Instant end) {
        Statistic statistic = Statistic.of(stat);
        if (periodSeconds <= 0 || periodSeconds % 60 != 0) {
            throw new IllegalArgumentException("the period must be a positive multiple of 60 seconds, got " + periodSeconds);
        }
        NavigableMap<Instant, Double> out = new TreeMap<>();
        NavigableMap<Instant, List<Double>> all = samples.get(key);
        if (all == null) {
            return out;
        }
        long first = Math.floorDiv(start.getEpochSecond(), periodSeconds) * periodSeconds;
        Map<Long, List<Double>> byPeriod = new TreeMap<>();
        for (var e : all.subMap(Instant.ofEpochSecond(first), true, end, false).entrySet()) {
            long periodStart = Math.floorDiv(e.getKey().getEpochSecond(), periodSeconds) * periodSeconds;
            byPeriod.computeIfAbsent(periodStart, p -> new ArrayList<>()).addAll(e.getValue());
        }
        byPeriod.forEach((periodStart, values) -> out.put(Instant.ofEpochSecond(periodStart), statistic.apply(values)));
        return out;
    }

    /** The latest sample of {@code key} at or before {@code at}, or NaN when there is none. */
    public synchronized double latest(MetricKey key, Instant at) {
        NavigableMap<Instant, List<Double>> all = samples.get(key);
        var entry = all == null ? null : all.floorEntry(at);
        return entry == null ? Double.NaN : entry.getValue().get(entry.getValue().size() - 1);
    }

    /** The statistics CloudWatch computes for a period. */
    enum Statistic {
        AVERAGE, SUM, MINIMUM, MAXIMUM, SAMPLE_COUNT;

        static Statistic of(String name) {
            return switch (name) {
                case "Average" -> AVERAGE;
                case "Sum" -> SUM;
                case "Minimum" -> MINIMUM;
                case "Maximum" -> MAXIMUM;
                case "SampleCount" -> SAMPLE_COUNT;
                default -> throw new IllegalArgumentException("statistic " + name
                        + " is not supported locally (Average, Sum, Minimum, Maximum, SampleCount are)");
            };
        }

        double apply(List<Double> values) {
            return switch (this) {
                case AVERAGE -> values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
                case SUM -> values.stream().mapToDouble(Double::doubleValue).sum();
                case MINIMUM -> values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
                case MAXIMUM -> values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
                case SAMPLE_COUNT -> values.size();
            };
        }
    }
}

package dev.fleetpress.localcloud.events;

import java.util.HashMap;
import java.util.Map;

/**
 * Per-source fault switches ({@code aws.codebuild}, {@code aws.autoscaling}, {@code aws.ssm},
 * {@code aws.s3} …) and the seed that makes their dice deterministic: the same plan and the same
 * sequence of puts give the same drops, duplicates and delays. Immutable.
 */
public record FaultPlan(long seed, Map<String, SourceFaults> sources) {
    public FaultPlan {
        sources = Map.copyOf(sources);
    }

    /** No faults at all. */
    public static FaultPlan none() {
        return new FaultPlan(0, Map.of());
    }

    /** No faults yet, dice seeded with {@code seed}; add sources with {@link #with}. */
    public static FaultPlan seeded(long seed) {
        return new FaultPlan(seed, Map.of());
    }

    /** This plan with {@code faults} for events whose {@code source} is {@code source}. */
    public FaultPlan with(String source, SourceFaults faults) {
        Map<String, SourceFaults> copy = new HashMap<>(sources);
        copy.put(source, faults);
        return new FaultPlan(seed, copy);
    }

    /** The faults for {@code source}; {@link SourceFaults#NONE} when the plan leaves it alone. */
    public SourceFaults forSource(String source) {
        return sources.getOrDefault(source, SourceFaults.NONE);
    }
}

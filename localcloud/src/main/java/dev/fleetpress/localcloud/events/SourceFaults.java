package dev.fleetpress.localcloud.events;

import java.time.Duration;
import java.util.Objects;

/**
 * How unreliable one event source is made locally. AWS delivers events from Auto Scaling, SSM and
 * CodeBuild on a best-effort basis and S3 notifications at least once, possibly late: these switches
 * let tests and demos show that FleetPress copes.
 *
 * @param dropProbability      chance an event is lost before any rule sees it
 * @param duplicateProbability chance an event is delivered twice to each matching target
 * @param minDelay             shortest extra delay of a delivery
 * @param maxDelay             longest extra delay of a delivery (each copy draws its own)
 */
public record SourceFaults(double dropProbability, double duplicateProbability, Duration minDelay, Duration maxDelay) {
    /** A source that behaves perfectly. */
    public static final SourceFaults NONE = new SourceFaults(0, 0, Duration.ZERO, Duration.ZERO);

    public SourceFaults {
        checkProbability("dropProbability", dropProbability);
        checkProbability("duplicateProbability", duplicateProbability);
        Objects.requireNonNull(minDelay, "minDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (minDelay.isNegative() || maxDelay.compareTo(minDelay) < 0) {
            throw new IllegalArgumentException("delay range must satisfy 0 <= minDelay <= maxDelay, got "
                    + minDelay + ".." + maxDelay);
        }
    }

    public static SourceFaults drop(double probability) {
        return new SourceFaults(probability, 0, Duration.ZERO, Duration.ZERO);
    }

    public static SourceFaults duplicate(double probability) {
        return new SourceFaults(0, probability, Duration.ZERO, Duration.ZERO);
    }

    public static SourceFaults delay(Duration min, Duration max) {
        return new SourceFaults(0, 0, min, max);
    }

    private static void checkProbability(String name, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + " must be within [0, 1], got " + p);
        }
    }
}

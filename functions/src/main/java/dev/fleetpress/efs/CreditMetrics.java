package dev.fleetpress.efs;

import java.time.Instant;
import java.util.List;

/**
 * A file system's {@code BurstCreditBalance} (AWS/EFS, bytes) as 5-minute averages (on AWS:
 * CloudWatch GetMetricData). Failures throw {@link EfsBackendException}.
 */
public interface CreditMetrics {
    /** The samples between {@code from} and {@code to}, oldest first; empty when CloudWatch has none. */
    List<CreditSample> balance(String fileSystemId, Instant from, Instant to);

    /** One 5-minute average of the balance, in bytes, at the start of its period. */
    record CreditSample(Instant at, double bytes) {
    }
}

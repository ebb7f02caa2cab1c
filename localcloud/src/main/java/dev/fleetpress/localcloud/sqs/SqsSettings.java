package dev.fleetpress.localcloud.sqs;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link LocalSqs} runs on this machine.
 *
 * @param secondLength         how long one SQS second lasts here: every delay, visibility timeout and
 *                             retention period is scaled by it (one second is real time; one
 *                             millisecond lets DelaySeconds 15 and VisibilityTimeout 360 pass in tests)
 * @param pollInterval         how often event source mappings look for visible messages (real time,
 *                             not scaled: Lambda long-polls, so a message is picked up almost at once)
 * @param localReceiveCap      receives after which a message of a queue without a RedrivePolicy is moved
 *                             to {@link LocalSqs#deadLetters()} (SQS itself would keep retrying until
 *                             the retention period ends)
 * @param maxConcurrentBatches batches one event source mapping may have in flight at once (Lambda
 *                             starts with five pollers on a standard queue)
 */
public record SqsSettings(Duration secondLength, Duration pollInterval, int localReceiveCap, int maxConcurrentBatches) {
    public SqsSettings {
        Objects.requireNonNull(secondLength, "secondLength");
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (secondLength.isNegative() || secondLength.isZero()) {
            throw new IllegalArgumentException("secondLength must be positive, got " + secondLength);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive, got " + pollInterval);
        }
        if (localReceiveCap < 1) {
            throw new IllegalArgumentException("localReceiveCap must be at least 1, got " + localReceiveCap);
        }
        if (maxConcurrentBatches < 1) {
            throw new IllegalArgumentException("maxConcurrentBatches must be at least 1, got " + maxConcurrentBatches);
        }
    }

    /** Real time, polled every 20 ms, a local cap of 10 receives, five batches in flight per mapping. */
    public static SqsSettings realTime() {
        return new SqsSettings(Duration.ofSeconds(1), Duration.ofMillis(20), 10, 5);
    }

    /** These settings with one SQS second lasting {@code length} here. */
    public SqsSettings withSecondLength(Duration length) {
        return new SqsSettings(length, pollInterval, localReceiveCap, maxConcurrentBatches);
    }

    /** These settings with a different local cap of receives. */
    public SqsSettings withLocalReceiveCap(int cap) {
        return new SqsSettings(secondLength, pollInterval, cap, maxConcurrentBatches);
    }

    /** {@code seconds} of SQS time in local nanoseconds. */
    long nanos(long seconds) {
        return secondLength.toNanos() * seconds;
    }
}

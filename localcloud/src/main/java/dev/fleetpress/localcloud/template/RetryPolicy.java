package dev.fleetpress.localcloud.template;

import java.time.Duration;

/**
 * How often, and for how long, something retries a delivery: an EventBridge rule target's
 * {@code RetryPolicy} (defaults 185 attempts, 24 hours) or a function's asynchronous-invocation
 * {@code EventInvokeConfig} (defaults 2 retries, 6 hours).
 */
public record RetryPolicy(int maximumRetryAttempts, Duration maximumEventAge) {
    /** EventBridge's defaults for a rule target. */
    public static final RetryPolicy EVENTBRIDGE_DEFAULT = new RetryPolicy(185, Duration.ofHours(24));
    /** Lambda's defaults for asynchronous invocations. */
    public static final RetryPolicy LAMBDA_ASYNC_DEFAULT = new RetryPolicy(2, Duration.ofHours(6));

    public RetryPolicy {
        if (maximumRetryAttempts < 0) {
            throw new IllegalArgumentException("maximumRetryAttempts must be >= 0, got " + maximumRetryAttempts);
        }
    }
}

package dev.fleetpress.localcloud.template;

/**
 * One {@code EventBridgeRule} (or {@code CloudWatchEvent}) event of a function.
 *
 * @param name            the event's logical name under the function's {@code Events}
 * @param patternJson     the resolved event pattern, as JSON
 * @param retryPolicy     the rule target's retry policy (EventBridge defaults when the template sets none)
 * @param deadLetterQueue whether the template gives the target a dead-letter queue
 */
public record EventRule(String name, String patternJson, RetryPolicy retryPolicy, boolean deadLetterQueue) {
}

package dev.fleetpress.localcloud.events;

/**
 * A delivery the bus gave up on.
 *
 * @param ruleName     {@code <function>.<event name>}
 * @param attempts     how many times the target was tried
 * @param reason       why it was given up, in words
 * @param keptOnAws    whether AWS would have kept the event (a rule dead-letter queue for undeliverable
 *                     events; for function errors the function's own on-failure destination is not modelled)
 */
public record DeadLetter(String functionLogicalId, String ruleName, String eventJson, int attempts, String reason,
                         Throwable lastError, boolean keptOnAws) {
}

package dev.fleetpress.localcloud.sqs;

/**
 * A snapshot of {@link LocalSqs}'s counters, over all queues.
 *
 * @param sent            messages accepted by SendMessage and SendMessageBatch
 * @param received        receives, each receive of the same message counted (by callers and by event source mappings)
 * @param deleted         messages deleted (by callers, or by a mapping after its function succeeded)
 * @param redriven        messages moved to their RedrivePolicy's dead-letter queue
 * @param deadLettered    messages put in {@link LocalSqs#deadLetters()}
 * @param invocations     function invocations by event source mappings
 * @param failedBatches   invocations that threw or reported the whole batch failed
 * @param failedItems     messages reported in {@code batchItemFailures} of otherwise successful invocations
 */
public record SqsCounters(long sent, long received, long deleted, long redriven, long deadLettered, long invocations,
                          long failedBatches, long failedItems) {
}

package dev.fleetpress.localcloud.template;

import java.util.List;

/**
 * One {@code SQS} event of a function: the event source mapping Lambda polls the queue with.
 *
 * @param queueLogicalId the queue's logical id in the template
 * @param queueName      its local physical name
 * @param batchSize      records per invocation (Lambda's default 10)
 * @param reportBatchItemFailures whether the function answers {@code batchItemFailures} (partial batch responses)
 */
public record SqsTrigger(String eventName, String queueLogicalId, String queueName, int batchSize,
                         boolean reportBatchItemFailures) {
    public SqsTrigger {
        if (batchSize < 1 || batchSize > 10_000) {
            throw new TemplateException(eventName + ": BatchSize must be 1-10000, got " + batchSize);
        }
    }

    static List<String> responseTypes(Object declared) {
        return declared instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
    }
}

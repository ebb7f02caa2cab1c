package dev.fleetpress.localcloud.sqs;

import dev.fleetpress.json.Json;
import dev.fleetpress.json.JsonException;
import dev.fleetpress.localcloud.template.SqsTrigger;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One function's SQS event source mapping, as Lambda runs it on a standard queue: receive up to
 * BatchSize visible messages, invoke synchronously with them, delete them when the invocation
 * succeeds, and otherwise leave them hidden until the queue's visibility timeout ends, when they come
 * back with a higher receive count. With {@code ReportBatchItemFailures} only the reported messages
 * come back. Several batches may be in flight at once, as with Lambda's pollers.
 */
final class EventSourceMapping {
    private final LocalSqs sqs;
    private final SqsQueue queue;
    private final SqsTrigger trigger;
    private final Function<String, String> invoke;
    private final int maxBatches;
    private final AtomicInteger inFlight = new AtomicInteger();

    EventSourceMapping(LocalSqs sqs, SqsQueue queue, SqsTrigger trigger, Function<String, String> invoke, int maxBatches) {
        this.sqs = sqs;
        this.queue = queue;
        this.trigger = trigger;
        this.invoke = invoke;
        this.maxBatches = maxBatches;
    }

    SqsQueue queue() {
        return queue;
    }

    /** Whether an invocation of this mapping is running. */
    boolean busy() {
        return inFlight.get() > 0;
    }

    /** Starts a batch on {@code executor} for each BatchSize of visible messages, up to the in-flight limit. */
    void poll(Executor executor) {
        while (inFlight.get() < maxBatches) {
            List<SqsQueue.Received> batch = sqs.receiveForMapping(queue, trigger.batchSize());
            if (batch.isEmpty()) {
                return;
            }
            inFlight.incrementAndGet();
            try {
                executor.execute(() -> run(batch));
            } catch (RejectedExecutionException closing) {
                // LocalSqs is closing: the batch stays hidden, as it would if Lambda's poller stopped.
                inFlight.decrementAndGet();
                return;
            }
        }
    }

    private void run(List<SqsQueue.Received> batch) {
        try {
            String response;
            try {
                response = invoke.apply(SqsEventJson.of(queue.spec(), batch));
            } catch (RuntimeException | Error functionError) {
                // Whatever the function threw, Lambda only sees a failed invocation: the batch returns later.
                sqs.recordInvocation(true, 0);
                return;
            }
            Set<String> failed = trigger.reportBatchItemFailures() ? reportedFailures(response, batch) : Set.of();
            boolean wholeBatch = failed.size() == batch.size();
            sqs.recordInvocation(wholeBatch, wholeBatch ? 0 : failed.size());
            for (SqsQueue.Received m : batch) {
                if (!failed.contains(m.messageId())) {
                    sqs.deleteForMapping(queue, m.receiptHandle());
                }
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /**
     * The ids of the messages that failed, read from a partial batch response the way Lambda reads
     * it: nothing, {@code null}, {@code {}} or an empty or null {@code batchItemFailures} is a full
     * success; invalid JSON, or an item whose {@code itemIdentifier} is missing, empty or not in the
     * batch, fails the whole batch.
     */
    private static Set<String> reportedFailures(String response, List<SqsQueue.Received> batch) {
        Set<String> all = new HashSet<>();
        batch.forEach(m -> all.add(m.messageId()));
        if (response == null || response.isBlank() || response.strip().equals("null")) {
            return Set.of();
        }
        try {
            Json.Node root = Json.parse(response);
            if (!root.isObject()) {
                return all;
            }
            Json.Node failures = root.find("batchItemFailures").orElse(null);
            if (failures == null) {
                return Set.of();
            }
            Set<String> failed = new HashSet<>();
            for (Json.Node item : failures.elements()) {
                String id = item.isObject() ? item.findText("itemIdentifier").orElse("") : "";
                if (!all.contains(id)) {
                    return all;
                }
                failed.add(id);
            }
            return failed;
        } catch (JsonException e) {
            return all;
        }
    }
}

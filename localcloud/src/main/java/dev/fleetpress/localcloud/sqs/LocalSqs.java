package dev.fleetpress.localcloud.sqs;

import dev.fleetpress.localcloud.template.SqsTrigger;
import dev.fleetpress.localcloud.template.Template;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageResponse;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlResponse;
import software.amazon.awssdk.services.sqs.model.ListQueuesRequest;
import software.amazon.awssdk.services.sqs.model.ListQueuesResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Standard SQS queues for one machine, behind the SDK's own {@link SqsClient} interface so that
 * FleetPress's production adapters run against it unchanged, plus Lambda's SQS event source mapping
 * ({@link #attach}).
 *
 * <p>Implemented: {@code SendMessage} and {@code SendMessageBatch} (queue by URL or name, body
 * characters and size against the queue's MaximumMessageSize, DelaySeconds 0–900 or the queue's,
 * up to 10 message attributes, real MD5 digests), {@code ReceiveMessage} (up to 10, visibility
 * override, long polling, system and message attribute selection), {@code DeleteMessage},
 * {@code ChangeMessageVisibility}, {@code GetQueueUrl}, {@code GetQueueAttributes} and
 * {@code ListQueues}. Every other operation is the SDK's default, which throws
 * {@link UnsupportedOperationException}. Errors are the SDK's modeled exceptions with SQS's error
 * codes and status 400. Only standard queues: no FIFO.
 *
 * <p>A message received more often than its queue's RedrivePolicy allows moves to the policy's
 * dead-letter queue when this stack has it, else to {@link #deadLetters()}; without a RedrivePolicy
 * the same happens after {@link SqsSettings#localReceiveCap()} receives, and to messages whose
 * retention period ends, so that nothing disappears unseen. Queues are in memory only.
 * {@link SqsSettings#secondLength()} scales every SQS duration. Thread-safe.
 */
public final class LocalSqs implements SqsClient {
    private static final String SENDER_ID = "AIDAEXAMPLELOCALCLOUD";
    private static final Pattern BATCH_ENTRY_ID = Pattern.compile("[A-Za-z0-9_-]{1,80}");
    private static final int MAX_ATTRIBUTES = 10;
    private static final List<String> SYSTEM_ATTRIBUTES = List.of("ApproximateReceiveCount", "SentTimestamp", "SenderId",
            "ApproximateFirstReceiveTimestamp", "DeadLetterQueueSourceArn");

    private final SqsSettings settings;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, SqsQueue> byName = new LinkedHashMap<>();
    private final Map<String, SqsQueue> byArn = new LinkedHashMap<>();
    private final List<EventSourceMapping> mappings = new CopyOnWriteArrayList<>();
    private final List<SqsDeadLetter> deadLetters = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService poller;
    private final ExecutorService invoker;
    private volatile boolean closed;

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();
    private final AtomicLong redriven = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong failedBatches = new AtomicLong();
    private final AtomicLong failedItems = new AtomicLong();

    private LocalSqs(List<QueueSpec> queues, SqsSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        long now = clock.millis();
        for (QueueSpec spec : queues) {
            int limit = spec.redrive().isSet() ? spec.redrive().maxReceiveCount() : settings.localReceiveCap();
            SqsQueue queue = new SqsQueue(spec, limit, now);
            if (byName.putIfAbsent(spec.name(), queue) != null) {
                throw new IllegalArgumentException("two queues are named " + spec.name());
            }
            byArn.put(spec.arn(), queue);
        }
        this.poller = Executors.newSingleThreadScheduledExecutor(daemon("localcloud-sqs-poller"));
        this.invoker = Executors.newCachedThreadPool(daemon("localcloud-sqs-invoke"));
        poller.scheduleWithFixedDelay(this::pollMappings, 0, settings.pollInterval().toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The queues of template.yaml ({@code AWS::SQS::Queue}). */
    public static LocalSqs fromTemplate(Template template, SqsSettings settings) {
        return new LocalSqs(QueueSpec.fromTemplate(template), settings);
    }

    /** The given queues. */
    public static LocalSqs create(List<QueueSpec> queues, SqsSettings settings) {
        return new LocalSqs(queues, settings);
    }

    @Override
    public String serviceName() {
        return SqsClient.SERVICE_NAME;
    }

    /** The queues, in the order they were given. */
    public List<QueueSpec> queues() {
        return byName.values().stream().map(SqsQueue::spec).toList();
    }

    @Override
    public SendMessageResponse sendMessage(SendMessageRequest request) {
        SqsQueue queue = queue(request.queueUrl());
        SqsQueue.Stored m = accept(queue, request.messageBody(), request.delaySeconds(),
                request.hasMessageAttributes() ? request.messageAttributes() : Map.of());
        return SendMessageResponse.builder()
                .messageId(m.id)
                .md5OfMessageBody(m.md5OfBody)
                .md5OfMessageAttributes(m.md5OfAttributes.isEmpty() ? null : m.md5OfAttributes)
                .build();
    }

    @Override
    public SendMessageBatchResponse sendMessageBatch(SendMessageBatchRequest request) {
        SqsQueue queue = queue(request.queueUrl());
        List<SendMessageBatchRequestEntry> entries = request.hasEntries() ? request.entries() : List.of();
        if (entries.isEmpty()) {
            throw SqsErrors.emptyBatch();
        }
        if (entries.size() > 10) {
            throw SqsErrors.tooManyEntries(entries.size());
        }
        Set<String> ids = new HashSet<>();
        int total = 0;
        for (SendMessageBatchRequestEntry entry : entries) {
            if (entry.id() == null || !BATCH_ENTRY_ID.matcher(entry.id()).matches()) {
                throw SqsErrors.invalidBatchEntryId();
            }
            if (!ids.add(entry.id())) {
                throw SqsErrors.idsNotDistinct(entry.id());
            }
            total += size(entry.messageBody(), entry.hasMessageAttributes() ? entry.messageAttributes() : Map.of());
        }
        int limit = queue.spec().maximumMessageSize();
        if (total > limit) {
            throw SqsErrors.batchTooLong(total, limit);
        }
        List<SendMessageBatchResultEntry> successful = new ArrayList<>();
        List<BatchResultErrorEntry> failed = new ArrayList<>();
        for (SendMessageBatchRequestEntry entry : entries) {
            try {
                SqsQueue.Stored m = accept(queue, entry.messageBody(), entry.delaySeconds(),
                        entry.hasMessageAttributes() ? entry.messageAttributes() : Map.of());
                successful.add(SendMessageBatchResultEntry.builder()
                        .id(entry.id())
                        .messageId(m.id)
                        .md5OfMessageBody(m.md5OfBody)
                        .md5OfMessageAttributes(m.md5OfAttributes.isEmpty() ? null : m.md5OfAttributes)
                        .build());
            } catch (SqsException e) {
                failed.add(BatchResultErrorEntry.builder()
                        .id(entry.id())
                        .senderFault(true)
                        .code(e.awsErrorDetails().errorCode())
                        .message(e.awsErrorDetails().errorMessage())
                        .build());
            }
        }
        return SendMessageBatchResponse.builder().successful(successful).failed(failed).build();
    }

    @Override
    public ReceiveMessageResponse receiveMessage(ReceiveMessageRequest request) {
        SqsQueue queue = queue(request.queueUrl());
        int max = range("MaxNumberOfMessages", request.maxNumberOfMessages(), 1, 1, 10);
        int visibility = range("VisibilityTimeout", request.visibilityTimeout(),
                queue.spec().visibilityTimeoutSeconds(), 0, 43_200);
        int wait = range("WaitTimeSeconds", request.waitTimeSeconds(), queue.spec().receiveWaitSeconds(), 0, 20);
        Set<String> system = new HashSet<>(request.attributeNamesAsStrings());
        system.addAll(request.messageSystemAttributeNamesAsStrings());
        List<String> wanted = request.hasMessageAttributeNames() ? request.messageAttributeNames() : List.of();
        long deadline = System.nanoTime() + settings.nanos(wait);
        List<SqsQueue.Received> batch = receive(queue, max, visibility);
        // Long polling: keep looking until a message turns up or the wait ends.
        while (batch.isEmpty() && System.nanoTime() < deadline
                && pause(Math.min(settings.pollInterval().toNanos(), deadline - System.nanoTime()))) {
            batch = receive(queue, max, visibility);
        }
        List<Message> messages = new ArrayList<>(batch.size());
        for (SqsQueue.Received m : batch) {
            Map<String, MessageAttributeValue> attributes = selected(m.attributes(), wanted);
            messages.add(Message.builder()
                    .messageId(m.messageId())
                    .receiptHandle(m.receiptHandle())
                    .body(m.body())
                    .md5OfBody(m.md5OfBody())
                    .attributesWithStrings(systemAttributes(m, system))
                    .messageAttributes(attributes.isEmpty() ? null : attributes)
                    .md5OfMessageAttributes(attributes.isEmpty() ? null : MessageDigests.ofAttributes(attributes))
                    .build());
        }
        return ReceiveMessageResponse.builder().messages(messages).build();
    }

    @Override
    public DeleteMessageResponse deleteMessage(DeleteMessageRequest request) {
        SqsQueue queue = queue(request.queueUrl());
        if (queue.delete(request.receiptHandle())) {
            deleted.incrementAndGet();
        }
        return DeleteMessageResponse.builder().build();
    }

    @Override
    public ChangeMessageVisibilityResponse changeMessageVisibility(ChangeMessageVisibilityRequest request) {
        SqsQueue queue = queue(request.queueUrl());
        if (request.visibilityTimeout() == null) {
            throw SqsErrors.missingParameter("VisibilityTimeout");
        }
        int seconds = range("VisibilityTimeout", request.visibilityTimeout(), 0, 0, 43_200);
        queue.changeVisibility(request.receiptHandle(), settings.nanos(seconds), System.nanoTime());
        return ChangeMessageVisibilityResponse.builder().build();
    }

    @Override
    public GetQueueUrlResponse getQueueUrl(GetQueueUrlRequest request) {
        checkOpen();
        SqsQueue queue = request.queueName() == null ? null : byName.get(request.queueName());
        if (queue == null) {
            throw SqsErrors.queueDoesNotExist();
        }
        return GetQueueUrlResponse.builder().queueUrl(queue.spec().url()).build();
    }

    @Override
    public GetQueueAttributesResponse getQueueAttributes(GetQueueAttributesRequest request) {
        SqsQueue queue = queue(request.queueUrl());
        QueueSpec spec = queue.spec();
        SqsQueue.Counts counts = queue.counts(System.nanoTime());
        Map<String, String> all = new LinkedHashMap<>();
        all.put("QueueArn", spec.arn());
        all.put("ApproximateNumberOfMessages", String.valueOf(counts.visible()));
        all.put("ApproximateNumberOfMessagesNotVisible", String.valueOf(counts.notVisible()));
        all.put("ApproximateNumberOfMessagesDelayed", String.valueOf(counts.delayed()));
        all.put("CreatedTimestamp", String.valueOf(queue.createdMillis() / 1000));
        all.put("LastModifiedTimestamp", String.valueOf(queue.createdMillis() / 1000));
        all.put("VisibilityTimeout", String.valueOf(spec.visibilityTimeoutSeconds()));
        all.put("MaximumMessageSize", String.valueOf(spec.maximumMessageSize()));
        all.put("MessageRetentionPeriod", String.valueOf(spec.messageRetentionSeconds()));
        all.put("DelaySeconds", String.valueOf(spec.delaySeconds()));
        all.put("ReceiveMessageWaitTimeSeconds", String.valueOf(spec.receiveWaitSeconds()));
        if (spec.redrive().isSet()) {
            all.put("RedrivePolicy", "{\"deadLetterTargetArn\":\"" + spec.redrive().deadLetterTargetArn()
                    + "\",\"maxReceiveCount\":" + spec.redrive().maxReceiveCount() + "}");
        }
        List<String> names = request.attributeNamesAsStrings();
        if (names.contains("All")) {
            return GetQueueAttributesResponse.builder().attributesWithStrings(all).build();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : names) {
            if (all.containsKey(name)) {
                out.put(name, all.get(name));
            } else if (!name.equals("RedrivePolicy")) {
                throw SqsErrors.invalidAttributeName(name);
            }
        }
        return GetQueueAttributesResponse.builder().attributesWithStrings(out).build();
    }

    @Override
    public ListQueuesResponse listQueues(ListQueuesRequest request) {
        checkOpen();
        String prefix = request.queueNamePrefix() == null ? "" : request.queueNamePrefix();
        return ListQueuesResponse.builder().queueUrls(byName.values().stream()
                .map(SqsQueue::spec)
                .filter(spec -> spec.name().startsWith(prefix))
                .map(QueueSpec::url)
                .toList()).build();
    }

    @Override
    public ListQueuesResponse listQueues() {
        return listQueues(ListQueuesRequest.builder().build());
    }

    /**
     * Starts Lambda's event source mapping from {@code queue} (its URL or name, as
     * {@link SqsTrigger#queueName()} gives it) to a function: {@code invoke} takes the SQS event JSON
     * and returns the function's response JSON (or null), and throws when the invocation fails.
     *
     * @throws SqsException (QueueDoesNotExist) when the stack has no such queue
     */
    public void attach(String queue, SqsTrigger trigger, Function<String, String> invoke) {
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(invoke, "invoke");
        mappings.add(new EventSourceMapping(this, queue(queue), trigger, invoke, settings.maxConcurrentBatches()));
    }

    /**
     * Waits until every queue that an event source mapping reads is empty (no message delayed,
     * visible or in flight, failed ones included until they are deleted or dead-lettered) and no
     * invocation is running. Queues nobody reads are not waited for: nothing would ever empty them.
     *
     * @return true when that happened, false when {@code timeout} passed first
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!idle()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(left, settings.pollInterval().toNanos()));
        }
        return true;
    }

    public SqsCounters counters() {
        return new SqsCounters(sent.get(), received.get(), deleted.get(), redriven.get(), deadLettered.get(),
                invocations.get(), failedBatches.get(), failedItems.get());
    }

    /** Messages taken out of their queues without being deleted, oldest first. */
    public List<SqsDeadLetter> deadLetters() {
        return Collections.unmodifiableList(new ArrayList<>(deadLetters));
    }

    /** Stops the event source mappings; running invocations are interrupted and their batches stay in flight. */
    @Override
    public void close() {
        closed = true;
        poller.shutdownNow();
        invoker.shutdownNow();
    }

    List<SqsQueue.Received> receiveForMapping(SqsQueue queue, int max) {
        return receive(queue, max, queue.spec().visibilityTimeoutSeconds());
    }

    void deleteForMapping(SqsQueue queue, String receiptHandle) {
        if (queue.delete(receiptHandle)) {
            deleted.incrementAndGet();
        }
    }

    void recordInvocation(boolean batchFailed, int itemsFailed) {
        invocations.incrementAndGet();
        if (batchFailed) {
            failedBatches.incrementAndGet();
        }
        failedItems.addAndGet(itemsFailed);
    }

    private List<SqsQueue.Received> receive(SqsQueue queue, int max, int visibilitySeconds) {
        SqsQueue.Receipt receipt = queue.receive(max, settings.nanos(visibilitySeconds), System.nanoTime(), clock.millis());
        received.addAndGet(receipt.received().size());
        for (SqsQueue.Expelled e : receipt.expelled()) {
            SqsQueue target = e.receiveLimitReached() ? byArn.get(queue.spec().redrive().deadLetterTargetArn()) : null;
            if (target != null) {
                SqsQueue.Stored m = e.message();
                target.add(new SqsQueue.Stored(m.id, m.body, m.attributes, m.sentMillis, m.senderId, queue.spec().arn(),
                        System.nanoTime(), System.nanoTime() + settings.nanos(target.spec().messageRetentionSeconds())));
                redriven.incrementAndGet();
            } else {
                String reason = e.reason() + (queue.spec().redrive().isSet() && e.receiveLimitReached()
                        ? "; its dead-letter queue " + queue.spec().redrive().deadLetterTargetArn() + " is not in this stack" : "");
                deadLetters.add(new SqsDeadLetter(queue.spec().name(), e.message().id, e.message().body,
                        e.message().receiveCount, reason));
                deadLettered.incrementAndGet();
            }
        }
        return receipt.received();
    }

    private SqsQueue.Stored accept(SqsQueue queue, String body, Integer delaySeconds,
                                   Map<String, MessageAttributeValue> attributes) {
        if (body == null || body.isEmpty()) {
            throw SqsErrors.missingParameter("MessageBody");
        }
        // SQS's documented character set. Newer AWS answers may replace such characters instead of
        // refusing them; refusing locally keeps anything that passes here unchanged on AWS.
        body.codePoints().filter(c -> !allowed(c)).findFirst().ifPresent(c -> {
            throw SqsErrors.invalidMessageContents(c);
        });
        int delay = range("DelaySeconds", delaySeconds, queue.spec().delaySeconds(), 0, 900);
        checkAttributes(attributes);
        int limit = queue.spec().maximumMessageSize();
        if (size(body, attributes) > limit) {
            throw SqsErrors.invalidParameterValue("One or more parameters are invalid. Reason: Message must be shorter than "
                    + limit + " bytes.");
        }
        long now = System.nanoTime();
        SqsQueue.Stored m = new SqsQueue.Stored(UUID.randomUUID().toString(), body, attributes, clock.millis(), SENDER_ID,
                "", now + settings.nanos(delay), now + settings.nanos(queue.spec().messageRetentionSeconds()));
        queue.add(m);
        sent.incrementAndGet();
        return m;
    }

    private static void checkAttributes(Map<String, MessageAttributeValue> attributes) {
        if (attributes.size() > MAX_ATTRIBUTES) {
            throw SqsErrors.invalidParameterValue("Number of message attributes [" + attributes.size()
                    + "] exceeds the allowed maximum [" + MAX_ATTRIBUTES + "].");
        }
        attributes.forEach((name, value) -> {
            if (name.isEmpty() || name.length() > 256 || name.startsWith("AWS.") || name.startsWith("Amazon.")) {
                throw SqsErrors.invalidParameterValue("Message (user) attribute name '" + name + "' is invalid: names are "
                        + "1-256 characters and cannot start with AWS. or Amazon.");
            }
            String type = value.dataType() == null ? "" : value.dataType();
            boolean binary = type.startsWith("Binary");
            if (!binary && !type.startsWith("String") && !type.startsWith("Number")) {
                throw SqsErrors.invalidParameterValue("The type of message (user) attribute '" + name
                        + "' is invalid. You must use only the following supported type prefixes: Binary, Number, String.");
            }
            boolean hasValue = binary ? value.binaryValue() != null && value.binaryValue().asByteArray().length > 0
                    : value.stringValue() != null && !value.stringValue().isEmpty();
            if (!hasValue) {
                throw SqsErrors.invalidParameterValue("Message (user) attribute '" + name + "' must contain a non-empty value of type '"
                        + (binary ? "Binary" : type.startsWith("Number") ? "Number" : "String") + "'.");
            }
        });
    }

    /** A message's size as SQS counts it: the body plus each attribute's name, type and value. */
    private static int size(String body, Map<String, MessageAttributeValue> attributes) {
        int bytes = body == null ? 0 : body.getBytes(StandardCharsets.UTF_8).length;
        for (Map.Entry<String, MessageAttributeValue> e : attributes.entrySet()) {
            MessageAttributeValue v = e.getValue();
            bytes += e.getKey().getBytes(StandardCharsets.UTF_8).length;
            bytes += v.dataType() == null ? 0 : v.dataType().getBytes(StandardCharsets.UTF_8).length;
            bytes += v.stringValue() != null ? v.stringValue().getBytes(StandardCharsets.UTF_8).length
                    : v.binaryValue() != null ? v.binaryValue().asByteArray().length : 0;
        }
        return bytes;
    }

    private static boolean allowed(int c) {
        return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
                || (c >= 0x10000 && c <= 0x10FFFF);
    }

    private static Map<String, String> systemAttributes(SqsQueue.Received m, Set<String> requested) {
        boolean all = requested.contains("All");
        Map<String, String> values = new LinkedHashMap<>();
        values.put("ApproximateReceiveCount", String.valueOf(m.receiveCount()));
        values.put("SentTimestamp", String.valueOf(m.sentMillis()));
        values.put("SenderId", m.senderId());
        values.put("ApproximateFirstReceiveTimestamp", String.valueOf(m.firstReceiveMillis()));
        if (!m.deadLetterSourceArn().isEmpty()) {
            values.put("DeadLetterQueueSourceArn", m.deadLetterSourceArn());
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : SYSTEM_ATTRIBUTES) {
            if ((all || requested.contains(name)) && values.containsKey(name)) {
                out.put(name, values.get(name));
            }
        }
        return out;
    }

    /** The message attributes a receive asked for: {@code All} or {@code .*}, {@code prefix.*}, or exact names. */
    private static Map<String, MessageAttributeValue> selected(Map<String, MessageAttributeValue> attributes, List<String> wanted) {
        Map<String, MessageAttributeValue> out = new LinkedHashMap<>();
        attributes.forEach((name, value) -> {
            for (String w : wanted) {
                boolean match = w.equals("All") || w.equals(".*") || w.equals(name)
                        || (w.endsWith(".*") && name.startsWith(w.substring(0, w.length() - 1)));
                if (match) {
                    out.put(name, value);
                    return;
                }
            }
        });
        return out;
    }

    private static int range(String parameter, Integer value, int fallback, int min, int max) {
        int v = value == null ? fallback : value;
        if (v < min || v > max) {
            throw SqsErrors.invalidParameterValue("Value " + v + " for parameter " + parameter + " is invalid. Reason: Must be between "
                    + min + " and " + max + ", if provided.");
        }
        return v;
    }

    private SqsQueue queue(String urlOrName) {
        checkOpen();
        if (urlOrName == null || urlOrName.isEmpty()) {
            throw SqsErrors.missingParameter("QueueUrl");
        }
        SqsQueue queue = byName.get(urlOrName.substring(urlOrName.lastIndexOf('/') + 1));
        if (queue == null || (urlOrName.contains("/") && !queue.spec().url().equals(urlOrName))) {
            throw SqsErrors.queueDoesNotExist();
        }
        return queue;
    }

    private boolean idle() {
        for (EventSourceMapping mapping : mappings) {
            if (mapping.busy() || !mapping.queue().isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private void pollMappings() {
        if (closed) {
            return;
        }
        for (EventSourceMapping mapping : mappings) {
            mapping.poll(invoker);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this LocalSqs is closed");
        }
    }

    /** Sleeps; false when interrupted, which ends a long poll early with what it has (nothing). */
    private static boolean pause(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(Math.max(nanos, 0));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger number = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + number.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}

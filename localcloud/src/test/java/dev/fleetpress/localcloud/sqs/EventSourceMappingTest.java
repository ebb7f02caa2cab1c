package dev.fleetpress.localcloud.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.template.SqsTrigger;
import dev.fleetpress.localcloud.template.StackContext;
import dev.fleetpress.localcloud.template.Template;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

class EventSourceMappingTest {
    private static final Template TEMPLATE = Template.load(Path.of(System.getProperty("fleetpress.root"), "template.yaml"),
            StackContext.local(Map.of("SourceLocation", "x")));
    /** FleetFunction's AgentRetry event: BatchSize 10, ReportBatchItemFailures. */
    private static final SqsTrigger AGENT_RETRY = TEMPLATE.function("FleetFunction").sqsTriggers().get(0);
    private static final String URL = "https://sqs.us-east-1.amazonaws.com/000000000000/FleetRetryQueue";
    private static final Duration PATIENCE = Duration.ofSeconds(15);

    private final List<Json.Node> events = new CopyOnWriteArrayList<>();
    private LocalSqs sqs;

    @AfterEach
    void close() {
        if (sqs != null) {
            sqs.close();
        }
    }

    /** One SQS second lasts {@code secondLength}; FleetRetryQueue's visibility timeout is 360 s. */
    private LocalSqs start(Duration secondLength) {
        sqs = LocalSqs.fromTemplate(TEMPLATE, SqsSettings.realTime().withSecondLength(secondLength));
        return sqs;
    }

    private Function<String, String> recording(Function<Json.Node, String> function) {
        return json -> {
            Json.Node event = Json.parse(json);
            events.add(event);
            return function.apply(event);
        };
    }

    private List<Json.Node> records() {
        List<Json.Node> out = new ArrayList<>();
        events.forEach(e -> out.addAll(e.get("Records").elements()));
        return out;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + PATIENCE);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void attach_whenRealTemplate_readsAgentRetryTrigger() {
        assertThat(AGENT_RETRY.batchSize()).isEqualTo(10);
        assertThat(AGENT_RETRY.reportBatchItemFailures()).isTrue();
        assertThat(AGENT_RETRY.queueLogicalId()).isEqualTo("FleetRetryQueue");
    }

    @Test
    void attach_whenMessageDelayed_invokesAfterTheDelayWithLambdasSqsEvent() throws Exception {
        LocalSqs sqs = start(Duration.ofMillis(20));
        sqs.attach(AGENT_RETRY.queueName(), AGENT_RETRY, recording(e -> null));

        SendMessageResponse sent = sqs.sendMessage(b -> b.queueUrl(URL).messageBody("{\"instance\":\"i-1\"}").delaySeconds(15));
        assertThat(sqs.getQueueAttributes(b -> b.queueUrl(URL).attributeNamesWithStrings("ApproximateNumberOfMessagesDelayed"))
                .attributesAsStrings()).containsEntry("ApproximateNumberOfMessagesDelayed", "1");
        assertThat(events).isEmpty();
        assertThat(sqs.awaitIdle(PATIENCE)).isTrue();

        assertThat(events).singleElement().satisfies(event -> assertThat(event.fields()).containsOnlyKeys("Records"));
        Json.Node record = records().get(0);
        assertThat(record.fields().keySet()).containsExactly("messageId", "receiptHandle", "body", "attributes",
                "messageAttributes", "md5OfBody", "eventSource", "eventSourceARN", "awsRegion");
        assertThat(record.text("messageId")).isEqualTo(sent.messageId());
        assertThat(record.text("body")).isEqualTo("{\"instance\":\"i-1\"}");
        assertThat(record.text("md5OfBody")).isEqualTo(sent.md5OfMessageBody());
        assertThat(record.text("eventSource")).isEqualTo("aws:sqs");
        assertThat(record.text("eventSourceARN")).isEqualTo("arn:aws:sqs:us-east-1:000000000000:FleetRetryQueue");
        assertThat(record.text("awsRegion")).isEqualTo("us-east-1");
        assertThat(record.get("messageAttributes").fields()).isEmpty();
        Json.Node attributes = record.get("attributes");
        assertThat(attributes.fields().keySet()).containsExactly("ApproximateReceiveCount", "SentTimestamp", "SenderId",
                "ApproximateFirstReceiveTimestamp");
        assertThat(attributes.get("ApproximateReceiveCount").isString()).isTrue();
        assertThat(attributes.text("ApproximateReceiveCount")).isEqualTo("1");
        assertThat(Long.parseLong(attributes.text("ApproximateFirstReceiveTimestamp")))
                .isGreaterThanOrEqualTo(Long.parseLong(attributes.text("SentTimestamp")));
    }

    @Test
    void attach_whenMoreMessagesThanBatchSize_invokesWithAtMostBatchSizeRecords() throws Exception {
        LocalSqs sqs = start(Duration.ofMillis(1));
        for (int chunk = 0; chunk < 3; chunk++) {
            int first = chunk * 10;
            List<SendMessageBatchRequestEntry> entries = IntStream.range(first, Math.min(first + 10, 25))
                    .mapToObj(i -> SendMessageBatchRequestEntry.builder().id("m" + i).messageBody("message " + i).build())
                    .toList();
            sqs.sendMessageBatch(b -> b.queueUrl(URL).entries(entries));
        }

        sqs.attach(URL, AGENT_RETRY, recording(e -> null));
        assertThat(sqs.awaitIdle(PATIENCE)).isTrue();

        assertThat(events).extracting(e -> e.get("Records").elements().size()).containsExactlyInAnyOrder(10, 10, 5);
        assertThat(records()).extracting(r -> r.text("body")).hasSize(25).doesNotHaveDuplicates();
    }

    @Test
    void attach_whenFunctionThrows_redeliversWithReceiveCountIncremented() throws Exception {
        LocalSqs sqs = start(Duration.ofMillis(1));
        sqs.attach(URL, AGENT_RETRY, recording(e -> {
            if (events.size() == 1) {
                throw new IllegalStateException("first attempt fails");
            }
            return null;
        }));

        sqs.sendMessage(b -> b.queueUrl(URL).messageBody("retry me"));
        assertThat(sqs.awaitIdle(PATIENCE)).isTrue();

        assertThat(records()).extracting(r -> r.text("attributes", "ApproximateReceiveCount")).containsExactly("1", "2");
        assertThat(sqs.counters().failedBatches()).isEqualTo(1);
        assertThat(sqs.counters().deleted()).isEqualTo(1);
    }

    @Test
    void attach_whenBatchItemFailureReported_onlyThatMessageComesBack() throws Exception {
        LocalSqs sqs = start(Duration.ofMillis(1));
        sqs.sendMessageBatch(b -> b.queueUrl(URL).entries(
                e -> e.id("ok").messageBody("fine"), e -> e.id("bad").messageBody("fails once")));
        sqs.attach(URL, AGENT_RETRY, recording(event -> {
            List<Object> failures = new ArrayList<>();
            if (events.size() == 1) {
                for (Json.Node r : event.get("Records").elements()) {
                    if (r.text("body").equals("fails once")) {
                        failures.add(Json.object("itemIdentifier", r.text("messageId")));
                    }
                }
            }
            return Json.write(Json.object("batchItemFailures", failures));
        }));

        assertThat(sqs.awaitIdle(PATIENCE)).isTrue();

        assertThat(events).hasSize(2);
        assertThat(events.get(1).get("Records").elements()).singleElement().satisfies(r -> {
            assertThat(r.text("body")).isEqualTo("fails once");
            assertThat(r.text("attributes", "ApproximateReceiveCount")).isEqualTo("2");
        });
        assertThat(sqs.counters().failedItems()).isEqualTo(1);
    }

    @Test
    void attach_whenPartialResponseNamesUnknownMessage_retriesTheWholeBatch() throws Exception {
        LocalSqs sqs = start(Duration.ofMillis(1));
        sqs.sendMessage(b -> b.queueUrl(URL).messageBody("whole batch"));
        sqs.attach(URL, AGENT_RETRY, recording(e -> events.size() == 1
                ? "{\"batchItemFailures\":[{\"itemIdentifier\":\"not-in-the-batch\"}]}" : "{}"));

        assertThat(sqs.awaitIdle(PATIENCE)).isTrue();

        assertThat(records()).extracting(r -> r.text("attributes", "ApproximateReceiveCount")).containsExactly("1", "2");
    }

    @Test
    void attach_whenMessageKeepsFailing_deadLettersItAfterTheLocalCap() throws Exception {
        LocalSqs sqs = start(Duration.ofMillis(1));
        sqs.attach(URL, AGENT_RETRY, recording(e -> {
            throw new IllegalStateException("always fails");
        }));

        sqs.sendMessage(b -> b.queueUrl(URL).messageBody("poison"));
        await(() -> !sqs.deadLetters().isEmpty());

        assertThat(sqs.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.body()).isEqualTo("poison");
            assertThat(d.receiveCount()).isEqualTo(10);
            assertThat(d.queueName()).isEqualTo("FleetRetryQueue");
        });
        assertThat(events).hasSize(10);
        assertThat(sqs.awaitIdle(PATIENCE)).isTrue();
    }
}

package dev.fleetpress.localcloud.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.localcloud.template.StackContext;
import dev.fleetpress.localcloud.template.Template;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.BatchEntryIdsNotDistinctException;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

class LocalSqsTest {
    private static final String URL = "https://sqs.us-east-1.amazonaws.com/000000000000/FleetRetryQueue";
    /** One SQS second is a millisecond here: FleetRetryQueue's 360 s visibility timeout lasts 0.36 s. */
    private static final SqsSettings FAST = SqsSettings.realTime().withSecondLength(Duration.ofMillis(1));

    private LocalSqs sqs;

    private static Template realTemplate() {
        return Template.load(Path.of(System.getProperty("fleetpress.root"), "template.yaml"),
                StackContext.local(Map.of("SourceLocation", "x")));
    }

    private LocalSqs fromRealTemplate(SqsSettings settings) {
        sqs = LocalSqs.fromTemplate(realTemplate(), settings);
        return sqs;
    }

    @AfterEach
    void close() {
        if (sqs != null) {
            sqs.close();
        }
    }

    private static List<Message> receive(LocalSqs sqs, int max) {
        return sqs.receiveMessage(b -> b.queueUrl(URL).maxNumberOfMessages(max)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
    }

    @Test
    void fromTemplate_whenRealTemplate_createsFleetRetryQueueWithItsAttributes() {
        LocalSqs sqs = fromRealTemplate(FAST);

        assertThat(sqs.queues()).extracting(QueueSpec::name).containsExactly("FleetRetryQueue");
        assertThat(sqs.getQueueAttributes(b -> b.queueUrl(URL).attributeNames(QueueAttributeName.ALL)).attributesAsStrings())
                .containsEntry("VisibilityTimeout", "360")
                .containsEntry("MessageRetentionPeriod", "86400")
                .containsEntry("DelaySeconds", "0")
                .containsEntry("QueueArn", "arn:aws:sqs:us-east-1:000000000000:FleetRetryQueue");
    }

    @Test
    void sendMessage_whenBody_returnsMd5OfTheBody() {
        SendMessageResponse sent = fromRealTemplate(FAST).sendMessage(b -> b.queueUrl(URL).messageBody("Test message."));

        assertThat(sent.md5OfMessageBody()).isEqualTo("e4e68fb7bd0e697a0ae8f1bb342846b3");
        assertThat(sent.messageId()).matches("[0-9a-f-]{36}");
    }

    @Test
    void sendMessage_whenAttributes_returnsTheirDocumentedMd5() {
        SendMessageResponse sent = fromRealTemplate(FAST).sendMessage(b -> b.queueUrl(URL).messageBody("x")
                .messageAttributes(Map.of("attribName1",
                        MessageAttributeValue.builder().dataType("String").stringValue("attribValue 1").build())));

        assertThat(sent.md5OfMessageAttributes()).isEqualTo("19e27d4e946b072f3f58da80d94fd778");
    }

    @Test
    void sendMessage_whenQueueName_sendsToThatQueue() {
        LocalSqs sqs = fromRealTemplate(FAST);

        sqs.sendMessage(b -> b.queueUrl("FleetRetryQueue").messageBody("by name"));

        assertThat(receive(sqs, 1)).extracting(Message::body).containsExactly("by name");
    }

    @Test
    void sendMessage_whenUnknownQueue_throwsQueueDoesNotExist() {
        LocalSqs sqs = fromRealTemplate(FAST);

        assertThatThrownBy(() -> sqs.sendMessage(b -> b.queueUrl(URL.replace("FleetRetryQueue", "Nope")).messageBody("x")))
                .isInstanceOfSatisfying(QueueDoesNotExistException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AWS.SimpleQueueService.NonExistentQueue");
                    assertThat(e.statusCode()).isEqualTo(400);
                });
    }

    @Test
    void sendMessage_whenBodyLargerThan256KiB_throwsInvalidParameterValue() {
        LocalSqs sqs = fromRealTemplate(FAST);

        assertThatThrownBy(() -> sqs.sendMessage(b -> b.queueUrl(URL).messageBody("x".repeat(262_145))))
                .isInstanceOfSatisfying(SqsException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("shorter than 262144 bytes");
                });
    }

    @Test
    void sendMessage_whenBodyExactly256KiB_acceptsIt() {
        SendMessageResponse sent = fromRealTemplate(FAST).sendMessage(b -> b.queueUrl(URL).messageBody("x".repeat(262_144)));

        assertThat(sent.messageId()).isNotEmpty();
    }

    @Test
    void sendMessage_whenDelayAbove900_throwsInvalidParameterValue() {
        LocalSqs sqs = fromRealTemplate(FAST);

        assertThatThrownBy(() -> sqs.sendMessage(b -> b.queueUrl(URL).messageBody("x").delaySeconds(901)))
                .isInstanceOfSatisfying(SqsException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue"));
    }

    @Test
    void sendMessage_whenBodyHasControlCharacter_throwsInvalidMessageContents() {
        LocalSqs sqs = fromRealTemplate(FAST);

        assertThatThrownBy(() -> sqs.sendMessage(b -> b.queueUrl(URL).messageBody("a\u0000b")))
                .isInstanceOfSatisfying(SqsException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidMessageContents"));
    }

    @Test
    void sendMessageBatch_whenEntries_answersEachById() {
        SendMessageBatchResponse response = fromRealTemplate(FAST).sendMessageBatch(b -> b.queueUrl(URL).entries(
                e -> e.id("a").messageBody("one"),
                e -> e.id("b").messageBody("two").delaySeconds(1000)));

        assertThat(response.successful()).extracting(r -> r.id()).containsExactly("a");
        assertThat(response.failed()).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo("b");
            assertThat(f.code()).isEqualTo("InvalidParameterValue");
            assertThat(f.senderFault()).isTrue();
        });
    }

    @Test
    void sendMessageBatch_whenIdsRepeat_throwsBatchEntryIdsNotDistinct() {
        LocalSqs sqs = fromRealTemplate(FAST);

        assertThatThrownBy(() -> sqs.sendMessageBatch(b -> b.queueUrl(URL).entries(
                e -> e.id("a").messageBody("one"), e -> e.id("a").messageBody("two"))))
                .isInstanceOf(BatchEntryIdsNotDistinctException.class);
    }

    @Test
    void receiveMessage_whenVisibilityTimeoutEnds_returnsMessageWithReceiveCountIncremented() throws Exception {
        LocalSqs sqs = fromRealTemplate(FAST);
        sqs.sendMessage(b -> b.queueUrl(URL).messageBody("again"));
        assertThat(receive(sqs, 1)).singleElement().satisfies(
                m -> assertThat(m.attributesAsStrings()).containsEntry("ApproximateReceiveCount", "1"));

        Message second = awaitMessage(sqs);

        assertThat(second.attributesAsStrings()).containsEntry("ApproximateReceiveCount", "2");
    }

    @Test
    void receiveMessage_whenMessageInFlight_returnsNothing() {
        LocalSqs sqs = fromRealTemplate(FAST);
        sqs.sendMessage(b -> b.queueUrl(URL).messageBody("once"));
        receive(sqs, 1);

        assertThat(receive(sqs, 10)).isEmpty();
    }

    @Test
    void deleteMessage_whenLatestReceiptHandle_removesMessage() {
        LocalSqs sqs = fromRealTemplate(FAST);
        sqs.sendMessage(b -> b.queueUrl(URL).messageBody("done"));
        Message m = receive(sqs, 1).get(0);

        sqs.deleteMessage(b -> b.queueUrl(URL).receiptHandle(m.receiptHandle()));

        assertThat(attribute(sqs, "ApproximateNumberOfMessagesNotVisible")).isEqualTo("0");
        assertThat(attribute(sqs, "ApproximateNumberOfMessages")).isEqualTo("0");
    }

    @Test
    void deleteMessage_whenHandleIsGarbage_throwsReceiptHandleIsInvalid() {
        LocalSqs sqs = fromRealTemplate(FAST);

        assertThatThrownBy(() -> sqs.deleteMessage(b -> b.queueUrl(URL).receiptHandle("not a handle")))
                .isInstanceOfSatisfying(SqsException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ReceiptHandleIsInvalid"));
    }

    @Test
    void changeMessageVisibility_whenZero_makesMessageVisibleAtOnce() {
        LocalSqs sqs = fromRealTemplate(SqsSettings.realTime());
        sqs.sendMessage(b -> b.queueUrl(URL).messageBody("back"));
        Message m = receive(sqs, 1).get(0);

        sqs.changeMessageVisibility(b -> b.queueUrl(URL).receiptHandle(m.receiptHandle()).visibilityTimeout(0));

        assertThat(receive(sqs, 1)).extracting(Message::body).containsExactly("back");
    }

    @Test
    void getQueueAttributes_whenMessageDelayed_countsItAsDelayed() {
        LocalSqs sqs = fromRealTemplate(SqsSettings.realTime());

        sqs.sendMessage(b -> b.queueUrl(URL).messageBody("later").delaySeconds(900));

        assertThat(attribute(sqs, "ApproximateNumberOfMessagesDelayed")).isEqualTo("1");
        assertThat(attribute(sqs, "ApproximateNumberOfMessages")).isEqualTo("0");
    }

    @Test
    void getQueueUrl_whenQueueName_returnsUrl() {
        assertThat(fromRealTemplate(FAST).getQueueUrl(b -> b.queueName("FleetRetryQueue")).queueUrl()).isEqualTo(URL);
    }

    @Test
    void receiveMessage_whenMaxReceiveCountPassed_movesMessageToDeadLetterQueue() throws Exception {
        sqs = LocalSqs.fromTemplate(Template.parse("""
                Resources:
                  Work:
                    Type: AWS::SQS::Queue
                    Properties:
                      VisibilityTimeout: 5
                      RedrivePolicy:
                        deadLetterTargetArn: !GetAtt Dead.Arn
                        maxReceiveCount: 2
                  Dead:
                    Type: AWS::SQS::Queue
                """, StackContext.local()), FAST);
        sqs.sendMessage(b -> b.queueUrl("Work").messageBody("poison"));

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<Message> dead = List.of();
        while (dead.isEmpty() && System.nanoTime() < deadline) {
            sqs.receiveMessage(b -> b.queueUrl("Work").maxNumberOfMessages(10));
            dead = sqs.receiveMessage(b -> b.queueUrl("Dead").messageSystemAttributeNamesWithStrings("All")).messages();
            Thread.sleep(2);
        }

        assertThat(dead).singleElement().satisfies(m -> {
            assertThat(m.body()).isEqualTo("poison");
            assertThat(m.attributesAsStrings()).containsEntry("DeadLetterQueueSourceArn", "arn:aws:sqs:us-east-1:000000000000:Work");
        });
        assertThat(sqs.counters().redriven()).isEqualTo(1);
    }

    private static String attribute(LocalSqs sqs, String name) {
        return sqs.getQueueAttributes(b -> b.queueUrl(URL).attributeNamesWithStrings(name)).attributesAsStrings().get(name);
    }

    private static Message awaitMessage(LocalSqs sqs) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            List<Message> messages = receive(sqs, 1);
            if (!messages.isEmpty()) {
                return messages.get(0);
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no message became visible within 10 s");
    }
}

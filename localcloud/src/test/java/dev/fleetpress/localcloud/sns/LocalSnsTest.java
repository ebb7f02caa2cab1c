package dev.fleetpress.localcloud.sns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.localcloud.template.StackContext;
import dev.fleetpress.localcloud.template.Template;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sns.model.PublishResponse;
import software.amazon.awssdk.services.sns.model.Topic;

class LocalSnsTest {
    private static final String ARN = "arn:aws:sns:us-east-1:000000000000:AlertTopic";

    private final LocalSns sns = LocalSns.fromTemplate(Template.load(
            Path.of(System.getProperty("fleetpress.root"), "template.yaml"), StackContext.local(Map.of("SourceLocation", "x"))));

    @Test
    void listTopics_whenRealTemplate_listsAlertTopic() {
        assertThat(sns.listTopics().topics()).extracting(Topic::topicArn).containsExactly(ARN);
    }

    @Test
    void publish_whenTopicArn_recordsTheMessage() {
        PublishResponse response = sns.publish(b -> b.topicArn(ARN).subject("Crash loop").message("i-1 failed 3 times")
                .messageAttributes(Map.of("environment",
                        MessageAttributeValue.builder().dataType("String").stringValue("production").build())));

        assertThat(sns.published("AlertTopic")).singleElement().satisfies(p -> {
            assertThat(p.messageId()).isEqualTo(response.messageId());
            assertThat(p.topicArn()).isEqualTo(ARN);
            assertThat(p.subject()).isEqualTo("Crash loop");
            assertThat(p.message()).isEqualTo("i-1 failed 3 times");
            assertThat(p.attributes()).containsExactly(Map.entry("environment", "production"));
        });
    }

    @Test
    void publish_whenTopicName_publishesToThatTopic() {
        sns.publish(b -> b.topicArn("AlertTopic").message("by name"));

        assertThat(sns.published(ARN)).extracting(Published::message).containsExactly("by name");
    }

    @Test
    void publish_whenUnknownTopic_throwsNotFound() {
        assertThatThrownBy(() -> sns.publish(b -> b.topicArn(ARN.replace("AlertTopic", "Nope")).message("x")))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NotFound");
                    assertThat(e.statusCode()).isEqualTo(404);
                });
    }

    @Test
    void publish_whenSubjectLongerThan100_throwsInvalidParameter() {
        assertThatThrownBy(() -> sns.publish(b -> b.topicArn(ARN).subject("s".repeat(101)).message("x")))
                .isInstanceOfSatisfying(InvalidParameterException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Invalid parameter: Subject"));
    }

    @Test
    void publish_whenMessageLargerThan256KiB_throwsInvalidParameter() {
        assertThatThrownBy(() -> sns.publish(b -> b.topicArn(ARN).message("m".repeat(262_145))))
                .isInstanceOfSatisfying(InvalidParameterException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Invalid parameter: Message too long"));
    }

    @Test
    void publish_whenEmptyMessage_throwsInvalidParameter() {
        assertThatThrownBy(() -> sns.publish(b -> b.topicArn(ARN).message("")))
                .isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void subscribe_whenJsonMessageStructure_receivesTheDefaultEntry() {
        List<String> received = new CopyOnWriteArrayList<>();
        sns.subscribe("AlertTopic", received::add);

        sns.publish(b -> b.topicArn(ARN).messageStructure("json").message("{\"default\":\"plain\",\"email\":\"long\"}"));

        assertThat(received).containsExactly("plain");
    }

    @Test
    void publish_whenSubscriberThrows_succeedsAndKeepsTheFailure() {
        sns.subscribe(ARN, m -> {
            throw new IllegalStateException("subscriber down");
        });

        PublishResponse response = sns.publish(b -> b.topicArn(ARN).message("still published"));

        assertThat(sns.failedDeliveries()).singleElement()
                .satisfies(f -> assertThat(f.messageId()).isEqualTo(response.messageId()));
        assertThat(sns.published(ARN)).hasSize(1);
    }
}

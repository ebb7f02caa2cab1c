package dev.fleetpress.localcloud.sns;

import dev.fleetpress.json.Json;
import dev.fleetpress.json.JsonException;
import dev.fleetpress.localcloud.template.Template;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.ListTopicsRequest;
import software.amazon.awssdk.services.sns.model.ListTopicsResponse;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;
import software.amazon.awssdk.services.sns.model.Topic;

/**
 * Standard SNS topics for one machine, behind the SDK's own {@link SnsClient} interface so that
 * FleetPress's production adapters run against it unchanged. Published messages are recorded
 * ({@link #published}) for tests, the demo and the CLI, and handed to in-process subscribers
 * ({@link #subscribe}) on the publisher's thread.
 *
 * <p>Implemented: {@code Publish} (topic by ARN or name, through {@code TopicArn} or
 * {@code TargetArn}; Subject up to 100 printable characters without line breaks; Message required,
 * at most 256 KiB with its attributes; {@code MessageStructure} json with its {@code default} entry)
 * and {@code ListTopics}. Every other operation is the SDK's default, which throws
 * {@link UnsupportedOperationException}. Errors are the SDK's modeled exceptions with SNS's error codes
 * ({@code NotFound} 404, {@code InvalidParameter} 400). No FIFO topics, no delivery to real endpoints.
 * Thread-safe.
 */
public final class LocalSns implements SnsClient {
    private static final int MAX_MESSAGE_BYTES = 262_144;
    private static final int MAX_SUBJECT = 100;

    private final Map<String, TopicState> byName = new LinkedHashMap<>();
    private final List<FailedDelivery> failedDeliveries = new CopyOnWriteArrayList<>();
    private final Clock clock = Clock.systemUTC();

    private record TopicState(String arn, List<Published> published, List<Consumer<String>> subscribers) {
    }

    private LocalSns(List<String> topicArns) {
        for (String arn : topicArns) {
            String name = arn.substring(arn.lastIndexOf(':') + 1);
            if (byName.putIfAbsent(name, new TopicState(arn, new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>())) != null) {
                throw new IllegalArgumentException("two topics are named " + name);
            }
        }
    }

    /** The topics of template.yaml ({@code AWS::SNS::Topic}), with the ARNs {@code !Ref} gives them. */
    public static LocalSns fromTemplate(Template template) {
        return new LocalSns(template.resourcesOfType("AWS::SNS::Topic").stream().map(template::ref).toList());
    }

    /** The topics with these ARNs. */
    public static LocalSns create(List<String> topicArns) {
        return new LocalSns(topicArns);
    }

    @Override
    public String serviceName() {
        return SnsClient.SERVICE_NAME;
    }

    @Override
    public PublishResponse publish(PublishRequest request) {
        if (request.phoneNumber() != null) {
            throw SnsErrors.invalidParameter("PhoneNumber (localcloud delivers to topics only)");
        }
        TopicState topic = topic(request.topicArn() != null ? request.topicArn() : request.targetArn());
        String message = request.message();
        if (message == null || message.isEmpty()) {
            throw SnsErrors.invalidParameter("Empty message");
        }
        String subject = request.subject() == null ? "" : request.subject();
        checkSubject(subject);
        Map<String, String> attributes = attributes(request);
        if (size(message, request) > MAX_MESSAGE_BYTES) {
            throw SnsErrors.invalidParameter("Message too long");
        }
        String structure = request.messageStructure() == null ? "" : request.messageStructure();
        String delivered = structure.isEmpty() ? message : defaultEntry(message, structure);
        Published published = new Published(topic.arn(), UUID.randomUUID().toString(), subject, message, structure,
                attributes, clock.instant());
        topic.published().add(published);
        for (Consumer<String> subscriber : topic.subscribers()) {
            try {
                subscriber.accept(delivered);
            } catch (RuntimeException e) {
                failedDeliveries.add(new FailedDelivery(topic.arn(), published.messageId(), e));
            }
        }
        return PublishResponse.builder().messageId(published.messageId()).build();
    }

    @Override
    public ListTopicsResponse listTopics(ListTopicsRequest request) {
        return ListTopicsResponse.builder()
                .topics(byName.values().stream().map(t -> Topic.builder().topicArn(t.arn()).build()).toList())
                .build();
    }

    @Override
    public ListTopicsResponse listTopics() {
        return listTopics(ListTopicsRequest.builder().build());
    }

    /**
     * Everything published to {@code topic} (ARN or name), oldest first.
     *
     * @throws software.amazon.awssdk.services.sns.model.NotFoundException when the stack has no such topic
     */
    public List<Published> published(String topic) {
        return Collections.unmodifiableList(new ArrayList<>(topic(topic).published()));
    }

    /**
     * Hands every later message of {@code topic} (ARN or name) to {@code subscriber}: the message text,
     * or its {@code default} entry when published with {@code MessageStructure} json.
     */
    public void subscribe(String topic, Consumer<String> subscriber) {
        topic(topic).subscribers().add(Objects.requireNonNull(subscriber, "subscriber"));
    }

    /** Deliveries to subscribers that threw, oldest first. */
    public List<FailedDelivery> failedDeliveries() {
        return Collections.unmodifiableList(new ArrayList<>(failedDeliveries));
    }

    @Override
    public void close() {
        // Nothing to release: topics live in memory and subscribers run on the publisher's thread.
    }

    private TopicState topic(String arnOrName) {
        if (arnOrName == null || arnOrName.isEmpty()) {
            throw SnsErrors.invalidParameter("TopicArn or TargetArn Reason: no value for required parameter");
        }
        TopicState topic = byName.get(arnOrName.substring(arnOrName.lastIndexOf(':') + 1));
        if (topic == null || (arnOrName.startsWith("arn:") && !topic.arn().equals(arnOrName))) {
            throw SnsErrors.topicNotFound();
        }
        return topic;
    }

    private static void checkSubject(String subject) {
        if (subject.length() > MAX_SUBJECT) {
            throw SnsErrors.invalidParameter("Subject");
        }
        for (int i = 0; i < subject.length(); i++) {
            char c = subject.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                throw SnsErrors.invalidParameter("Subject");
            }
        }
    }

    /** With {@code MessageStructure} json, SNS requires a JSON object whose {@code default} entry is a string. */
    private static String defaultEntry(String message, String structure) {
        if (!structure.equals("json")) {
            throw SnsErrors.invalidParameter("MessageStructure Reason: only json is supported");
        }
        try {
            Json.Node root = Json.parse(message);
            if (root.isObject()) {
                return root.find("default").filter(Json.Node::isString).map(Json.Node::asText).orElseThrow(() ->
                        SnsErrors.invalidParameter("Message Structure - No default entry in JSON message body"));
            }
        } catch (JsonException e) {
            throw SnsErrors.invalidParameter("Message Structure - JSON message body failed to parse");
        }
        throw SnsErrors.invalidParameter("Message Structure - JSON message body failed to parse");
    }

    private static Map<String, String> attributes(PublishRequest request) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!request.hasMessageAttributes()) {
            return out;
        }
        request.messageAttributes().forEach((name, value) -> {
            if (value.dataType() == null || value.dataType().isEmpty()) {
                throw SnsErrors.invalidParameter("MessageAttributes['" + name + "'].DataType Reason: no value for required parameter");
            }
            if (value.binaryValue() != null) {
                out.put(name, Base64.getEncoder().encodeToString(value.binaryValue().asByteArray()));
            } else if (value.stringValue() != null) {
                out.put(name, value.stringValue());
            } else {
                throw SnsErrors.invalidParameter("The message attribute '" + name + "' must contain non-empty message attribute value");
            }
        });
        return out;
    }

    /** The size SNS limits: the message plus each attribute's name, type and value. */
    private static int size(String message, PublishRequest request) {
        int bytes = message.getBytes(StandardCharsets.UTF_8).length;
        if (request.hasMessageAttributes()) {
            for (Map.Entry<String, MessageAttributeValue> e : request.messageAttributes().entrySet()) {
                MessageAttributeValue v = e.getValue();
                bytes += e.getKey().getBytes(StandardCharsets.UTF_8).length + v.dataType().getBytes(StandardCharsets.UTF_8).length
                        + (v.binaryValue() != null ? v.binaryValue().asByteArray().length
                        : v.stringValue().getBytes(StandardCharsets.UTF_8).length);
            }
        }
        return bytes;
    }
}

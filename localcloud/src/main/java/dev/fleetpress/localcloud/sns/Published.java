package dev.fleetpress.localcloud.sns;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One message published to a topic, as the publisher sent it.
 *
 * @param subject          {@code Subject}, empty when none was given
 * @param message          {@code Message} as sent (with {@code MessageStructure} json, the whole JSON document)
 * @param messageStructure {@code MessageStructure}, empty when none was given
 * @param attributes       string and number attribute values, binary ones in base64
 */
public record Published(String topicArn, String messageId, String subject, String message, String messageStructure,
                        Map<String, String> attributes, Instant timestamp) {
    public Published {
        Objects.requireNonNull(topicArn, "topicArn");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(messageStructure, "messageStructure");
        attributes = Map.copyOf(attributes);
        Objects.requireNonNull(timestamp, "timestamp");
    }
}

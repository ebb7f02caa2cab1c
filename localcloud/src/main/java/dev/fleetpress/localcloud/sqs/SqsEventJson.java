package dev.fleetpress.localcloud.sqs;

import dev.fleetpress.json.Json;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** The event Lambda's SQS event source mapping invokes a function with, field for field. */
final class SqsEventJson {
    private SqsEventJson() {
    }

    static String of(QueueSpec queue, List<SqsQueue.Received> batch) {
        String region = queue.arn().split(":")[3];
        List<Object> records = new ArrayList<>(batch.size());
        for (SqsQueue.Received m : batch) {
            Map<String, Object> attributes = Json.object(
                    "ApproximateReceiveCount", String.valueOf(m.receiveCount()),
                    "SentTimestamp", String.valueOf(m.sentMillis()),
                    "SenderId", m.senderId(),
                    "ApproximateFirstReceiveTimestamp", String.valueOf(m.firstReceiveMillis()));
            if (!m.deadLetterSourceArn().isEmpty()) {
                attributes.put("DeadLetterQueueSourceArn", m.deadLetterSourceArn());
            }
            Map<String, Object> record = Json.object(
                    "messageId", m.messageId(),
                    "receiptHandle", m.receiptHandle(),
                    "body", m.body(),
                    "attributes", attributes,
                    "messageAttributes", messageAttributes(m.attributes()),
                    "md5OfBody", m.md5OfBody());
            // Lambda includes the attributes' digest only when the message has attributes.
            if (!m.md5OfAttributes().isEmpty()) {
                record.put("md5OfMessageAttributes", m.md5OfAttributes());
            }
            record.put("eventSource", "aws:sqs");
            record.put("eventSourceARN", queue.arn());
            record.put("awsRegion", region);
            records.add(record);
        }
        return Json.write(Json.object("Records", records));
    }

    private static Map<String, Object> messageAttributes(Map<String, MessageAttributeValue> attributes) {
        Map<String, Object> out = new LinkedHashMap<>();
        new TreeMap<>(attributes).forEach((name, value) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            if (value.stringValue() != null) {
                entry.put("stringValue", value.stringValue());
            }
            if (value.binaryValue() != null) {
                entry.put("binaryValue", base64(value.binaryValue()));
            }
            entry.put("stringListValues", value.stringListValues());
            entry.put("binaryListValues", value.binaryListValues().stream().map(SqsEventJson::base64).toList());
            entry.put("dataType", value.dataType());
            out.put(name, entry);
        });
        return out;
    }

    private static String base64(SdkBytes bytes) {
        return Base64.getEncoder().encodeToString(bytes.asByteArray());
    }
}

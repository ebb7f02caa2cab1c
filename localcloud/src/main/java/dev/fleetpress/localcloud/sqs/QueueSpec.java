package dev.fleetpress.localcloud.sqs;

import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.template.Template;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A standard SQS queue as template.yaml declares it ({@code AWS::SQS::Queue}), with SQS's defaults
 * for what the template leaves out.
 *
 * @param name                      the physical name (the last segment of {@link #url()})
 * @param url                       what {@code !Ref} gives: {@code https://sqs.<region>.amazonaws.com/<account>/<name>}
 * @param arn                       what {@code !GetAtt …Arn} gives
 * @param visibilityTimeoutSeconds  {@code VisibilityTimeout}, 0–43,200 (default 30)
 * @param messageRetentionSeconds   {@code MessageRetentionPeriod}, 60–1,209,600 (default 345,600: four days)
 * @param delaySeconds              {@code DelaySeconds}, 0–900 (default 0)
 * @param maximumMessageSize        {@code MaximumMessageSize} in bytes, 1,024–1,048,576 (default 262,144)
 * @param receiveWaitSeconds        {@code ReceiveMessageWaitTimeSeconds}, 0–20 (default 0)
 * @param redrive                   {@code RedrivePolicy}, {@link Redrive#NONE} when absent
 */
public record QueueSpec(String logicalId, String name, String url, String arn, int visibilityTimeoutSeconds,
                        int messageRetentionSeconds, int delaySeconds, int maximumMessageSize, int receiveWaitSeconds,
                        Redrive redrive) {
    public QueueSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(redrive, "redrive");
        within(logicalId, "VisibilityTimeout", visibilityTimeoutSeconds, 0, 43_200);
        within(logicalId, "MessageRetentionPeriod", messageRetentionSeconds, 60, 1_209_600);
        within(logicalId, "DelaySeconds", delaySeconds, 0, 900);
        within(logicalId, "MaximumMessageSize", maximumMessageSize, 1024, 1_048_576);
        within(logicalId, "ReceiveMessageWaitTimeSeconds", receiveWaitSeconds, 0, 20);
    }

    /**
     * A queue's dead-letter rule: after {@code maxReceiveCount} receives, SQS moves the message to
     * the queue {@code deadLetterTargetArn}.
     */
    public record Redrive(String deadLetterTargetArn, int maxReceiveCount) {
        /** No redrive policy: SQS keeps a failing message until its retention period ends. */
        public static final Redrive NONE = new Redrive("", 0);

        public Redrive {
            Objects.requireNonNull(deadLetterTargetArn, "deadLetterTargetArn");
            if (!deadLetterTargetArn.isEmpty()) {
                within("RedrivePolicy", "maxReceiveCount", maxReceiveCount, 1, 1000);
            }
        }

        public boolean isSet() {
            return !deadLetterTargetArn.isEmpty();
        }
    }

    /** Every {@code AWS::SQS::Queue} of the template, in template order. */
    public static List<QueueSpec> fromTemplate(Template template) {
        List<QueueSpec> out = new ArrayList<>();
        for (String id : template.resourcesOfType("AWS::SQS::Queue")) {
            Map<String, Object> props = template.resolvedProperties(id);
            if (Boolean.parseBoolean(String.valueOf(props.get("FifoQueue")))) {
                throw new IllegalArgumentException(id + " is a FIFO queue; localcloud models standard queues only "
                        + "(no message groups, deduplication or exactly-once processing)");
            }
            String url = template.ref(id);
            String arn = String.valueOf(template.resolved(Map.of("Fn::GetAtt", List.of(id, "Arn"))));
            out.add(new QueueSpec(id, url.substring(url.lastIndexOf('/') + 1), url, arn,
                    number(props, "VisibilityTimeout", 30, id),
                    number(props, "MessageRetentionPeriod", 345_600, id),
                    number(props, "DelaySeconds", 0, id),
                    number(props, "MaximumMessageSize", 262_144, id),
                    number(props, "ReceiveMessageWaitTimeSeconds", 0, id),
                    redrive(props.get("RedrivePolicy"), id)));
        }
        return List.copyOf(out);
    }

    /** CloudFormation takes the policy as an object or as its JSON text. */
    private static Redrive redrive(Object declared, String id) {
        if (declared == null) {
            return Redrive.NONE;
        }
        Json.Node policy = Json.parse(declared instanceof String text ? text : Json.write(declared));
        String target = policy.findText("deadLetterTargetArn").orElseThrow(() -> new IllegalArgumentException(
                id + ".RedrivePolicy has no deadLetterTargetArn"));
        String count = policy.findText("maxReceiveCount").orElseThrow(() -> new IllegalArgumentException(
                id + ".RedrivePolicy has no maxReceiveCount"));
        return new Redrive(target, parse(count, id + ".RedrivePolicy.maxReceiveCount"));
    }

    private static int number(Map<String, Object> props, String property, int fallback, String id) {
        Object value = props.get(property);
        return value == null ? fallback : parse(String.valueOf(value), id + "." + property);
    }

    private static int parse(String text, String what) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a whole number, got " + text, e);
        }
    }

    private static void within(String id, String property, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(id + "." + property + " must be " + min + "–" + max + ", got " + value);
        }
    }
}

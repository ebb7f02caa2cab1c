package dev.fleetpress.aws;

import dev.fleetpress.fleet.FleetBackendException;
import dev.fleetpress.fleet.RetryMessage;
import dev.fleetpress.fleet.RetryQueue;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;

/** {@link RetryQueue} as SQS SendMessage with DelaySeconds to the fleet's retry queue (RETRY_QUEUE_URL). */
public final class SqsRetryQueue implements RetryQueue {
    private final Supplier<SqsClient> sqs;
    private final String queueUrl;

    private SqsRetryQueue(Supplier<SqsClient> sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    /** The client is fetched on the first send, so constructing this calls nothing. */
    public static SqsRetryQueue create(Supplier<SqsClient> sqs, String queueUrl) {
        Objects.requireNonNull(sqs, "sqs");
        if (queueUrl == null || !queueUrl.startsWith("https://") && !queueUrl.startsWith("http://")) {
            throw new IllegalArgumentException("RETRY_QUEUE_URL '" + queueUrl + "' is not a queue URL; template.yaml "
                    + "sets it to !Ref FleetRetryQueue");
        }
        return new SqsRetryQueue(sqs, queueUrl);
    }

    @Override
    public void send(RetryMessage message, Duration delay) {
        try {
            sqs.get().sendMessage(b -> b.queueUrl(queueUrl).messageBody(message.toJson())
                    .delaySeconds((int) Math.min(900, Math.max(0, delay.toSeconds()))));
        } catch (SdkException e) {
            throw new FleetBackendException("SQS SendMessage to " + queueUrl + " failed: " + e.getMessage()
                    + "; the trigger will retry", e);
        }
    }
}

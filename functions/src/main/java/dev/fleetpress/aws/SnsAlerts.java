package dev.fleetpress.aws;

import dev.fleetpress.fleet.Alerts;
import dev.fleetpress.fleet.FleetBackendException;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;

/** {@link Alerts} as SNS Publish to the alert topic (ALERT_TOPIC_ARN). */
public final class SnsAlerts implements Alerts {
    private final Supplier<SnsClient> sns;
    private final String topicArn;

    private SnsAlerts(Supplier<SnsClient> sns, String topicArn) {
        this.sns = sns;
        this.topicArn = topicArn;
    }

    /** The client is fetched on the first publish, so constructing this calls nothing. */
    public static SnsAlerts create(Supplier<SnsClient> sns, String topicArn) {
        Objects.requireNonNull(sns, "sns");
        if (topicArn == null || !topicArn.startsWith("arn:") || !topicArn.contains(":sns:")) {
            throw new IllegalArgumentException("ALERT_TOPIC_ARN '" + topicArn + "' is not an SNS topic ARN; "
                    + "template.yaml sets it to !Ref AlertTopic");
        }
        return new SnsAlerts(sns, topicArn);
    }

    @Override
    public void publish(String subject, String message) {
        // SNS subjects: at most 100 printable ASCII characters, no line breaks.
        String safeSubject = subject.replaceAll("[^\\x20-\\x7E]", "?");
        String trimmed = safeSubject.length() > 100 ? safeSubject.substring(0, 100) : safeSubject;
        try {
            sns.get().publish(b -> b.topicArn(topicArn).subject(trimmed).message(message));
        } catch (SdkException e) {
            throw new FleetBackendException("SNS Publish to " + topicArn + " failed: " + e.getMessage()
                    + "; the trigger will retry", e);
        }
    }
}

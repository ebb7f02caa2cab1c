package dev.fleetpress.localcloud.sns;

/**
 * A delivery to an in-process subscriber that threw. The publish itself succeeded, as on SNS, where a
 * subscriber's failure never fails the publisher; it is kept here rather than lost.
 */
public record FailedDelivery(String topicArn, String messageId, Throwable error) {
}

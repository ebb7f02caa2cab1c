package dev.fleetpress.localcloud.s3;

/**
 * Receives the S3 event notifications of {@link LocalS3}, one call per matching {@link NotificationRule}
 * and created object, in the order the objects were created.
 *
 * <p>Calls come from a single delivery thread owned by {@link LocalS3}, never from the thread that
 * answers the write, so a slow or failing sink cannot delay or fail a PutObject. An exception thrown by
 * the sink is logged and the event is dropped: retrying and durability are the sink's business (in
 * localcloud, the event bus's), as they are for S3's own at-least-once delivery.
 */
@FunctionalInterface
public interface NotificationSink {

    /**
     * Delivers one notification.
     *
     * @param target the {@link NotificationRule#target()} of the rule that matched
     * @param eventJson the notification body exactly as S3 sends it: {@code {"Records":[{…}]}}
     */
    void deliver(String target, String eventJson);

    /** A sink that drops every notification, for callers that do not route S3 events. */
    static NotificationSink discard() {
        return (target, eventJson) -> { };
    }
}

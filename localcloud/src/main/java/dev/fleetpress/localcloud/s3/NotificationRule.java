package dev.fleetpress.localcloud.s3;

import java.util.List;
import java.util.Objects;

/**
 * One entry of a bucket's notification configuration, as in S3's {@code PutBucketNotificationConfiguration}.
 *
 * @param id the configuration id; it appears as {@code s3.configurationId} in each event
 * @param events event types such as {@code s3:ObjectCreated:*} or {@code s3:ObjectCreated:Put}; a type
 *     ending in {@code *} matches every event that starts with what precedes the star
 * @param prefix the key must start with this; {@code ""} for any key
 * @param suffix the key must end with this; {@code ""} for any key
 * @param target where matching events go (for example a function name or queue ARN); handed to the
 *     {@link NotificationSink} as is
 */
public record NotificationRule(String id, List<String> events, String prefix, String suffix, String target) {

    public NotificationRule {
        requireText(id, "id");
        requireText(target, "target");
        Objects.requireNonNull(prefix, "prefix must not be null; use \"\" to match every key");
        Objects.requireNonNull(suffix, "suffix must not be null; use \"\" to match every key");
        Objects.requireNonNull(events, "events must not be null");
        if (events.isEmpty()) {
            throw new IllegalArgumentException("rule " + id + " lists no events; give at least one such as s3:ObjectCreated:*");
        }
        for (String event : events) {
            if (event == null || !event.startsWith("s3:")) {
                throw new IllegalArgumentException("rule " + id + " has event type " + event
                        + "; S3 event types start with s3:, for example s3:ObjectCreated:*");
            }
        }
        events = List.copyOf(events);
    }

    /**
     * Whether this rule selects an event.
     *
     * @param eventName the event name as it appears in a record, for example {@code ObjectCreated:Put}
     * @param key the object key, not encoded
     */
    public boolean matches(String eventName, String key) {
        return key.startsWith(prefix) && key.endsWith(suffix) && events.stream().anyMatch(e -> selects(e, eventName));
    }

    private static boolean selects(String eventType, String eventName) {
        String qualified = "s3:" + eventName;
        if (eventType.endsWith("*")) {
            return qualified.startsWith(eventType.substring(0, eventType.length() - 1));
        }
        return qualified.equals(eventType);
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("notification rule " + name + " must not be blank");
        }
    }
}

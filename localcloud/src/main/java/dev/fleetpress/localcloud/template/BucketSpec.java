package dev.fleetpress.localcloud.template;

import java.util.Map;

/**
 * An S3 bucket of the stack.
 *
 * @param name                      the local physical name ({@code BucketName}, else {@code <stack>-<logicalid>})
 * @param notificationConfiguration the resolved {@code NotificationConfiguration}, empty when none
 */
public record BucketSpec(String logicalId, String name, Map<String, Object> notificationConfiguration) {
    public BucketSpec {
        notificationConfiguration = Map.copyOf(notificationConfiguration);
    }
}

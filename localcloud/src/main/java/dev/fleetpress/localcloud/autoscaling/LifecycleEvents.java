package dev.fleetpress.localcloud.autoscaling;

import dev.fleetpress.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * EventBridge's {@code EC2 Instance-launch Lifecycle Action} and {@code EC2 Instance-terminate
 * Lifecycle Action} events, in the shape AWS sends them. {@code Origin} and {@code Destination}
 * are always present ({@code EC2} | {@code AutoScalingGroup} | {@code WarmPool}), as current AWS
 * sends them; {@code NotificationMetadata} only when the hook has some.
 */
final class LifecycleEvents {
    static final String ACCOUNT = "000000000000";
    static final String REGION = "us-east-1";
    static final String EC2 = "EC2";
    static final String GROUP = "AutoScalingGroup";
    static final String WARM_POOL = "WarmPool";

    private LifecycleEvents() {
    }

    /** The group's ARN; its UUID derives from the name so it stays the same across restarts. */
    static String groupArn(String groupName) {
        return "arn:aws:autoscaling:" + REGION + ":" + ACCOUNT + ":autoScalingGroup:"
                + UUID.nameUUIDFromBytes(groupName.getBytes(StandardCharsets.UTF_8))
                + ":autoScalingGroupName/" + groupName;
    }

    static String action(String groupName, HookSpec hook, String instanceId, String token, String origin,
            String destination, Instant now) {
        Map<String, Object> detail = Json.object(
                "LifecycleActionToken", token,
                "AutoScalingGroupName", groupName,
                "LifecycleHookName", hook.name(),
                "EC2InstanceId", instanceId,
                "LifecycleTransition", hook.transition());
        if (!hook.notificationMetadata().isEmpty()) {
            detail.put("NotificationMetadata", hook.notificationMetadata());
        }
        detail.put("Origin", origin);
        detail.put("Destination", destination);
        return Json.write(Json.object(
                "version", "0",
                "id", UUID.randomUUID().toString(),
                "detail-type", hook.launching() ? "EC2 Instance-launch Lifecycle Action"
                        : "EC2 Instance-terminate Lifecycle Action",
                "source", "aws.autoscaling",
                "account", ACCOUNT,
                "time", now.truncatedTo(ChronoUnit.SECONDS).toString(),
                "region", REGION,
                "resources", List.of(groupArn(groupName)),
                "detail", detail));
    }
}

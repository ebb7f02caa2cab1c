package dev.fleetpress.localcloud.autoscaling;

import java.time.Duration;
import java.util.Objects;

/**
 * One lifecycle hook of a group, as {@code AWS::AutoScaling::LifecycleHook} declares it.
 *
 * @param name                 the LifecycleHookName
 * @param transition           {@link #LAUNCHING} or {@link #TERMINATING}
 * @param heartbeatTimeout     how long an instance waits without a heartbeat: 30 s to 7200 s, as on AWS
 *                             (tests shorten it with {@link Settings#withHeartbeatTimeout})
 * @param defaultResult        {@code CONTINUE} or {@code ABANDON}, applied when the wait times out
 * @param notificationMetadata passed through in every event; empty for none
 */
public record HookSpec(String name, String transition, Duration heartbeatTimeout, String defaultResult,
        String notificationMetadata) {
    public static final String LAUNCHING = "autoscaling:EC2_INSTANCE_LAUNCHING";
    public static final String TERMINATING = "autoscaling:EC2_INSTANCE_TERMINATING";
    public static final String CONTINUE = "CONTINUE";
    public static final String ABANDON = "ABANDON";
    private static final Duration MIN_HEARTBEAT = Duration.ofSeconds(30);
    private static final Duration MAX_HEARTBEAT = Duration.ofSeconds(7200);

    public HookSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a lifecycle hook needs a name");
        }
        if (!LAUNCHING.equals(transition) && !TERMINATING.equals(transition)) {
            throw new IllegalArgumentException("hook " + name + ": LifecycleTransition must be " + LAUNCHING + " or "
                    + TERMINATING + ", got " + transition);
        }
        Objects.requireNonNull(heartbeatTimeout, "heartbeatTimeout");
        if (heartbeatTimeout.compareTo(MIN_HEARTBEAT) < 0 || heartbeatTimeout.compareTo(MAX_HEARTBEAT) > 0) {
            throw new IllegalArgumentException("hook " + name + ": HeartbeatTimeout must be 30-7200 seconds, got "
                    + heartbeatTimeout.toSeconds());
        }
        if (!CONTINUE.equals(defaultResult) && !ABANDON.equals(defaultResult)) {
            throw new IllegalArgumentException("hook " + name + ": DefaultResult must be CONTINUE or ABANDON, got "
                    + defaultResult);
        }
        notificationMetadata = notificationMetadata == null ? "" : notificationMetadata;
    }

    boolean launching() {
        return LAUNCHING.equals(transition);
    }
}

package dev.fleetpress.aws;

import dev.fleetpress.fleet.FleetBackendException;
import dev.fleetpress.fleet.LifecycleAction;
import dev.fleetpress.fleet.LifecycleActions;
import dev.fleetpress.fleet.LifecycleResult;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;

/**
 * {@link LifecycleActions} as Auto Scaling's CompleteLifecycleAction and RecordLifecycleActionHeartbeat,
 * addressed by group, hook and instance id, plus the token when FleetPress has it. The
 * {@code ValidationError} "No active Lifecycle Action found" (completed already, or expired) is
 * {@link Answer#NOT_ACTIVE}.
 */
public final class AutoScalingLifecycleActions implements LifecycleActions {
    private final Supplier<AutoScalingClient> autoScaling;

    private AutoScalingLifecycleActions(Supplier<AutoScalingClient> autoScaling) {
        this.autoScaling = autoScaling;
    }

    /** The client is fetched on the first call, so constructing this calls nothing. */
    public static AutoScalingLifecycleActions create(Supplier<AutoScalingClient> autoScaling) {
        return new AutoScalingLifecycleActions(Objects.requireNonNull(autoScaling, "autoScaling"));
    }

    @Override
    public Answer complete(LifecycleAction action, LifecycleResult result) {
        try {
            autoScaling.get().completeLifecycleAction(b -> {
                b.autoScalingGroupName(action.group()).lifecycleHookName(action.hook())
                        .instanceId(action.instanceId()).lifecycleActionResult(result.name());
                if (!action.token().isEmpty()) {
                    b.lifecycleActionToken(action.token());
                }
            });
            return Answer.DONE;
        } catch (SdkException e) {
            return notActiveOrThrow("CompleteLifecycleAction " + result, action, e);
        }
    }

    @Override
    public Answer heartbeat(LifecycleAction action) {
        try {
            autoScaling.get().recordLifecycleActionHeartbeat(b -> {
                b.autoScalingGroupName(action.group()).lifecycleHookName(action.hook()).instanceId(action.instanceId());
                if (!action.token().isEmpty()) {
                    b.lifecycleActionToken(action.token());
                }
            });
            return Answer.DONE;
        } catch (SdkException e) {
            return notActiveOrThrow("RecordLifecycleActionHeartbeat", action, e);
        }
    }

    static boolean isNotActive(SdkException e) {
        return e instanceof AwsServiceException service && service.awsErrorDetails() != null
                && "ValidationError".equals(service.awsErrorDetails().errorCode())
                && String.valueOf(service.awsErrorDetails().errorMessage()).contains("No active Lifecycle Action");
    }

    private static Answer notActiveOrThrow(String call, LifecycleAction action, SdkException e) {
        if (isNotActive(e)) {
            return Answer.NOT_ACTIVE;
        }
        throw new FleetBackendException("Auto Scaling " + call + " for " + action.instanceId() + " (group "
                + action.group() + ", hook " + action.hook() + ") failed: " + e.getMessage()
                + "; the trigger will retry", e);
    }
}

package dev.fleetpress.localcloud.autoscaling;

import dev.fleetpress.localcloud.ServiceErrors;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingException;
import software.amazon.awssdk.services.autoscaling.model.InvalidNextTokenException;

/**
 * The SDK's Auto Scaling exceptions, filled in as the real client fills them from a 400 answer.
 * Auto Scaling (a Query protocol service) reports most input problems as the unmodeled
 * {@code ValidationError}, which the SDK surfaces as a plain {@link AutoScalingException}.
 */
final class AutoScalingErrors {
    private static final String SERVICE = "AutoScaling";

    private AutoScalingErrors() {
    }

    static AutoScalingException validation(String message) {
        return fill(AutoScalingException.builder(), "ValidationError", message);
    }

    static AutoScalingException groupNotFound(String name) {
        return validation("AutoScalingGroup name not found - AutoScalingGroup " + name + " not found");
    }

    static AutoScalingException noActiveActionForInstance(String instanceId) {
        return validation("No active Lifecycle Action found with instance ID " + instanceId);
    }

    static AutoScalingException noActiveActionForToken(String token) {
        return validation("No active Lifecycle Action found with token " + token);
    }

    static AutoScalingException invalidNextToken(String token) {
        return fill(InvalidNextTokenException.builder(), "InvalidNextToken", "The token '" + token + "' is invalid.");
    }

    private static AutoScalingException fill(AutoScalingException.Builder builder, String code, String message) {
        return (AutoScalingException) ServiceErrors.modeled(builder, SERVICE, 400, code, message);
    }
}

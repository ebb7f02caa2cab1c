package dev.fleetpress.localcloud.cloudwatch;

import dev.fleetpress.localcloud.ServiceErrors;
import software.amazon.awssdk.services.cloudwatch.model.CloudWatchException;
import software.amazon.awssdk.services.cloudwatch.model.InternalServiceException;
import software.amazon.awssdk.services.cloudwatch.model.InvalidParameterValueException;
import software.amazon.awssdk.services.cloudwatch.model.MissingRequiredParameterException;

/** The SDK's own modeled CloudWatch exceptions, filled in as the real client fills them from CloudWatch's answers. */
final class CloudWatchErrors {
    private static final String SERVICE = "CloudWatch";

    private CloudWatchErrors() {
    }

    static CloudWatchException invalidParameterValue(String message) {
        return fill(InvalidParameterValueException.builder(), "InvalidParameterValue", message, 400);
    }

    static CloudWatchException missingParameter(String message) {
        return fill(MissingRequiredParameterException.builder(), "MissingParameter", message, 400);
    }

    static CloudWatchException internalFailure(String message) {
        return fill(InternalServiceException.builder(), "InternalServiceError", message, 500);
    }

    private static CloudWatchException fill(CloudWatchException.Builder builder, String code, String message, int status) {
        return (CloudWatchException) ServiceErrors.modeled(builder, SERVICE, status, code, message);
    }
}

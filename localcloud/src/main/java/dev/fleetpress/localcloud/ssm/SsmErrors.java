package dev.fleetpress.localcloud.ssm;

import dev.fleetpress.localcloud.ServiceErrors;
import software.amazon.awssdk.services.ssm.model.HierarchyLevelLimitExceededException;
import software.amazon.awssdk.services.ssm.model.InvalidNextTokenException;
import software.amazon.awssdk.services.ssm.model.ParameterAlreadyExistsException;
import software.amazon.awssdk.services.ssm.model.ParameterLimitExceededException;
import software.amazon.awssdk.services.ssm.model.ParameterMaxVersionLimitExceededException;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterPatternMismatchException;
import software.amazon.awssdk.services.ssm.model.ParameterVersionLabelLimitExceededException;
import software.amazon.awssdk.services.ssm.model.ParameterVersionNotFoundException;
import software.amazon.awssdk.services.ssm.model.SsmException;

/**
 * The SDK's own modeled SSM exceptions, filled in as the real client fills them from a 400 answer
 * (error code = the service's shape name, message, status, request id), so callers' error handling
 * (including the SDK's throttling classification) sees what it would see against AWS.
 */
public final class SsmErrors {
    private static final String SERVICE = "Ssm";

    private SsmErrors() {
    }

    public static SsmException validation(String message) {
        return modeled(SsmException.builder(), "ValidationException", message);
    }

    static SsmException throttling() {
        return modeled(SsmException.builder(), "ThrottlingException", "Rate exceeded");
    }

    static SsmException notFound(String name) {
        return modeled(ParameterNotFoundException.builder(), "ParameterNotFound", "Parameter " + name + " not found.");
    }

    static SsmException alreadyExists() {
        return modeled(ParameterAlreadyExistsException.builder(), "ParameterAlreadyExists",
                "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.");
    }

    static SsmException versionNotFound(String name, String selector) {
        return modeled(ParameterVersionNotFoundException.builder(), "ParameterVersionNotFound",
                "Systems Manager could not find version " + selector + " of " + name
                        + ". Verify the version and try again.");
    }

    static SsmException labelLimit() {
        return modeled(ParameterVersionLabelLimitExceededException.builder(), "ParameterVersionLabelLimitExceeded",
                "A parameter version can have maximum 10 labels. Move one or more labels to another version and try again.");
    }

    static SsmException maxVersions(String name, long oldest) {
        return modeled(ParameterMaxVersionLimitExceededException.builder(), "ParameterMaxVersionLimitExceeded",
                "You attempted to create a new version of " + name + " by calling the PutParameter API with the "
                        + "overwrite flag. Version " + oldest + ", the oldest version, can't be deleted because it has "
                        + "a label associated with it. Move the label to another version of the parameter, and try again.");
    }

    static SsmException parameterLimit() {
        return modeled(ParameterLimitExceededException.builder(), "ParameterLimitExceeded",
                "You have exceeded the number of parameters for this AWS account (10000 standard parameters). "
                        + "Delete one or more parameters and try again.");
    }

    static SsmException hierarchyTooDeep() {
        return modeled(HierarchyLevelLimitExceededException.builder(), "HierarchyLevelLimitExceededException",
                "Parameter name hierarchy depth exceeds the maximum of 15 levels.");
    }

    static SsmException patternMismatch(String pattern) {
        return modeled(ParameterPatternMismatchException.builder(), "ParameterPatternMismatchException",
                "Parameter value, cannot be validated against allowedPattern: " + pattern);
    }

    static SsmException invalidNextToken() {
        return modeled(InvalidNextTokenException.builder(), "InvalidNextToken", "The specified token isn't valid.");
    }

    /** {@code builder}'s exception as the client builds it from a 400 answer with this error code and message. */
    public static SsmException modeled(SsmException.Builder builder, String code, String message) {
        return (SsmException) ServiceErrors.modeled(builder, SERVICE, 400, code, message);
    }
}

package dev.fleetpress.localcloud.codebuild;

import dev.fleetpress.localcloud.ServiceErrors;
import software.amazon.awssdk.services.codebuild.model.CodeBuildException;
import software.amazon.awssdk.services.codebuild.model.InvalidInputException;
import software.amazon.awssdk.services.codebuild.model.ResourceNotFoundException;

/** The SDK's modeled CodeBuild exceptions, filled in as the real client fills them from a 400 answer. */
final class CodeBuildErrors {
    private CodeBuildErrors() {
    }

    static CodeBuildException invalidInput(String message) {
        return fill(InvalidInputException.builder(), "InvalidInputException", message);
    }

    static CodeBuildException notFound(String message) {
        return fill(ResourceNotFoundException.builder(), "ResourceNotFoundException", message);
    }

    private static CodeBuildException fill(CodeBuildException.Builder builder, String code, String message) {
        return (CodeBuildException) ServiceErrors.modeled(builder, "CodeBuild", 400, code, message);
    }
}

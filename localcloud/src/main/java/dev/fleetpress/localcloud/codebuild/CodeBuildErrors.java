package dev.fleetpress.localcloud.codebuild;

import java.util.UUID;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.http.SdkHttpResponse;
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
        return (CodeBuildException) builder
                .message(message)
                .statusCode(400)
                .requestId(UUID.randomUUID().toString())
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage(message)
                        .serviceName("CodeBuild")
                        .sdkHttpResponse(SdkHttpResponse.builder().statusCode(400).build())
                        .build())
                .build();
    }
}

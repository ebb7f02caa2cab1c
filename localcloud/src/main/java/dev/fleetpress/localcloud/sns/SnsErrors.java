package dev.fleetpress.localcloud.sns;

import java.util.UUID;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sns.model.SnsException;

/**
 * The SDK's own modeled SNS exceptions, filled in as the real client fills them from SNS's query
 * protocol answers (error code, message, status, request id).
 */
final class SnsErrors {
    private static final String SERVICE = "Sns";

    private SnsErrors() {
    }

    static SnsException topicNotFound() {
        return fill(NotFoundException.builder(), "NotFound", "Topic does not exist", 404);
    }

    static SnsException invalidParameter(String what) {
        return fill(InvalidParameterException.builder(), "InvalidParameter", "Invalid parameter: " + what, 400);
    }

    private static SnsException fill(SnsException.Builder builder, String code, String message, int status) {
        return (SnsException) builder
                .message(message)
                .statusCode(status)
                .requestId(UUID.randomUUID().toString())
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage(message)
                        .serviceName(SERVICE)
                        .sdkHttpResponse(SdkHttpResponse.builder().statusCode(status).build())
                        .build())
                .build();
    }
}

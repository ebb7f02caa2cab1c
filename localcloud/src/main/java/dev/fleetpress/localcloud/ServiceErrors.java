package dev.fleetpress.localcloud;

import java.util.UUID;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Builds a service's modeled exception the way the SDK's client builds it from an error answer:
 * message, HTTP status, a request id and {@link AwsErrorDetails} with the error code, so callers'
 * {@code catch} blocks and {@code awsErrorDetails().errorCode()} checks see what AWS would give them.
 */
public final class ServiceErrors {
    private ServiceErrors() {
    }

    /** {@code builder}'s exception for a {@code status} answer from {@code service} with this code and message. */
    public static AwsServiceException modeled(AwsServiceException.Builder builder, String service, int status,
                                              String code, String message) {
        return builder
                .message(message)
                .statusCode(status)
                .requestId(UUID.randomUUID().toString())
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage(message)
                        .serviceName(service)
                        .sdkHttpResponse(SdkHttpResponse.builder().statusCode(status).build())
                        .build())
                .build();
    }
}

package dev.fleetpress.localcloud.lambda;

import dev.fleetpress.aws.DependencyFactory;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.codebuild.CodeBuildClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/** Real SDK clients pointed at a closed port: test handlers take them but never call them. */
public final class TestDependencies {
    private static final URI NOWHERE = URI.create("http://127.0.0.1:9");
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

    private TestDependencies() {
    }

    public static DependencyFactory unused() {
        return DependencyFactory.of(
                S3Client.builder().region(Region.US_EAST_1).credentialsProvider(CREDENTIALS).endpointOverride(NOWHERE)
                        .httpClient(UrlConnectionHttpClient.create()).build(),
                SsmClient.builder().region(Region.US_EAST_1).credentialsProvider(CREDENTIALS).endpointOverride(NOWHERE)
                        .httpClient(UrlConnectionHttpClient.create()).build(),
                CodeBuildClient.builder().region(Region.US_EAST_1).credentialsProvider(CREDENTIALS).endpointOverride(NOWHERE)
                        .httpClient(UrlConnectionHttpClient.create()).build(),
                AutoScalingClient.builder().region(Region.US_EAST_1).credentialsProvider(CREDENTIALS).endpointOverride(NOWHERE)
                        .httpClient(UrlConnectionHttpClient.create()).build(),
                SqsClient.builder().region(Region.US_EAST_1).credentialsProvider(CREDENTIALS).endpointOverride(NOWHERE)
                        .httpClient(UrlConnectionHttpClient.create()).build(),
                SnsClient.builder().region(Region.US_EAST_1).credentialsProvider(CREDENTIALS).endpointOverride(NOWHERE)
                        .httpClient(UrlConnectionHttpClient.create()).build());
    }
}

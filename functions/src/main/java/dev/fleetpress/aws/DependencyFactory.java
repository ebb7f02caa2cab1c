package dev.fleetpress.aws;

import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.codebuild.CodeBuildClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Builds each AWS client once per execution environment, lazily, so a function pays only for the
 * clients it touches. On Lambda the region and credentials come from the runtime's environment
 * variables (no provider-chain probing) and every client shares one URLConnection HTTP client.
 * Locally, {@link #of} hands in clients that talk to localcloud instead; the adapters don't know
 * the difference.
 */
public final class DependencyFactory {
    private static volatile DependencyFactory lambda;

    private final Supplier<S3Client> s3;
    private final Supplier<SsmClient> ssm;
    private final Supplier<CodeBuildClient> codeBuild;
    private final Supplier<AutoScalingClient> autoScaling;
    private final Supplier<SqsClient> sqs;
    private final Supplier<SnsClient> sns;

    private DependencyFactory(Supplier<S3Client> s3, Supplier<SsmClient> ssm, Supplier<CodeBuildClient> codeBuild,
                              Supplier<AutoScalingClient> autoScaling, Supplier<SqsClient> sqs, Supplier<SnsClient> sns) {
        this.s3 = memoize(s3);
        this.ssm = memoize(ssm);
        this.codeBuild = memoize(codeBuild);
        this.autoScaling = memoize(autoScaling);
        this.sqs = memoize(sqs);
        this.sns = memoize(sns);
    }

    /** The factory for code running on Lambda: one per execution environment. */
    public static DependencyFactory lambda() {
        DependencyFactory current = lambda;
        if (current == null) {
            synchronized (DependencyFactory.class) {
                current = lambda;
                if (current == null) {
                    current = fromEnvironment(System.getenv());
                    lambda = current;
                }
            }
        }
        return current;
    }

    static DependencyFactory fromEnvironment(Map<String, String> env) {
        Supplier<Region> region = memoize(() -> {
            String name = env.get("AWS_REGION");
            if (name == null || name.isBlank()) {
                throw new IllegalStateException("AWS_REGION is not set: the Lambda runtime sets it; set it when running elsewhere");
            }
            return Region.of(name);
        });
        AwsCredentialsProvider credentials = EnvironmentVariableCredentialsProvider.create();
        Supplier<SdkHttpClient> http = memoize(() -> UrlConnectionHttpClient.builder().build());
        return new DependencyFactory(
                () -> S3Client.builder().region(region.get()).credentialsProvider(credentials)
                        .httpClient(http.get()).build(),
                () -> SsmClient.builder().region(region.get()).credentialsProvider(credentials)
                        .httpClient(http.get()).build(),
                () -> CodeBuildClient.builder().region(region.get()).credentialsProvider(credentials)
                        .httpClient(http.get()).build(),
                () -> AutoScalingClient.builder().region(region.get()).credentialsProvider(credentials)
                        .httpClient(http.get()).build(),
                () -> SqsClient.builder().region(region.get()).credentialsProvider(credentials)
                        .httpClient(http.get()).build(),
                () -> SnsClient.builder().region(region.get()).credentialsProvider(credentials)
                        .httpClient(http.get()).build());
    }

    /** A factory over clients built elsewhere (localcloud, the CLI, tests). */
    public static DependencyFactory of(S3Client s3, SsmClient ssm, CodeBuildClient codeBuild,
                                       AutoScalingClient autoScaling, SqsClient sqs, SnsClient sns) {
        Objects.requireNonNull(s3, "s3");
        Objects.requireNonNull(ssm, "ssm");
        Objects.requireNonNull(codeBuild, "codeBuild");
        Objects.requireNonNull(autoScaling, "autoScaling");
        Objects.requireNonNull(sqs, "sqs");
        Objects.requireNonNull(sns, "sns");
        return new DependencyFactory(() -> s3, () -> ssm, () -> codeBuild, () -> autoScaling, () -> sqs, () -> sns);
    }

    public S3Client s3() {
        return s3.get();
    }

    public SsmClient ssm() {
        return ssm.get();
    }

    public CodeBuildClient codeBuild() {
        return codeBuild.get();
    }

    public AutoScalingClient autoScaling() {
        return autoScaling.get();
    }

    public SqsClient sqs() {
        return sqs.get();
    }

    public SnsClient sns() {
        return sns.get();
    }

    private static <T> Supplier<T> memoize(Supplier<T> delegate) {
        return new Supplier<>() {
            private volatile T value;

            @Override
            public T get() {
                T v = value;
                if (v == null) {
                    synchronized (this) {
                        v = value;
                        if (v == null) {
                            v = delegate.get();
                            value = v;
                        }
                    }
                }
                return v;
            }
        };
    }
}

package dev.fleetpress.aws;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.codebuild.CodeBuildClient;
import software.amazon.awssdk.services.efs.EfsClient;
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
    private final Supplier<EfsClient> efs;
    private final Supplier<CloudWatchClient> cloudWatch;
    private final Clock clock;

    private DependencyFactory(Supplier<S3Client> s3, Supplier<SsmClient> ssm, Supplier<CodeBuildClient> codeBuild,
                              Supplier<AutoScalingClient> autoScaling, Supplier<SqsClient> sqs, Supplier<SnsClient> sns,
                              Supplier<EfsClient> efs, Supplier<CloudWatchClient> cloudWatch, Clock clock) {
        this.s3 = memoize(s3);
        this.ssm = memoize(ssm);
        this.codeBuild = memoize(codeBuild);
        this.autoScaling = memoize(autoScaling);
        this.sqs = memoize(sqs);
        this.sns = memoize(sns);
        this.efs = memoize(efs);
        this.cloudWatch = memoize(cloudWatch);
        this.clock = clock;
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
                        .httpClient(http.get()).build(),
                () -> EfsClient.builder().region(region.get()).credentialsProvider(credentials)
                        .httpClient(http.get()).build(),
                () -> CloudWatchClient.builder().region(region.get()).credentialsProvider(credentials)
                        .httpClient(http.get()).build(),
                Clock.systemUTC());
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
        return new DependencyFactory(() -> s3, () -> ssm, () -> codeBuild, () -> autoScaling, () -> sqs, () -> sns,
                () -> {
                    throw new IllegalStateException("no EFS client was given: use withEfs(client)");
                },
                () -> {
                    throw new IllegalStateException("no CloudWatch client was given: use withCloudWatch(client)");
                },
                Clock.systemUTC());
    }

    /** This factory with {@code efs} as its EFS client (localcloud's, a test's). */
    public DependencyFactory withEfs(EfsClient efs) {
        Objects.requireNonNull(efs, "efs");
        return new DependencyFactory(s3, ssm, codeBuild, autoScaling, sqs, sns, () -> efs, cloudWatch, clock);
    }

    /** This factory with {@code cloudWatch} as its CloudWatch client. */
    public DependencyFactory withCloudWatch(CloudWatchClient cloudWatch) {
        Objects.requireNonNull(cloudWatch, "cloudWatch");
        return new DependencyFactory(s3, ssm, codeBuild, autoScaling, sqs, sns, efs, () -> cloudWatch, clock);
    }

    /**
     * This factory with {@code clock} as the time functions that reason about hours and days read
     * (the EFS change budget): localcloud passes its simulated clock so that a day can pass in seconds.
     */
    public DependencyFactory withClock(Clock clock) {
        Objects.requireNonNull(clock, "clock");
        return new DependencyFactory(s3, ssm, codeBuild, autoScaling, sqs, sns, efs, cloudWatch, clock);
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

    public EfsClient efs() {
        return efs.get();
    }

    public CloudWatchClient cloudWatch() {
        return cloudWatch.get();
    }

    /** The system clock on Lambda; localcloud's simulated one when it gives one. */
    public Clock clock() {
        return clock;
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

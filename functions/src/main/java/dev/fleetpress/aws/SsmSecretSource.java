package dev.fleetpress.aws;

import dev.fleetpress.webhook.Secret;
import dev.fleetpress.webhook.SecretSource;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/**
 * The webhook secret from an SSM SecureString ({@code GetParameter} with decryption). {@link #create}
 * caches it for five minutes: Parameter Store's shared throughput is low, and five minutes is how long
 * a rotated secret may take to be used. The value is never logged and never put in an exception.
 */
public final class SsmSecretSource implements SecretSource {
    /** How long a fetched secret is used before it is read again. */
    public static final Duration CACHE_TTL = Duration.ofMinutes(5);

    private final SsmClient ssm;
    private final String parameterName;

    private SsmSecretSource(SsmClient ssm, String parameterName) {
        this.ssm = Objects.requireNonNull(ssm, "ssm");
        this.parameterName = Objects.requireNonNull(parameterName, "parameterName");
    }

    /** The secret in {@code parameterName}, read on first use and then at most once per {@link #CACHE_TTL}. */
    public static SecretSource create(SsmClient ssm, String parameterName, Clock clock) {
        return SecretSource.cached(new SsmSecretSource(ssm, parameterName), CACHE_TTL, clock);
    }

    /** Reads the parameter now; SDK failures (throttling, network, access) propagate for a 503. */
    @Override
    public Secret secret() {
        try {
            return Secret.of(ssm.getParameter(b -> b.name(parameterName).withDecryption(true)).parameter().value());
        } catch (ParameterNotFoundException e) {
            throw new IllegalStateException("SSM parameter " + parameterName + " does not exist: create it with"
                    + " aws ssm put-parameter --type SecureString --name " + parameterName + " --value <secret>", e);
        }
    }

    @Override
    public String toString() {
        return "SsmSecretSource[" + parameterName + "]";
    }
}

package dev.fleetpress.webhook;

import java.time.Clock;
import java.time.Duration;

/**
 * Where the webhook secret comes from (on AWS, an SSM SecureString). {@link #secret()} throws a
 * {@link RuntimeException} when the store cannot be reached; the webhook then answers 503 so the
 * provider redelivers. Implementations never log the secret.
 */
public interface SecretSource {
    Secret secret();

    /**
     * {@code source}, asked at most once per {@code ttl}: the secret is fetched on first use (not at
     * construction, so no secret is captured in a SnapStart snapshot) and again once {@code ttl} has
     * passed, which is how long a rotated secret can take to be picked up. A failed fetch is not cached.
     */
    static SecretSource cached(SecretSource source, Duration ttl, Clock clock) {
        return new CachingSecretSource(source, ttl, clock);
    }
}

package dev.fleetpress.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** See {@link SecretSource#cached}. */
final class CachingSecretSource implements SecretSource {
    private final SecretSource source;
    private final Duration ttl;
    private final Clock clock;
    private Secret cached;
    private Instant expiresAt = Instant.MIN;

    CachingSecretSource(SecretSource source, Duration ttl, Clock clock) {
        this.source = Objects.requireNonNull(source, "source");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("secret cache ttl must be positive, got " + ttl);
        }
    }

    @Override
    public synchronized Secret secret() {
        Instant now = clock.instant();
        if (cached == null || !now.isBefore(expiresAt)) {
            cached = source.secret();
            expiresAt = now.plus(ttl);
        }
        return cached;
    }
}

package dev.fleetpress.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The shared webhook secret. It never leaves this object except as an HMAC or a comparison result, and
 * {@link #toString()} is redacted, so it cannot end up in a log line or an exception message by accident.
 */
public final class Secret {
    private final byte[] value;

    private Secret(byte[] value) {
        this.value = value;
    }

    /** The secret from its text; throws (without echoing it) when it is blank. */
    public static Secret of(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("the webhook secret is empty: store a non-empty SecureString in the parameter"
                    + " named by WEBHOOK_SECRET_PARAMETER");
        }
        return new Secret(value.getBytes(StandardCharsets.UTF_8));
    }

    /** HMAC-SHA256 of {@code message} keyed with this secret. */
    public byte[] hmacSha256(byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(value, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
        }
    }

    /**
     * Whether {@code token} is this secret, in time that depends on neither's content nor length: both
     * are hashed first, so {@link MessageDigest#isEqual} compares equal-length digests.
     */
    public boolean matches(String token) {
        byte[] presented = sha256(token.getBytes(StandardCharsets.UTF_8));
        return MessageDigest.isEqual(sha256(value), presented);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "Secret[redacted]";
    }
}

package dev.fleetpress.localcloud.ssm;

import java.time.Instant;
import java.util.List;

/**
 * One version of a parameter as kept on disk. For SecureString, {@code value} is the ciphertext
 * (see {@link SecureStrings}); the plaintext is never stored.
 */
record StoredVersion(long version, String type, String value, String keyId, String description,
        String allowedPattern, String tier, Instant lastModified, List<String> labels) {

    StoredVersion {
        labels = List.copyOf(labels);
    }

    StoredVersion withLabels(List<String> newLabels) {
        return new StoredVersion(version, type, value, keyId, description, allowedPattern, tier, lastModified, newLabels);
    }
}

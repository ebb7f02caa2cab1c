package dev.fleetpress.release;

import java.time.Instant;
import java.util.Objects;

/**
 * A verified push that asks for the release of {@code commit} in {@code environment}. All strings
 * have been validated by the webhook against strict patterns before this is built.
 *
 * @param deliveryId the provider's delivery id (same on redelivery), for correlation in logs
 * @param receivedAt when the push was received: later pushes win over earlier ones for an environment
 */
public record BuildRequest(ReleaseId releaseId, String repository, String commit, String ref,
                           String environment, String deliveryId, Instant receivedAt) {
    public BuildRequest {
        Objects.requireNonNull(releaseId, "releaseId");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(commit, "commit");
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(deliveryId, "deliveryId");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}

package dev.fleetpress.release;

/**
 * Asks for a commit's release in an environment: build once, promote many. Implementations are
 * idempotent: asking twice for the same (release, environment) starts at most one build.
 */
public interface ReleaseRequests {
    RequestOutcome request(BuildRequest request);
}

package dev.fleetpress.webhook;

import java.util.Map;

/**
 * A Git host FleetPress accepts pushes from, named by the {@code {provider}} path segment of
 * {@code POST /webhook/{provider}}: how its deliveries are authenticated and how they are read.
 */
public record WebhookProvider(String name, SignatureVerifier verifier, PushParser parser) {
    /** github, gitlab and bitbucket (Cloud), by name. */
    public static Map<String, WebhookProvider> standard() {
        return Map.of(
                "github", new WebhookProvider("github", HmacSignatureVerifier.github(), new GitHubPushParser()),
                "gitlab", new WebhookProvider("gitlab", new GitLabTokenVerifier(), new GitLabPushParser()),
                "bitbucket", new WebhookProvider("bitbucket", HmacSignatureVerifier.bitbucket(), new BitbucketPushParser()));
    }
}

package dev.fleetpress.webhook;

import java.util.Map;

/**
 * GitLab sends the secret itself in {@code x-gitlab-token} (no signature over the body); it is compared
 * with the secret in constant time (see {@link Secret#matches}).
 */
public final class GitLabTokenVerifier implements SignatureVerifier {
    private static final String HEADER = "x-gitlab-token";

    @Override
    public String header() {
        return HEADER;
    }

    @Override
    public boolean verify(Map<String, String> headers, byte[] body, Secret secret) {
        String token = headers.get(HEADER);
        return token != null && secret.matches(token);
    }
}

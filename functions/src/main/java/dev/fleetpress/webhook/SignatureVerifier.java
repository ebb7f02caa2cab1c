package dev.fleetpress.webhook;

import java.util.Map;

/**
 * Checks that a delivery comes from someone who knows the webhook secret, over the exact raw body
 * bytes, in constant time. It runs before anything in the body is parsed.
 */
public interface SignatureVerifier {
    /** The lower-case header that carries the signature or token; a delivery without it is refused. */
    String header();

    /** True only if {@code headers} carry a valid signature (or token) for {@code body} under {@code secret}. */
    boolean verify(Map<String, String> headers, byte[] body, Secret secret);
}

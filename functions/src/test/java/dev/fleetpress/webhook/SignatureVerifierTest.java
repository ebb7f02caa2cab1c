package dev.fleetpress.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignatureVerifierTest {
    /** GitHub's documented test vector. */
    private static final Secret GITHUB_SECRET = Secret.of("It's a Secret to Everybody");
    private static final byte[] GITHUB_BODY = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    private static final String GITHUB_SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    private final SignatureVerifier github = HmacSignatureVerifier.github();

    @Test
    void verify_whenGitHubTestVector_accepts() {
        assertThat(github.verify(Map.of("x-hub-signature-256", GITHUB_SIGNATURE), GITHUB_BODY, GITHUB_SECRET)).isTrue();
    }

    @Test
    void verify_whenOneByteOfTheBodyDiffers_rejects() {
        byte[] tampered = "Hello, World?".getBytes(StandardCharsets.UTF_8);

        assertThat(github.verify(Map.of("x-hub-signature-256", GITHUB_SIGNATURE), tampered, GITHUB_SECRET)).isFalse();
    }

    @Test
    void verify_whenSecretDiffers_rejects() {
        assertThat(github.verify(Map.of("x-hub-signature-256", GITHUB_SIGNATURE), GITHUB_BODY, Secret.of("another"))).isFalse();
    }

    @Test
    void verify_whenHexIsUpperCase_accepts() {
        String upper = "sha256=" + GITHUB_SIGNATURE.substring(7).toUpperCase();

        assertThat(github.verify(Map.of("x-hub-signature-256", upper), GITHUB_BODY, GITHUB_SECRET)).isTrue();
    }

    @Test
    void verify_whenSignatureIsSha1Style_rejects() {
        assertThat(github.verify(Map.of("x-hub-signature-256", "sha1=" + GITHUB_SIGNATURE.substring(7)), GITHUB_BODY, GITHUB_SECRET)).isFalse();
    }

    @Test
    void verify_whenSignatureIsNotHex_rejects() {
        assertThat(github.verify(Map.of("x-hub-signature-256", "sha256=" + "zz".repeat(32)), GITHUB_BODY, GITHUB_SECRET)).isFalse();
    }

    @Test
    void verify_whenSignatureIsTruncated_rejects() {
        assertThat(github.verify(Map.of("x-hub-signature-256", GITHUB_SIGNATURE.substring(0, 40)), GITHUB_BODY, GITHUB_SECRET)).isFalse();
    }

    @Test
    void verify_whenHeaderMissing_rejects() {
        assertThat(github.verify(Map.of(), GITHUB_BODY, GITHUB_SECRET)).isFalse();
    }

    @Test
    void verify_whenBitbucket_readsXHubSignature() {
        SignatureVerifier bitbucket = HmacSignatureVerifier.bitbucket();

        assertThat(bitbucket.header()).isEqualTo("x-hub-signature");
        assertThat(bitbucket.verify(Map.of("x-hub-signature", GITHUB_SIGNATURE), GITHUB_BODY, GITHUB_SECRET)).isTrue();
        assertThat(bitbucket.verify(Map.of("x-hub-signature-256", GITHUB_SIGNATURE), GITHUB_BODY, GITHUB_SECRET)).isFalse();
    }

    @Test
    void verify_whenGitLabTokenEqualsSecret_accepts() {
        assertThat(new GitLabTokenVerifier().verify(Map.of("x-gitlab-token", Fixtures.SECRET), new byte[0], Secret.of(Fixtures.SECRET)))
                .isTrue();
    }

    @Test
    void verify_whenGitLabTokenIsAPrefixOfTheSecret_rejects() {
        assertThat(new GitLabTokenVerifier().verify(Map.of("x-gitlab-token", "fleetpress"), new byte[0], Secret.of(Fixtures.SECRET)))
                .isFalse();
    }

    @Test
    void verify_whenGitLabTokenMissing_rejects() {
        assertThat(new GitLabTokenVerifier().verify(Map.of(), new byte[0], Secret.of(Fixtures.SECRET))).isFalse();
    }

    @Test
    void toString_whenSecretPrinted_isRedacted() {
        assertThat(Secret.of(Fixtures.SECRET).toString()).doesNotContain(Fixtures.SECRET).isEqualTo("Secret[redacted]");
    }
}

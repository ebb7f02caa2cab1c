package dev.fleetpress.webhook;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

/**
 * {@code <header>: sha256=<hex HMAC-SHA256(secret, raw body)>}, as GitHub sends it in
 * {@code x-hub-signature-256} and Bitbucket Cloud in {@code x-hub-signature}. The presented digest is
 * decoded from hex (either case) and compared with {@link MessageDigest#isEqual}; anything that is not
 * {@code sha256=} and 64 hex digits fails verification.
 */
public final class HmacSignatureVerifier implements SignatureVerifier {
    private static final String PREFIX = "sha256=";
    private static final int DIGEST_HEX_LENGTH = 64;

    private final String header;

    private HmacSignatureVerifier(String header) {
        this.header = header;
    }

    public static HmacSignatureVerifier github() {
        return new HmacSignatureVerifier("x-hub-signature-256");
    }

    public static HmacSignatureVerifier bitbucket() {
        return new HmacSignatureVerifier("x-hub-signature");
    }

    @Override
    public String header() {
        return header;
    }

    @Override
    public boolean verify(Map<String, String> headers, byte[] body, Secret secret) {
        String signature = headers.get(header);
        if (signature == null || !signature.startsWith(PREFIX) || signature.length() != PREFIX.length() + DIGEST_HEX_LENGTH) {
            return false;
        }
        byte[] presented;
        try {
            presented = HexFormat.of().parseHex(signature, PREFIX.length(), signature.length());
        } catch (IllegalArgumentException notHex) {
            return false;
        }
        return MessageDigest.isEqual(secret.hmacSha256(body), presented);
    }
}

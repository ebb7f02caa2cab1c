package dev.fleetpress.localcloud.sqs;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The MD5 digests SQS answers with, computed as the service documents them so that a client's
 * checksum validation accepts them: the body's UTF-8 bytes, and the attributes encoded in name order
 * as length-prefixed name, data type, transport type (1 string, 2 binary) and value.
 */
final class MessageDigests {
    private MessageDigests() {
    }

    static String ofBody(String body) {
        return md5(body.getBytes(StandardCharsets.UTF_8));
    }

    /** The digest of the message attributes, empty when there are none (SQS then leaves it out). */
    static String ofAttributes(Map<String, MessageAttributeValue> attributes) {
        if (attributes.isEmpty()) {
            return "";
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, MessageAttributeValue> e : new TreeMap<>(attributes).entrySet()) {
            MessageAttributeValue value = e.getValue();
            lengthPrefixed(out, e.getKey().getBytes(StandardCharsets.UTF_8));
            lengthPrefixed(out, value.dataType().getBytes(StandardCharsets.UTF_8));
            if (value.stringValue() != null) {
                out.write(1);
                lengthPrefixed(out, value.stringValue().getBytes(StandardCharsets.UTF_8));
            } else {
                out.write(2);
                lengthPrefixed(out, value.binaryValue().asByteArray());
            }
        }
        return md5(out.toByteArray());
    }

    private static void lengthPrefixed(ByteArrayOutputStream out, byte[] bytes) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
        out.writeBytes(bytes);
    }

    private static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }
}

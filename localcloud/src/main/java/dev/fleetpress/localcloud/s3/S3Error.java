package dev.fleetpress.localcloud.s3;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An S3 error answer: HTTP status, the {@code Code} S3 uses, its message and extra elements (such as
 * {@code Condition} or {@code Key}), rendered as S3's XML error body.
 */
record S3Error(int status, String code, String message, Map<String, String> details) {

    S3Error {
        details = Map.copyOf(details);
    }

    static S3Error preconditionFailed(String condition) {
        return new S3Error(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold",
                Map.of("Condition", condition));
    }

    static S3Error noSuchKey(String key) {
        return new S3Error(404, "NoSuchKey", "The specified key does not exist.", Map.of("Key", key));
    }

    static S3Error notImplemented(String header) {
        return new S3Error(501, "NotImplemented", "A header you provided implies functionality that is not implemented",
                Map.of("Header", header));
    }

    /** The XML body, with the request ids S3 adds to every error. */
    String toXml(String requestId, String hostId) {
        Map<String, String> elements = new LinkedHashMap<>();
        elements.put("Code", code);
        elements.put("Message", message);
        elements.putAll(details);
        elements.put("RequestId", requestId);
        elements.put("HostId", hostId);
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>");
        elements.forEach((name, value) -> xml.append('<').append(name).append('>')
                .append(escape(value)).append("</").append(name).append('>'));
        return xml.append("</Error>").toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;").replace("'", "&apos;");
    }
}

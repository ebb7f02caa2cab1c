package dev.fleetpress.media.offload;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * PHP's {@code serialize()} for what a plugin's settings array holds (strings and booleans, string keys),
 * so that {@code define('AS3CF_SETTINGS', '<this>')} is what {@code serialize(array(...))} would have defined.
 * String lengths are counted in UTF-8 bytes, as PHP counts them.
 */
final class PhpSerialized {
    private PhpSerialized() {
    }

    static String array(Map<String, Object> entries) {
        StringBuilder out = new StringBuilder("a:").append(entries.size()).append(":{");
        entries.forEach((key, value) -> {
            string(out, key);
            if (value instanceof Boolean b) {
                out.append("b:").append(b ? 1 : 0).append(';');
            } else if (value instanceof String s) {
                string(out, s);
            } else {
                throw new IllegalArgumentException("only strings and booleans are serialized here, not " + value);
            }
        });
        return out.append('}').toString();
    }

    private static void string(StringBuilder out, String s) {
        out.append("s:").append(s.getBytes(StandardCharsets.UTF_8).length).append(":\"").append(s).append("\";");
    }
}

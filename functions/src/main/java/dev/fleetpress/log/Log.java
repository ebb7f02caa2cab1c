package dev.fleetpress.log;

import dev.fleetpress.json.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JSON line per event on standard output, which Lambda's JSON log format keeps as structured
 * fields (and localcloud shows as is). Correlation keys (environment, release, instance, commandId,
 * deliveryId, buildId) go in {@code keys}; never put secrets or tokens there.
 */
public final class Log {
    private Log() {
    }

    public static void info(String message, Map<String, ?> keys) {
        write("INFO", message, keys);
    }

    public static void warn(String message, Map<String, ?> keys) {
        write("WARN", message, keys);
    }

    public static void error(String message, Map<String, ?> keys) {
        write("ERROR", message, keys);
    }

    private static void write(String level, String message, Map<String, ?> keys) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("timestamp", Instant.now().toString());
        line.put("level", level);
        line.put("message", message);
        line.putAll(keys);
        // System.out is looked up per line (not cached) so that a host such as the demo can redirect it.
        System.out.println(Json.write(line));
    }
}

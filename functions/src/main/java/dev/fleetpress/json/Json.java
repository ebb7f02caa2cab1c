package dev.fleetpress.json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * The one JSON entry point of FleetPress: reading through the SDK's own small parser (already on the
 * classpath for the JSON-protocol clients, so no extra dependency) and writing plain maps, lists and
 * scalars. Parse failures surface as {@link JsonException} with a one-line reason, never as a parser's
 * internal exception.
 */
public final class Json {
    private Json() {
    }

    /** Parses {@code text}; throws {@link JsonException} when it is not JSON. */
    public static Node parse(String text) {
        if (text == null || text.isBlank()) {
            throw new JsonException("body is empty, expected JSON");
        }
        try {
            return new Node(JsonNode.parser().parse(text), "$");
        } catch (RuntimeException e) {
            throw new JsonException("malformed JSON: " + firstLine(e.getMessage()));
        }
    }

    public static Node parse(byte[] utf8) {
        return parse(new String(utf8, StandardCharsets.UTF_8));
    }

    public static Node parse(InputStream in) {
        try {
            return parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes maps (keys in iteration order), lists, strings, numbers, booleans, {@code null} and
     * {@link Node}s as compact JSON.
     */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder(128);
        writeValue(out, value);
        return out.toString();
    }

    /** A small ordered map builder for {@link #write(Object)}: {@code Json.object("a", 1, "b", "x")}. */
    public static Map<String, Object> object(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("object(...) takes key/value pairs");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static void writeValue(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            quote(out, s);
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                quote(out, String.valueOf(e.getKey()));
                out.append(':');
                writeValue(out, e.getValue());
            }
            out.append('}');
        } else if (value instanceof Iterable<?> list) {
            out.append('[');
            boolean first = true;
            for (Object item : list) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                writeValue(out, item);
            }
            out.append(']');
        } else if (value instanceof Node node) {
            writeNode(out, node.raw);
        } else {
            quote(out, value.toString());
        }
    }

    private static void writeNode(StringBuilder out, JsonNode node) {
        if (node.isNull()) {
            out.append("null");
        } else if (node.isString()) {
            quote(out, node.asString());
        } else if (node.isNumber()) {
            out.append(node.asNumber());
        } else if (node.isBoolean()) {
            out.append(node.asBoolean());
        } else if (node.isArray()) {
            out.append('[');
            List<JsonNode> items = node.asArray();
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                writeNode(out, items.get(i));
            }
            out.append(']');
        } else if (node.isObject()) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, JsonNode> e : node.asObject().entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                quote(out, e.getKey());
                out.append(':');
                writeNode(out, e.getValue());
            }
            out.append('}');
        } else {
            out.append("null");
        }
    }

    private static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable input";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    /** A read-only view of one parsed JSON value, remembering its path for error messages. */
    public static final class Node {
        private final JsonNode raw;
        private final String path;

        private Node(JsonNode raw, String path) {
            this.raw = raw;
            this.path = path;
        }

        /** The value at {@code names} below this one, if every step exists and is not null. */
        public Optional<Node> find(String... names) {
            JsonNode current = raw;
            StringBuilder p = new StringBuilder(path);
            for (String name : names) {
                if (!current.isObject()) {
                    return Optional.empty();
                }
                JsonNode next = current.asObject().get(name);
                if (next == null || next.isNull()) {
                    return Optional.empty();
                }
                current = next;
                p.append('.').append(name);
            }
            return Optional.of(new Node(current, p.toString()));
        }

        /** The value at {@code names}, or a {@link JsonException} naming the missing field. */
        public Node get(String... names) {
            return find(names).orElseThrow(() ->
                    new JsonException("missing field " + path + "." + String.join(".", names)));
        }

        /** The string at {@code names}; numbers and booleans are given as their text. */
        public String text(String... names) {
            return get(names).asText();
        }

        public Optional<String> findText(String... names) {
            return find(names).map(Node::asText);
        }

        public String asText() {
            if (raw.isString()) {
                return raw.asString();
            }
            if (raw.isNumber()) {
                return raw.asNumber();
            }
            if (raw.isBoolean()) {
                return Boolean.toString(raw.asBoolean());
            }
            throw new JsonException(path + " is not a string");
        }

        public long asLong() {
            try {
                return Long.parseLong(asText());
            } catch (NumberFormatException e) {
                throw new JsonException(path + " is not a whole number");
            }
        }

        public boolean asBoolean() {
            if (raw.isBoolean()) {
                return raw.asBoolean();
            }
            throw new JsonException(path + " is not a boolean");
        }

        public boolean isObject() {
            return raw.isObject();
        }

        public boolean isArray() {
            return raw.isArray();
        }

        public boolean isString() {
            return raw.isString();
        }

        public List<Node> elements() {
            if (!raw.isArray()) {
                throw new JsonException(path + " is not an array");
            }
            List<JsonNode> items = raw.asArray();
            List<Node> out = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                out.add(new Node(items.get(i), path + "[" + i + "]"));
            }
            return Collections.unmodifiableList(out);
        }

        public Map<String, Node> fields() {
            if (!raw.isObject()) {
                throw new JsonException(path + " is not an object");
            }
            Map<String, Node> out = new LinkedHashMap<>();
            raw.asObject().forEach((k, v) -> out.put(k, new Node(v, path + "." + k)));
            return Collections.unmodifiableMap(out);
        }

        public String path() {
            return path;
        }

        @Override
        public String toString() {
            return write(this);
        }
    }
}

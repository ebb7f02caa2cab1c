package dev.fleetpress.fleet;

import java.util.regex.Pattern;

/**
 * The patterns every id from an event, a queue message or an API answer must match before FleetPress
 * uses it in a ledger key, an SSM parameter or an Auto Scaling call. Each check throws
 * {@link IllegalArgumentException} naming the field and the expected form, which the handler turns
 * into a logged rejection.
 */
public final class FleetIds {
    private static final Pattern INSTANCE = Pattern.compile("^i-[0-9a-f]{8,17}$");
    private static final Pattern UUID = Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    /** Auto Scaling's own rule for group and hook names, minus ':' and whitespace so they stay plain. */
    private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._/-]{0,254}$");

    private FleetIds() {
    }

    public static String instanceId(String value) {
        return require(value, INSTANCE, "instance id", "i- and 8 to 17 lower-case hex digits");
    }

    /** A lifecycle action token or an SSM command id: both are UUIDs. */
    public static String uuid(String value, String field) {
        return require(value, UUID, field, "a UUID");
    }

    public static String name(String value, String field) {
        return require(value, NAME, field, "letters, digits, '.', '_', '/' or '-', at most 255");
    }

    static boolean isUuid(String value) {
        return value != null && UUID.matcher(value).matches();
    }

    private static String require(String value, Pattern pattern, String field, String expected) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " '" + shorten(value) + "' is invalid (expected " + expected + ")");
        }
        return value;
    }

    static String shorten(String value) {
        if (value == null) {
            return "null";
        }
        return value.length() > 80 ? value.substring(0, 80) + "…" : value;
    }
}

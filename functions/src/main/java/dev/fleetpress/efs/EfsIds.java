package dev.fleetpress.efs;

import java.util.regex.Pattern;

/** The id patterns of this package: each check throws {@link IllegalArgumentException} naming the value. */
public final class EfsIds {
    private static final Pattern FILE_SYSTEM = Pattern.compile("^fs-[0-9a-f]{8,40}$");
    private static final Pattern CAPTURE = Pattern.compile("^c-[a-z0-9-]{4,60}$");

    private EfsIds() {
    }

    public static String fileSystemId(String value) {
        if (value == null || !FILE_SYSTEM.matcher(value).matches()) {
            throw new IllegalArgumentException("file system id '" + shorten(value) + "' is invalid (expected fs- and 8 to 40 "
                    + "lower-case hex digits)");
        }
        return value;
    }

    public static boolean isFileSystemId(String value) {
        return value != null && FILE_SYSTEM.matcher(value).matches();
    }

    /** The capture document's allowedPattern for CaptureId. */
    public static String captureId(String value) {
        if (value == null || !CAPTURE.matcher(value).matches()) {
            throw new IllegalArgumentException("capture id '" + shorten(value) + "' is invalid (expected ^c-[a-z0-9-]{4,60}$)");
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

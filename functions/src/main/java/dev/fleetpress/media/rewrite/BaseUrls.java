package dev.fleetpress.media.rewrite;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rule for the base URLs a rewrite replaces and writes: {@code http(s)://host[:port][/path]}, no
 * trailing slash. They reach {@code wp search-replace} through an SSM document parameter, pasted into a
 * shell script, so quotes, spaces, {@code $}, backquotes, parentheses, semicolons and line breaks never
 * get through; the document's {@code allowedPattern} and the script check the same {@link #PATTERN} again.
 */
public final class BaseUrls {
    /** Also the rewrite document's allowedPattern for From and To, and instance/rewrite-urls.sh's check. */
    public static final String PATTERN = "^https?://[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?(/[A-Za-z0-9._~%/+-]{0,500})?$";
    private static final Pattern URL = Pattern.compile(PATTERN);
    private static final Pattern PARTS = Pattern.compile("^https?://([^:/]+)(?::([0-9]+))?(/.*)?$");
    private static final Pattern BAD_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");

    private BaseUrls() {
    }

    /**
     * Returns {@code url} if it is a base URL by {@link #PATTERN} (and a sane one: a host of dot-separated
     * labels, a port from 1 to 65535, {@code %} only before two hex digits, no trailing slash); otherwise
     * throws {@link IllegalArgumentException} naming {@code option} and what is allowed.
     */
    public static String requireValid(String url, String option) {
        if (url == null || url.isEmpty()) {
            throw new IllegalArgumentException(option + " is required: a base URL such as https://www.example.com/wp-content/uploads");
        }
        if (!URL.matcher(url).matches()) {
            throw new IllegalArgumentException(option + " " + describe(url) + " is not a base URL: use http:// or https://, a "
                    + "host name, an optional port and path of letters, digits and . _ ~ % / + - (no quotes, spaces, "
                    + "query strings or shell characters)");
        }
        Matcher parts = PARTS.matcher(url);
        if (!parts.matches()) {
            throw new IllegalArgumentException(option + " " + describe(url) + " is not a base URL");
        }
        String host = parts.group(1);
        if (host.startsWith(".") || host.endsWith(".") || host.contains("..") || host.startsWith("-") || host.endsWith("-")) {
            throw new IllegalArgumentException(option + " " + describe(url) + " has no valid host name");
        }
        if (parts.group(2) != null) {
            int port = Integer.parseInt(parts.group(2));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(option + " " + describe(url) + " has port " + port + "; ports are 1 to 65535");
            }
        }
        if (url.endsWith("/")) {
            throw new IllegalArgumentException(option + " " + describe(url) + " ends with '/': give the base without a trailing "
                    + "slash, as " + url.replaceAll("/+$", "") + ", so that every URL below it keeps its own slash");
        }
        if (BAD_ESCAPE.matcher(url).find()) {
            throw new IllegalArgumentException(option + " " + describe(url) + " has a '%' that is not followed by two hex digits");
        }
        return url;
    }

    /** The value as an error message may quote it: control characters shown as escapes, at most 120 characters. */
    static String describe(String value) {
        StringBuilder out = new StringBuilder("'");
        value.codePoints().limit(120).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append(value.length() > 120 ? "…'" : "'").toString();
    }
}

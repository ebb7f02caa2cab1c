package dev.fleetpress.webhook;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The strict patterns every value from a delivery must match before it goes anywhere (the ledger, a
 * build request, a log line): refs, commits, repository names and delivery ids end up in S3 keys, SSM
 * parameters and CodeBuild variables, and no untrusted string may reach a shell. Each check returns
 * the value (commits in lower case) or throws {@link InvalidDeliveryException}.
 */
public final class Inputs {
    private static final Pattern REF = Pattern.compile("^refs/(heads|tags)/[A-Za-z0-9._/-]{1,200}$");
    private static final Pattern COMMIT = Pattern.compile("^(?:[0-9a-f]{40}|[0-9a-f]{64})$");
    private static final Pattern ZEROS = Pattern.compile("^0+$");
    private static final Pattern REPOSITORY = Pattern.compile("^[A-Za-z0-9._/-]{1,200}$");
    private static final Pattern DELIVERY_ID = Pattern.compile("^[A-Za-z0-9-]{1,100}$");
    private static final int PRINTABLE_MAX = 80;

    private Inputs() {
    }

    /** A branch or tag ref: {@code refs/heads/…} or {@code refs/tags/…}, no {@code ..}, no {@code //}. */
    public static String ref(String value) {
        if (value == null || !REF.matcher(value).matches() || value.contains("..") || value.contains("//")) {
            throw new InvalidDeliveryException("ref " + printable(value) + " is not a valid branch or tag ref"
                    + " (expected refs/heads/ or refs/tags/ then up to 200 of [A-Za-z0-9._/-], without '..' or '//')");
        }
        return value;
    }

    /** A full commit id, 40 (SHA-1) or 64 (SHA-256) hex digits, returned in lower case. */
    public static String commit(String field, String value) {
        String lower = value == null ? "" : value.toLowerCase(Locale.ROOT);
        if (!COMMIT.matcher(lower).matches()) {
            throw new InvalidDeliveryException(field + " " + printable(value) + " is not a commit id (expected 40 or 64 hex digits)");
        }
        return lower;
    }

    /** True for the all-zero commit id that providers send as the new value of a deleted ref. */
    public static boolean isNullCommit(String commit) {
        return ZEROS.matcher(commit).matches();
    }

    public static String repository(String value) {
        if (value == null || !REPOSITORY.matcher(value).matches()) {
            throw new InvalidDeliveryException("repository name " + printable(value)
                    + " is not valid (expected up to 200 of [A-Za-z0-9._/-])");
        }
        return value;
    }

    public static String deliveryId(String header, String value) {
        if (value == null) {
            throw new InvalidDeliveryException("missing " + header + " header: the provider sends it with every delivery");
        }
        if (!DELIVERY_ID.matcher(value).matches()) {
            throw new InvalidDeliveryException(header + " " + printable(value)
                    + " is not a valid delivery id (expected up to 100 of [A-Za-z0-9-])");
        }
        return value;
    }

    /** The header's value; throws, naming the header, when it is absent. Header names are lower case. */
    public static String header(Map<String, String> headers, String name) {
        String value = headers.get(name);
        if (value == null || value.isBlank()) {
            throw new InvalidDeliveryException("missing " + name + " header");
        }
        return value;
    }

    /**
     * An untrusted value made safe to quote in a one-line reason: characters outside a small safe set
     * (control characters, quotes, shell metacharacters) become {@code ?}, and it is cut to 80 characters.
     */
    public static String printable(String value) {
        if (value == null) {
            return "(absent)";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), PRINTABLE_MAX) + 3);
        out.append('\'');
        for (int i = 0; i < value.length() && i < PRINTABLE_MAX; i++) {
            char c = value.charAt(i);
            boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || " ._:/*=-".indexOf(c) >= 0;
            out.append(safe ? c : '?');
        }
        if (value.length() > PRINTABLE_MAX) {
            out.append('…');
        }
        return out.append('\'').toString();
    }
}

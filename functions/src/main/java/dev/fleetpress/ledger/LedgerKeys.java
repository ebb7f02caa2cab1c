package dev.fleetpress.ledger;

import java.util.regex.Pattern;

/** The key rule every {@link Ledger} enforces, so a hostile id can never address another record. */
public final class LedgerKeys {
    private static final Pattern SEGMENT = Pattern.compile("^[A-Za-z0-9._=-]{1,200}$");

    private LedgerKeys() {
    }

    /**
     * Returns {@code key} if it is slash-separated segments of {@code [A-Za-z0-9._=-]}, none of them
     * {@code .} or {@code ..}; otherwise throws {@link IllegalArgumentException} naming the key.
     */
    public static String requireValid(String key) {
        if (key == null || key.isEmpty() || key.length() > 900) {
            throw new IllegalArgumentException("ledger key must be 1 to 900 characters, got " + describe(key));
        }
        for (String segment : key.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("ledger key " + describe(key)
                        + " is invalid: use slash-separated segments of letters, digits, '.', '_', '=' and '-'");
            }
        }
        return key;
    }

    private static String describe(String key) {
        if (key == null) {
            return "null";
        }
        return "'" + (key.length() > 80 ? key.substring(0, 80) + "…" : key) + "'";
    }
}

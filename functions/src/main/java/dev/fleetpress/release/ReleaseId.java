package dev.fleetpress.release;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The id of a release: {@code r-} and the first 12 hex digits of the commit it was built from, so
 * one commit has exactly one release however many refs and environments point at it.
 */
public record ReleaseId(String value) {
    private static final Pattern ID = Pattern.compile("^r-[0-9a-f]{12}$");
    private static final Pattern COMMIT = Pattern.compile("^(?:[0-9a-f]{40}|[0-9a-f]{64})$");

    public ReleaseId {
        if (value == null || !ID.matcher(value).matches()) {
            throw new IllegalArgumentException("not a release id: '" + value + "' (expected r- and 12 lower-case hex digits)");
        }
    }

    public static ReleaseId of(String value) {
        return new ReleaseId(value);
    }

    /** The release id for a full commit id (40 or 64 hex digits). */
    public static ReleaseId forCommit(String commit) {
        String c = commit == null ? "" : commit.toLowerCase(Locale.ROOT);
        if (!COMMIT.matcher(c).matches()) {
            throw new IllegalArgumentException("not a commit id: '" + commit + "' (expected 40 or 64 hex digits)");
        }
        return new ReleaseId("r-" + c.substring(0, 12));
    }

    public static boolean isCommit(String commit) {
        return commit != null && COMMIT.matcher(commit.toLowerCase(Locale.ROOT)).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}

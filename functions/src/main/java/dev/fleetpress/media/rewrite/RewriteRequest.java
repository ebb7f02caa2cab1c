package dev.fleetpress.media.rewrite;

import dev.fleetpress.media.MigrationKeys;
import dev.fleetpress.release.Environments;

/**
 * What an operator asks to rewrite: in {@code environment}'s database, every {@code from} (the old uploads
 * base URL) by {@code to} (where the migration {@code migrationId} put the files), once.
 *
 * <p>Validated on construction (an {@link IllegalArgumentException} says what is wrong): the names by their
 * rules, the URLs by {@link BaseUrls}, and {@code to} may neither equal {@code from} nor contain it. The last
 * rule is what makes a repeated or resumed {@code wp search-replace} harmless: with it, a second run finds
 * nothing left to replace.
 */
public record RewriteRequest(String environment, String migrationId, String from, String to) {
    public RewriteRequest {
        Environments.requireValid(environment);
        MigrationKeys.requireId(migrationId);
        requireUrls(from, to);
    }

    /** The URL rules alone, for callers that check them before they know the migration. */
    public static void requireUrls(String from, String to) {
        BaseUrls.requireValid(from, "--from");
        BaseUrls.requireValid(to, "--to");
        if (from.equals(to)) {
            throw new IllegalArgumentException("--from and --to are both " + from + ": there is nothing to rewrite");
        }
        if (to.contains(from)) {
            throw new IllegalArgumentException("--to " + to + " contains --from " + from + ": a repeated or resumed run would "
                    + "rewrite the new URLs again; choose a base that does not start with the old one");
        }
    }

    /** The command that repeats this request, with {@code extra} options. */
    String command(String extra) {
        return "fleetpress media rewrite-urls " + environment + " --migration " + migrationId + " --from " + from + " --to " + to
                + extra;
    }
}

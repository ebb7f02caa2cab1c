package dev.fleetpress.release;

import java.util.regex.Pattern;

/**
 * The rule for environment names, the same one buildspec.yml applies to TARGET_ENV: they become SSM
 * parameter paths and S3 keys, so nothing else gets through.
 */
public final class Environments {
    private static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9-]{0,31}$");

    private Environments() {
    }

    public static boolean isValid(String environment) {
        return environment != null && NAME.matcher(environment).matches();
    }

    /** Returns {@code environment} or throws {@link IllegalArgumentException} saying what is allowed. */
    public static String requireValid(String environment) {
        if (!isValid(environment)) {
            throw new IllegalArgumentException("not an environment name: '" + environment
                    + "' (expected a lower-case letter, then up to 31 lower-case letters, digits or '-')");
        }
        return environment;
    }
}

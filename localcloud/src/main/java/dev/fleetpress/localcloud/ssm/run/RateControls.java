package dev.fleetpress.localcloud.ssm.run;

import java.util.regex.Pattern;

/**
 * SendCommand's rate controls: {@code MaxConcurrency} and {@code MaxErrors} as sent (echoed by
 * ListCommands) and the limits they give for the command's number of targets.
 *
 * <p>A percentage is taken of the target count and rounded down, with at least one invocation
 * running at a time; AWS documents percentages but not its rounding (unverified).
 *
 * @param maxConcurrency as sent, default {@value #DEFAULT_MAX_CONCURRENCY}
 * @param maxErrors as sent, default {@value #DEFAULT_MAX_ERRORS}
 * @param concurrencyLimit how many invocations may run at once (at least 1)
 * @param errorLimit how many Failed or ExecutionTimedOut invocations are allowed; one more stops the
 *     invocations that have not started
 */
record RateControls(String maxConcurrency, String maxErrors, int concurrencyLimit, int errorLimit) {
    static final String DEFAULT_MAX_CONCURRENCY = "50";
    static final String DEFAULT_MAX_ERRORS = "0";
    // The SSM API model's patterns for the two members.
    private static final Pattern CONCURRENCY = Pattern.compile("^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$");
    private static final Pattern ERRORS = Pattern.compile("^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$");
    private static final int MAX_LENGTH = 7;

    /** Validates the values as AWS does (null means the default) and resolves them for {@code targets} instances. */
    static RateControls of(String maxConcurrency, String maxErrors, int targets) {
        String concurrency = valid(maxConcurrency == null ? DEFAULT_MAX_CONCURRENCY : maxConcurrency, "maxConcurrency",
                CONCURRENCY);
        String errors = valid(maxErrors == null ? DEFAULT_MAX_ERRORS : maxErrors, "maxErrors", ERRORS);
        return new RateControls(concurrency, errors, Math.max(1, limit(concurrency, targets)), limit(errors, targets));
    }

    private static String valid(String value, String field, Pattern pattern) {
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            throw RunErrors.validation("1 validation error detected: Value '" + value + "' at '" + field
                    + "' failed to satisfy constraint: Member must have length less than or equal to " + MAX_LENGTH
                    + " and greater than or equal to 1");
        }
        if (!pattern.matcher(value).matches()) {
            throw RunErrors.validation("1 validation error detected: Value '" + value + "' at '" + field
                    + "' failed to satisfy constraint: Member must satisfy regular expression pattern: " + pattern.pattern());
        }
        return value;
    }

    private static int limit(String value, int targets) {
        if (value.endsWith("%")) {
            int percent = Integer.parseInt(value.substring(0, value.length() - 1));
            return (int) ((long) targets * percent / 100);
        }
        return Integer.parseInt(value);
    }
}

package dev.fleetpress.webhook;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which environment a pushed ref releases to, from {@code REF_RULES}: comma-separated
 * {@code ref=environment} rules such as {@code refs/heads/main=production,refs/tags/v*=staging}. The
 * first rule that matches wins; a trailing {@code *} matches any suffix (including none); a ref that
 * matches no rule releases nowhere. Malformed rules fail at {@link #parse} with a message naming the
 * rule, so a bad deployment fails on its first request rather than silently starting nothing.
 */
public final class RefRules {
    private static final Pattern PATTERN = Pattern.compile("^refs/(heads|tags)/[A-Za-z0-9._/-]*\\*?$");
    private static final Pattern ENVIRONMENT = Pattern.compile("^[a-z][a-z0-9-]{0,31}$");
    private static final String EXAMPLE = "refs/heads/main=production,refs/tags/v*=staging";

    private final List<Rule> rules;

    private RefRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** Parses {@code text}; throws {@link IllegalArgumentException} saying which rule is wrong and why. */
    public static RefRules parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("REF_RULES is empty: set it to comma-separated ref=environment rules, e.g. " + EXAMPLE);
        }
        List<Rule> rules = new ArrayList<>();
        String[] entries = text.split(",", -1);
        for (int i = 0; i < entries.length; i++) {
            rules.add(rule(i + 1, entries[i].trim()));
        }
        return new RefRules(rules);
    }

    /** The environment of the first rule matching {@code ref}, or empty when no rule does. */
    public Optional<String> environmentFor(String ref) {
        for (Rule rule : rules) {
            if (rule.matches(ref)) {
                return Optional.of(rule.environment());
            }
        }
        return Optional.empty();
    }

    private static Rule rule(int number, String entry) {
        String where = "REF_RULES rule " + number + " '" + entry + "'";
        int eq = entry.indexOf('=');
        if (eq < 0 || eq != entry.lastIndexOf('=')) {
            throw new IllegalArgumentException(where + " is not ref=environment (e.g. " + EXAMPLE + ")");
        }
        String pattern = entry.substring(0, eq).trim();
        String environment = entry.substring(eq + 1).trim();
        if (!PATTERN.matcher(pattern).matches() || pattern.contains("..") || pattern.contains("//")) {
            throw new IllegalArgumentException(where + ": '" + pattern + "' must be refs/heads/… or refs/tags/… of"
                    + " [A-Za-z0-9._/-], without '..' or '//', optionally ending in *");
        }
        if (!pattern.endsWith("*") && pattern.endsWith("/")) {
            throw new IllegalArgumentException(where + ": '" + pattern + "' names no branch or tag; end it with a name or *");
        }
        if (!ENVIRONMENT.matcher(environment).matches()) {
            throw new IllegalArgumentException(where + ": environment '" + environment
                    + "' must be a lower-case letter then up to 31 of [a-z0-9-]");
        }
        return new Rule(pattern, environment);
    }

    @Override
    public String toString() {
        return rules.toString();
    }

    private record Rule(String pattern, String environment) {
        boolean matches(String ref) {
            return pattern.endsWith("*")
                    ? ref.startsWith(pattern.substring(0, pattern.length() - 1))
                    : ref.equals(pattern);
        }

        @Override
        public String toString() {
            return pattern + "=" + environment;
        }
    }
}

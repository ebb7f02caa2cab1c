package dev.fleetpress;

import java.util.Map;

/**
 * A function's configuration: the environment variables that {@code template.yaml} sets for it.
 * Handed in rather than read from {@link System#getenv()} so that localcloud can run several
 * functions, each with its own variables, in one JVM.
 */
public final class Settings {
    private final Map<String, String> env;

    private Settings(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static Settings of(Map<String, String> env) {
        return new Settings(env);
    }

    public static Settings fromSystem() {
        return new Settings(System.getenv());
    }

    /** The value of {@code name}; fails fast, naming the variable, when it is unset or blank. */
    public String required(String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name
                    + " is not set: template.yaml sets it for the function that needs it");
        }
        return value;
    }

    public String optional(String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    public long optionalLong(String name, long fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("environment variable " + name + " must be a whole number, got '" + value + "'");
        }
    }
}

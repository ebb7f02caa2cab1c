package dev.fleetpress.media.offload;

/**
 * An environment's site configuration: the SSM parameters under {@code <prefix>/config/<env>/} that every
 * bootstrap turns into {@code define('NAME', '<value>')} lines of wp-config.php (instance/bootstrap.sh). Names
 * are constant names ({@code ^[A-Z][A-Z0-9_]{0,63}$}). Failures of the store throw its adapter's exception.
 */
public interface SiteConfiguration {
    /** Sets constant {@code name} of {@code environment} to {@code value} (a plain String parameter, never a secret). */
    void put(String environment, String name, String value);

    /** Removes constant {@code name} of {@code environment}; false when it was not set. */
    boolean delete(String environment, String name);
}

package dev.fleetpress.release;

import java.util.Optional;

/**
 * Says whether an environment may move to a release, before its head moves. FleetPress's guard (see
 * {@code dev.fleetpress.upgrade.DatabaseGuard}) refuses a release older than the environment's
 * upgraded database and any promotion while a failed database upgrade waits to be acknowledged.
 */
public interface PromotionGuard {
    /** Lets everything through: for tests of the pipeline alone and for sites without the upgrade gate. */
    PromotionGuard NONE = (environment, target, force) -> Optional.empty();

    /**
     * Why {@code environment} must not move to {@code target}, or empty when it may. {@code force} is the
     * operator's explicit override ({@code --force}); it overrides only what is safe to override.
     * Failures of the store behind it propagate (the trigger retries).
     */
    Optional<String> refusal(String environment, Manifest target, boolean force);
}

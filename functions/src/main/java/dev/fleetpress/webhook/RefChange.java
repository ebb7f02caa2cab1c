package dev.fleetpress.webhook;

/**
 * What one push did to one ref, as the provider reported it, with every value already validated by
 * {@link Inputs}: either a {@link Push} of a commit or a {@link RefDeletion}.
 */
public sealed interface RefChange permits Push, RefDeletion {
    String repository();

    String ref();
}

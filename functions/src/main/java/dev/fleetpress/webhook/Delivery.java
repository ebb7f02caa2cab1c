package dev.fleetpress.webhook;

import java.util.List;
import java.util.Objects;

/**
 * What a verified webhook delivery asks for, as read by a {@link PushParser}: a {@link Ping}, an event
 * FleetPress does not act on ({@link Ignored}), or the ref {@link Changes} of a push. The delivery id
 * has been validated (see {@link Inputs#deliveryId}).
 */
public sealed interface Delivery {
    String deliveryId();

    /** The provider checking that the hook works. */
    record Ping(String deliveryId) implements Delivery {
    }

    /** An event type FleetPress does not act on; {@code reason} says which and why. */
    record Ignored(String deliveryId, String reason) implements Delivery {
    }

    /** One push, which may change several refs (Bitbucket sends one change per ref). */
    record Changes(String deliveryId, List<RefChange> changes) implements Delivery {
        public Changes {
            changes = List.copyOf(Objects.requireNonNull(changes, "changes"));
        }
    }
}

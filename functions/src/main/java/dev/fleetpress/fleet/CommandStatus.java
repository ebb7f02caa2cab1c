package dev.fleetpress.fleet;

import java.util.Set;

/**
 * SSM's command invocation statuses sorted into what FleetPress does with them: wait, succeed, or
 * fail. SSM spells cancellation both {@code Cancelled} and {@code Canceled} depending on the API.
 */
public final class CommandStatus {
    private static final Set<String> PENDING = Set.of("Pending", "InProgress", "Delayed", "Cancelling");
    private static final Set<String> FAILED = Set.of("Failed", "TimedOut", "DeliveryTimedOut", "ExecutionTimedOut",
            "Cancelled", "Canceled", "Undeliverable", "Terminated", "InvalidPlatform", "AccessDenied");

    private CommandStatus() {
    }

    /** Throws {@link IllegalArgumentException} for a status SSM does not have. */
    public static String requireKnown(String status) {
        if (!"Success".equals(status) && !PENDING.contains(status) && !FAILED.contains(status)) {
            throw new IllegalArgumentException("command status '" + FleetIds.shorten(status) + "' is not an SSM status");
        }
        return status;
    }

    public static boolean isFinal(String status) {
        return !PENDING.contains(requireKnown(status));
    }

    public static boolean isSuccess(String status) {
        return "Success".equals(requireKnown(status));
    }
}

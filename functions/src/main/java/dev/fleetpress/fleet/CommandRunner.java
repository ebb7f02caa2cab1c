package dev.fleetpress.fleet;

import java.util.Map;
import java.util.Objects;

/**
 * Runs an SSM document on one instance and reports on it (on AWS: SSM Run Command). Failures of the
 * service itself throw {@link FleetBackendException}; an instance that cannot take a command yet is an
 * answer, not an error.
 */
public interface CommandRunner {
    /** Sends {@code command}; either its command id or why the instance could not take it yet. */
    SendResult send(Command command);

    /**
     * The status of {@code commandId} on {@code instanceId}, as SSM names it ({@code Success},
     * {@code InProgress}, {@code Failed}…); {@code Pending} while SSM does not know the invocation yet.
     */
    String status(String commandId, String instanceId);

    /**
     * What {@code commandId} printed on standard output on {@code instanceId} (on AWS GetCommandInvocation's
     * StandardOutputContent: its first 24,000 characters), empty while SSM does not know the invocation.
     * Runners whose commands' output nobody reads keep this default.
     */
    default String output(String commandId, String instanceId) {
        return "";
    }

    /** As {@link #output}, for standard error (on AWS its first 8,000 characters). */
    default String errorOutput(String commandId, String instanceId) {
        return "";
    }

    /**
     * One document run on one instance. {@code parameters} are document parameters (never secrets:
     * SSM echoes them in events); {@code comment} is at most 100 characters.
     */
    record Command(String instanceId, String document, Map<String, String> parameters, String comment) {
        public Command {
            FleetIds.instanceId(instanceId);
            Objects.requireNonNull(document, "document");
            parameters = Map.copyOf(parameters);
            if (comment.length() > 100) {
                throw new IllegalArgumentException("SSM command comments are at most 100 characters: " + comment);
            }
        }
    }

    /** What {@link #send} did. */
    sealed interface SendResult permits Sent, NotReady {
    }

    record Sent(String commandId) implements SendResult {
        public Sent {
            FleetIds.uuid(commandId, "command id");
        }
    }

    /**
     * The instance cannot take a command now; try again later.
     *
     * @param agentMissing true when SSM does not know the instance (its agent has not registered yet,
     *                     or is gone), false when the call was throttled
     */
    record NotReady(boolean agentMissing, String detail) implements SendResult {
    }
}

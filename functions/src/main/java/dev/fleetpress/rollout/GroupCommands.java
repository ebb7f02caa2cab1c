package dev.fleetpress.rollout;

import java.util.Map;
import java.util.Objects;

/**
 * Runs an SSM document across an Auto Scaling group (on AWS: SendCommand with
 * {@code Targets=tag:aws:autoscaling:groupName}, which every group instance carries, with
 * {@code MaxConcurrency} and {@code MaxErrors}). Failures of the service throw
 * {@link dev.fleetpress.fleet.FleetBackendException}.
 */
public interface GroupCommands {
    /** Sends the command; its command id. */
    String send(GroupCommand command);

    /** The command's overall status and each targeted instance's status. */
    CommandReport report(String commandId);

    /** Asks SSM to cancel a command that is no longer wanted; a command already done is not an error. */
    void cancel(String commandId);

    /**
     * @param maxConcurrency instances at once, a number or a percentage ({@code 50%})
     * @param maxErrors      failed instances tolerated before the rest are not started (number or percentage)
     */
    record GroupCommand(String group, String document, Map<String, String> parameters, String maxConcurrency,
                        String maxErrors, String comment) {
        public GroupCommand {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(document, "document");
            parameters = Map.copyOf(parameters);
            Objects.requireNonNull(maxConcurrency, "maxConcurrency");
            Objects.requireNonNull(maxErrors, "maxErrors");
            if (comment.length() > 100) {
                throw new IllegalArgumentException("SSM command comments are at most 100 characters: " + comment);
            }
        }
    }

    /** {@code status} as SSM names a command's status ({@code Pending}, {@code InProgress}, {@code Success}, {@code Failed}…). */
    record CommandReport(String status, Map<String, String> instances) {
        public CommandReport {
            Objects.requireNonNull(status, "status");
            instances = Map.copyOf(instances);
        }
    }
}

package dev.fleetpress.aws;

import dev.fleetpress.fleet.FleetBackendException;
import dev.fleetpress.rollout.GroupCommands;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Command;
import software.amazon.awssdk.services.ssm.model.CommandInvocation;
import software.amazon.awssdk.services.ssm.model.InvalidCommandIdException;
import software.amazon.awssdk.services.ssm.model.ListCommandInvocationsResponse;
import software.amazon.awssdk.services.ssm.model.Target;

/**
 * {@link GroupCommands} as SSM Run Command: SendCommand with {@code Targets} on the tag
 * {@code aws:autoscaling:groupName} (Auto Scaling puts it on every instance of the group), ListCommands
 * and ListCommandInvocations for the report, CancelCommand. SSM resolves the targets when it sends, so
 * instances that are not online yet are simply not included.
 */
public final class SsmGroupCommands implements GroupCommands {
    static final String GROUP_TAG = "tag:aws:autoscaling:groupName";

    private final Supplier<SsmClient> ssm;

    private SsmGroupCommands(Supplier<SsmClient> ssm) {
        this.ssm = ssm;
    }

    /** The client is fetched on the first call. */
    public static SsmGroupCommands create(Supplier<SsmClient> ssm) {
        return new SsmGroupCommands(Objects.requireNonNull(ssm, "ssm"));
    }

    @Override
    public String send(GroupCommand command) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        command.parameters().forEach((name, value) -> parameters.put(name, List.of(value)));
        try {
            return ssm.get().sendCommand(b -> b.documentName(command.document())
                    .targets(Target.builder().key(GROUP_TAG).values(command.group()).build())
                    .parameters(parameters)
                    .maxConcurrency(command.maxConcurrency())
                    .maxErrors(command.maxErrors())
                    .comment(command.comment())).command().commandId();
        } catch (SdkException e) {
            throw failure("SendCommand of " + command.document() + " to group " + command.group(), e);
        }
    }

    @Override
    public CommandReport report(String commandId) {
        try {
            List<Command> found = ssm.get().listCommands(b -> b.commandId(commandId)).commands();
            if (found.isEmpty()) {
                // Just sent and not listed yet: not final, so the caller waits.
                return new CommandReport("Pending", Map.of());
            }
            Map<String, String> instances = new LinkedHashMap<>();
            for (ListCommandInvocationsResponse page : ssm.get().listCommandInvocationsPaginator(b -> b.commandId(commandId))) {
                for (CommandInvocation invocation : page.commandInvocations()) {
                    instances.put(invocation.instanceId(), invocation.statusAsString());
                }
            }
            return new CommandReport(found.get(0).statusAsString(), instances);
        } catch (InvalidCommandIdException e) {
            return new CommandReport("Pending", Map.of());
        } catch (SdkException e) {
            throw failure("ListCommands of " + commandId, e);
        }
    }

    @Override
    public void cancel(String commandId) {
        try {
            ssm.get().cancelCommand(b -> b.commandId(commandId));
        } catch (InvalidCommandIdException e) {
            // Already done or unknown: nothing left to cancel.
        } catch (SdkException e) {
            throw failure("CancelCommand of " + commandId, e);
        }
    }

    private static FleetBackendException failure(String call, SdkException e) {
        return new FleetBackendException("SSM " + call + " failed: " + e.getMessage() + "; the trigger will retry", e);
    }
}

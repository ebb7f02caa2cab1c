package dev.fleetpress.aws;

import dev.fleetpress.fleet.CommandRunner;
import dev.fleetpress.fleet.FleetBackendException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.InvalidDocumentException;
import software.amazon.awssdk.services.ssm.model.InvalidInstanceIdException;
import software.amazon.awssdk.services.ssm.model.InvocationDoesNotExistException;

/**
 * {@link CommandRunner} as SSM Run Command: SendCommand with one instance id, GetCommandInvocation.
 * {@code InvalidInstanceId} (the agent has not registered yet, or is gone) and throttling that outlasted
 * the client's retries are answers ({@link CommandRunner.NotReady}); {@code InvocationDoesNotExist}
 * right after a send means "not known yet", so it reads as {@code Pending}.
 */
public final class SsmCommandRunner implements CommandRunner {
    private final Supplier<SsmClient> ssm;

    private SsmCommandRunner(Supplier<SsmClient> ssm) {
        this.ssm = ssm;
    }

    /** The client is fetched on the first call, so constructing the runner calls nothing. */
    public static SsmCommandRunner create(Supplier<SsmClient> ssm) {
        return new SsmCommandRunner(Objects.requireNonNull(ssm, "ssm"));
    }

    @Override
    public SendResult send(Command command) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        command.parameters().forEach((name, value) -> parameters.put(name, List.of(value)));
        try {
            String id = ssm.get().sendCommand(b -> b.documentName(command.document())
                    .instanceIds(command.instanceId())
                    .parameters(parameters)
                    .comment(command.comment())).command().commandId();
            return new Sent(id);
        } catch (InvalidInstanceIdException e) {
            return new NotReady(true, "InvalidInstanceId: the instance's SSM agent is not registered");
        } catch (InvalidDocumentException e) {
            throw new FleetBackendException("SSM SendCommand of " + command.document() + " failed: " + e.getMessage()
                    + "; BOOTSTRAP_DOCUMENT and DRAIN_DOCUMENT must name the stack's documents (template.yaml)", e);
        } catch (SdkServiceException e) {
            if (e.isThrottlingException()) {
                return new NotReady(false, "SSM throttled SendCommand beyond the client's retries");
            }
            throw failure("SendCommand to " + command.instanceId(), e);
        } catch (SdkException e) {
            throw failure("SendCommand to " + command.instanceId(), e);
        }
    }

    @Override
    public String status(String commandId, String instanceId) {
        try {
            return ssm.get().getCommandInvocation(b -> b.commandId(commandId).instanceId(instanceId)).statusAsString();
        } catch (InvocationDoesNotExistException e) {
            return "Pending";
        } catch (SdkException e) {
            throw failure("GetCommandInvocation of " + commandId + " on " + instanceId, e);
        }
    }

    @Override
    public String output(String commandId, String instanceId) {
        return invocation(commandId, instanceId, GetCommandInvocationResponse::standardOutputContent);
    }

    @Override
    public String errorOutput(String commandId, String instanceId) {
        return invocation(commandId, instanceId, GetCommandInvocationResponse::standardErrorContent);
    }

    private String invocation(String commandId, String instanceId, Function<GetCommandInvocationResponse, String> part) {
        try {
            String text = part.apply(ssm.get().getCommandInvocation(b -> b.commandId(commandId).instanceId(instanceId)));
            return text == null ? "" : text;
        } catch (InvocationDoesNotExistException e) {
            return "";
        } catch (SdkException e) {
            throw failure("GetCommandInvocation of " + commandId + " on " + instanceId, e);
        }
    }

    private static FleetBackendException failure(String call, SdkException e) {
        return new FleetBackendException("SSM " + call + " failed: " + e.getMessage() + "; the trigger will retry", e);
    }
}

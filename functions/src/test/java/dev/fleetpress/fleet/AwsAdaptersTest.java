package dev.fleetpress.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.aws.AutoScalingLifecycleActions;
import dev.fleetpress.aws.SsmCommandRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingException;
import software.amazon.awssdk.services.autoscaling.model.CompleteLifecycleActionRequest;
import software.amazon.awssdk.services.autoscaling.model.CompleteLifecycleActionResponse;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Command;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationRequest;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.InvalidInstanceIdException;
import software.amazon.awssdk.services.ssm.model.InvocationDoesNotExistException;
import software.amazon.awssdk.services.ssm.model.SendCommandRequest;
import software.amazon.awssdk.services.ssm.model.SendCommandResponse;
import software.amazon.awssdk.services.ssm.model.SsmException;

/** The SSM and Auto Scaling adapters map the services' answers to the fleet's, over small client stand-ins. */
class AwsAdaptersTest {
    private static final CommandRunner.Command COMMAND = new CommandRunner.Command("i-0a1b2c3d4e5f60718",
            "fleetpress-local-bootstrap", Map.of("ReleaseId", "r-3f2a9c41d07b"), "FleetPress bootstrap");
    private static final LifecycleAction ACTION = new LifecycleAction("i-0a1b2c3d4e5f60718", "fleetpress-production",
            "fleetpress-launch", Phase.LAUNCH, "", "production");

    /** An SsmClient whose SendCommand and GetCommandInvocation answer or throw what a test says. */
    private static SsmClient ssm(RuntimeException failure, List<SendCommandRequest> requests) {
        return new SsmClient() {
            @Override
            public SendCommandResponse sendCommand(SendCommandRequest request) {
                requests.add(request);
                if (failure != null) {
                    throw failure;
                }
                return SendCommandResponse.builder().command(Command.builder()
                        .commandId("3c9e1a7b-5d2f-4e8a-b6c4-0f1e2d3c4b5a").build()).build();
            }

            @Override
            public GetCommandInvocationResponse getCommandInvocation(GetCommandInvocationRequest request) {
                if (failure != null) {
                    throw failure;
                }
                return GetCommandInvocationResponse.builder().status("Success").build();
            }

            @Override
            public String serviceName() {
                return "ssm";
            }

            @Override
            public void close() {
            }
        };
    }

    private static AutoScalingClient autoScaling(RuntimeException failure) {
        return new AutoScalingClient() {
            @Override
            public CompleteLifecycleActionResponse completeLifecycleAction(CompleteLifecycleActionRequest request) {
                if (failure != null) {
                    throw failure;
                }
                return CompleteLifecycleActionResponse.builder().build();
            }

            @Override
            public String serviceName() {
                return "autoscaling";
            }

            @Override
            public void close() {
            }
        };
    }

    private static AutoScalingException autoScalingError(String code, String message) {
        return (AutoScalingException) AutoScalingException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
    }

    @Test
    void send_whenAccepted_sendsOneInstanceWithDocumentParameters() {
        List<SendCommandRequest> requests = new ArrayList<>();

        CommandRunner.SendResult result = SsmCommandRunner.create(() -> ssm(null, requests)).send(COMMAND);

        assertThat(result).isEqualTo(new CommandRunner.Sent("3c9e1a7b-5d2f-4e8a-b6c4-0f1e2d3c4b5a"));
        assertThat(requests).singleElement().satisfies(r -> {
            assertThat(r.instanceIds()).containsExactly("i-0a1b2c3d4e5f60718");
            assertThat(r.documentName()).isEqualTo("fleetpress-local-bootstrap");
            assertThat(r.parameters()).isEqualTo(Map.of("ReleaseId", List.of("r-3f2a9c41d07b")));
        });
    }

    @Test
    void send_whenInvalidInstanceId_answersAgentMissing() {
        RuntimeException invalid = InvalidInstanceIdException.builder().message("Instances not in a valid state").build();

        CommandRunner.SendResult result = SsmCommandRunner.create(() -> ssm(invalid, new ArrayList<>())).send(COMMAND);

        assertThat(result).isInstanceOfSatisfying(CommandRunner.NotReady.class, r -> assertThat(r.agentMissing()).isTrue());
    }

    @Test
    void send_whenThrottled_answersNotReady() {
        RuntimeException throttled = SsmException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                .errorCode("ThrottlingException").errorMessage("Rate exceeded").build()).build();

        CommandRunner.SendResult result = SsmCommandRunner.create(() -> ssm(throttled, new ArrayList<>())).send(COMMAND);

        assertThat(result).isInstanceOfSatisfying(CommandRunner.NotReady.class, r -> assertThat(r.agentMissing()).isFalse());
    }

    @Test
    void status_whenInvocationDoesNotExistYet_answersPending() {
        RuntimeException missing = InvocationDoesNotExistException.builder().message("not yet").build();

        assertThat(SsmCommandRunner.create(() -> ssm(missing, new ArrayList<>()))
                .status("3c9e1a7b-5d2f-4e8a-b6c4-0f1e2d3c4b5a", "i-0a1b2c3d4e5f60718")).isEqualTo("Pending");
    }

    @Test
    void complete_whenNoActiveLifecycleAction_answersNotActive() {
        AutoScalingException gone = autoScalingError("ValidationError",
                "No active Lifecycle Action found with instance ID i-0a1b2c3d4e5f60718");

        assertThat(AutoScalingLifecycleActions.create(() -> autoScaling(gone)).complete(ACTION, LifecycleResult.CONTINUE))
                .isEqualTo(LifecycleActions.Answer.NOT_ACTIVE);
    }

    @Test
    void complete_whenOtherValidationError_throwsBackendFailure() {
        AutoScalingException other = autoScalingError("ValidationError", "Unable to find hook fleetpress-launch");

        assertThatThrownBy(() -> AutoScalingLifecycleActions.create(() -> autoScaling(other))
                .complete(ACTION, LifecycleResult.CONTINUE))
                .isInstanceOf(FleetBackendException.class).hasMessageContaining("fleetpress-launch");
    }
}

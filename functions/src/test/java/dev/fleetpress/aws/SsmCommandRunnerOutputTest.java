package dev.fleetpress.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.fleet.FleetBackendException;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationRequest;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.InvocationDoesNotExistException;

class SsmCommandRunnerOutputTest {
    private static final String COMMAND = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";
    private static final String INSTANCE = "i-0aaaaaaaaaaaaaaa1";

    private static SsmClient ssm(Function<GetCommandInvocationRequest, GetCommandInvocationResponse> answer) {
        return new SsmClient() {
            @Override
            public GetCommandInvocationResponse getCommandInvocation(GetCommandInvocationRequest request) {
                return answer.apply(request);
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

    @Test
    void output_readsStandardOutputAndErrorOfTheInvocation() {
        SsmCommandRunner runner = SsmCommandRunner.create(() -> ssm(r -> {
            assertThat(r.commandId()).isEqualTo(COMMAND);
            assertThat(r.instanceId()).isEqualTo(INSTANCE);
            return GetCommandInvocationResponse.builder().standardOutputContent("FLEETPRESS_RESULT replacements=3 dry_run=true\n")
                    .standardErrorContent("warning\n").build();
        }));

        assertThat(runner.output(COMMAND, INSTANCE)).isEqualTo("FLEETPRESS_RESULT replacements=3 dry_run=true\n");
        assertThat(runner.errorOutput(COMMAND, INSTANCE)).isEqualTo("warning\n");
    }

    @Test
    void output_whenSsmDoesNotKnowTheInvocationYetOrItPrintedNothing_isEmpty() {
        SsmCommandRunner unknown = SsmCommandRunner.create(() -> ssm(r -> {
            throw InvocationDoesNotExistException.builder().message("InvocationDoesNotExist").build();
        }));
        SsmCommandRunner silent = SsmCommandRunner.create(() -> ssm(r -> GetCommandInvocationResponse.builder().build()));

        assertThat(unknown.output(COMMAND, INSTANCE)).isEmpty();
        assertThat(silent.output(COMMAND, INSTANCE)).isEmpty();
        assertThat(silent.errorOutput(COMMAND, INSTANCE)).isEmpty();
    }

    @Test
    void output_whenSsmFails_throwsNamingTheCall() {
        SsmCommandRunner broken = SsmCommandRunner.create(() -> ssm(r -> {
            throw SdkClientException.create("connection refused");
        }));

        assertThatThrownBy(() -> broken.output(COMMAND, INSTANCE)).isInstanceOf(FleetBackendException.class)
                .hasMessageContaining("GetCommandInvocation of " + COMMAND + " on " + INSTANCE, "connection refused");
    }
}

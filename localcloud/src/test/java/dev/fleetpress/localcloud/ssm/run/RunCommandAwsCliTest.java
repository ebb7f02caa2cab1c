package dev.fleetpress.localcloud.ssm.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.localcloud.ec2.Instances;
import dev.fleetpress.localcloud.ec2.Instances.Instance;
import dev.fleetpress.localcloud.ssm.LocalSsm;
import dev.fleetpress.localcloud.ssm.LocalSsmEndpoint;
import dev.fleetpress.localcloud.template.StackContext;
import dev.fleetpress.localcloud.template.Template;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ssm.model.CommandInvocationStatus;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/** A document's script reaching Parameter Store with the aws CLI, as bootstrap does on an instance. */
class RunCommandAwsCliTest {
    private static final String DOCUMENT = """
            Resources:
              Config:
                Type: AWS::SSM::Document
                Properties:
                  Name: config
                  DocumentType: Command
                  Content:
                    schemaVersion: "2.2"
                    parameters:
                      ParameterPrefix:
                        type: String
                        allowedPattern: "^/[A-Za-z0-9_./-]{1,200}$"
                    mainSteps:
                      - action: aws:runShellScript
                        name: config
                        inputs:
                          timeoutSeconds: "60"
                          runCommand:
                            - set -euo pipefail
                            - aws --endpoint-url "$AWS_ENDPOINT_URL_SSM" ssm get-parameters-by-path --path "{{ ParameterPrefix }}" --recursive --with-decryption --query 'Parameters[].Value' --output text
            """;

    @TempDir
    Path dir;

    @Test
    void sendCommand_whenTheScriptCallsTheAwsCli_readsTheSameParametersThroughTheEndpoint() throws Exception {
        Instances instances = Instances.create(dir.resolve("ec2"), Clock.systemUTC());
        try (LocalSsm ssm = LocalSsm.open(dir.resolve("ssm")); LocalSsmEndpoint endpoint = LocalSsmEndpoint.start(ssm)) {
            ssm.putParameter(b -> b.name("/fp/config/production/db-password").value("s3cret").type(ParameterType.SECURE_STRING));
            ssm.enableRunCommand(RunCommandConfig.of(instances,
                    CommandDocument.fromTemplate(Template.parse(DOCUMENT, StackContext.local())), event -> { },
                    Map.of("AWS_ENDPOINT_URL_SSM", endpoint.endpoint().toString(), "AWS_ACCESS_KEY_ID", "local",
                            "AWS_SECRET_ACCESS_KEY", "local", "AWS_DEFAULT_REGION", "us-east-1"))
                    .withAgentRegistration(Duration.ZERO));
            Instance instance = instances.launch("g");

            String id = ssm.sendCommand(b -> b.documentName("config").instanceIds(instance.id())
                    .parameters(Map.of("ParameterPrefix", List.of("/fp/config/production/")))).command().commandId();
            GetCommandInvocationResponse r = awaitFinal(ssm, id, instance.id());

            assertThat(r.status()).as(r.standardErrorContent()).isEqualTo(CommandInvocationStatus.SUCCESS);
            assertThat(r.standardOutputContent().trim()).isEqualTo("s3cret");
        }
    }

    private static GetCommandInvocationResponse awaitFinal(LocalSsm ssm, String commandId, String instanceId)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            GetCommandInvocationResponse r = ssm.getCommandInvocation(b -> b.commandId(commandId).instanceId(instanceId));
            if (r.status() != CommandInvocationStatus.PENDING && r.status() != CommandInvocationStatus.IN_PROGRESS) {
                return r;
            }
            assertThat(System.nanoTime()).as("invocation still %s", r.status()).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}

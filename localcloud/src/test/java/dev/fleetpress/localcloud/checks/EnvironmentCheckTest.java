package dev.fleetpress.localcloud.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.fleetpress.Settings;
import dev.fleetpress.aws.DependencyFactory;
import dev.fleetpress.localcloud.template.FunctionSpec;
import dev.fleetpress.localcloud.template.Template;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EnvironmentCheckTest {
    private static final ClassLoader LOADER = EnvironmentCheckTest.class.getClassLoader();

    private final DummyClients clients = new DummyClients();

    @AfterEach
    void close() {
        clients.close();
    }

    private static List<FunctionSpec> functions(String yaml) {
        return Template.parse(yaml, Repo.STACK).functions();
    }

    private static final String ONE_FUNCTION = """
            Resources:
              ThingFunction:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: example.Thing
                  Environment:
                    Variables:
                      THING_TABLE: things
            """;

    @Test
    void unsetVariables_whenRepoCode_findsNothing() {
        Repo.assertNoFindings(EnvironmentCheck.unsetVariables(Repo.javaFiles("functions/src/main/java"),
                Repo.template().functions()));
    }

    @Test
    void construction_whenRepoTemplate_findsNothing() {
        Repo.assertNoFindings(EnvironmentCheck.construction(Repo.template().functions(), LOADER, clients.factory()));
    }

    @Test
    void unsetVariables_whenEveryReadIsSet_findsNothing() {
        assertThat(EnvironmentCheck.unsetVariables(Map.of("thing/Thing.java", """
                String table = settings.required("THING_TABLE");
                String region = System.getenv("AWS_REGION");
                """), functions(ONE_FUNCTION))).isEmpty();
    }

    @Test
    void unsetVariables_whenCodeReadsUnsetVariable_namesVariableAndFile() {
        assertThat(EnvironmentCheck.unsetVariables(Map.of("thing/Thing.java", """
                long limit = settings.optionalLong("THING_LIMIT", 10);
                """), functions(ONE_FUNCTION))).singleElement().asString()
                .contains("environment variable THING_LIMIT is read by [thing/Thing.java]", "sets it for no function");
    }

    @Test
    void unsetVariables_whenGetenvReadsUnsetVariable_reportsIt() {
        assertThat(EnvironmentCheck.unsetVariables(Map.of("thing/Thing.java", "System.getenv(\"THING_MODE\")"),
                functions(ONE_FUNCTION))).singleElement().asString().contains("THING_MODE");
    }

    @Test
    void construction_whenFunctionLacksVariable_namesIt() {
        List<FunctionSpec> functions = functions("""
                Resources:
                  WebhookFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: dev.fleetpress.webhook.WebhookHandler::handleRequest
                      Environment:
                        Variables:
                          PARAMETER_PREFIX: /fleetpress/checks
                          RELEASE_BUCKET: releases
                          WEBHOOK_SECRET_PARAMETER: /fleetpress/webhook-secret
                          BUILD_PROJECT: release
                """);

        assertThat(EnvironmentCheck.construction(functions, LOADER, clients.factory())).singleElement().asString()
                .contains("WebhookFunction", "environment variable REF_RULES is not set",
                        "set the variable in WebhookFunction's Environment.Variables");
    }

    @Test
    void construction_whenHandlerCallsAwsWhileConstructed_reportsIt() {
        List<FunctionSpec> functions = functions("""
                Resources:
                  EagerFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: %s::handleRequest
                """.formatted(EagerHandler.class.getName()));

        assertThat(EnvironmentCheck.construction(functions, LOADER, clients.factory())).singleElement().asString()
                .contains("EagerFunction", "called AWS while being constructed");
    }

    /** Reads from S3 in its constructor, which no handler may do. */
    public static final class EagerHandler implements RequestStreamHandler {
        public EagerHandler(DependencyFactory deps, Settings settings) {
            deps.s3().listBuckets();
        }

        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) {
        }
    }
}

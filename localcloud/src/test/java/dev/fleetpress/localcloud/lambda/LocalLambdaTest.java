package dev.fleetpress.localcloud.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.template.StackContext;
import dev.fleetpress.localcloud.template.Template;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LocalLambdaTest {
    private static final String TEMPLATE = """
            Globals:
              Function:
                Timeout: 5
                Environment:
                  Variables:
                    GREETING: !Sub hello from ${AWS::StackName}
            Resources:
              Greeting:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: dev.fleetpress.localcloud.lambda.GreetingStreamHandler::handleRequest
              Route:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: dev.fleetpress.localcloud.lambda.RouteEchoHandler::handleRequest
              NoArg:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: dev.fleetpress.localcloud.lambda.NoArgHandler
              Misbehaving:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: dev.fleetpress.localcloud.lambda.MisbehavingHandler::handleRequest
                  Timeout: 1
              Rendezvous:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: dev.fleetpress.localcloud.lambda.RendezvousHandler::handleRequest
              Missing:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: dev.fleetpress.nowhere.Handler::handleRequest
            """;

    private final LocalLambda lambda = LocalLambda.builder(
            Template.parse(TEMPLATE, StackContext.local()).functions(), TestDependencies.unused()).build();

    @AfterEach
    void close() {
        lambda.close();
    }

    @Test
    void invoke_whenStreamHandler_passesRawBytesAndSettings() {
        InvocationResult result = lambda.invoke("Greeting", "{\"a\": 1}");

        Json.Node output = Json.parse(result.orThrow());
        assertThat(output.text("greeting")).isEqualTo("hello from fleetpress-local");
        assertThat(output.text("region")).isEqualTo("us-east-1");
        assertThat(output.text("function")).isEqualTo("Greeting");
        assertThat(output.get("hasTimeLeft").asBoolean()).isTrue();
        assertThat(output.text("input")).isEqualTo("{\"a\": 1}");
    }

    @Test
    void invoke_whenTypedHttpHandler_deserializesPayloadV2AndSerializesResponse() {
        String event = """
                {"version":"2.0","routeKey":"POST /webhook/{provider}","rawPath":"/webhook/github",
                 "pathParameters":{"provider":"github"},"isBase64Encoded":false}""";

        Json.Node output = Json.parse(lambda.invoke("Route", event).orThrow());

        assertThat(output.get("statusCode").asLong()).isEqualTo(201);
        assertThat(output.text("body")).isEqualTo("POST /webhook/{provider} github");
        assertThat(output.text("headers", "content-type")).isEqualTo("text/plain");
    }

    @Test
    void invoke_whenOnlyNoArgConstructor_usesIt() {
        assertThat(Json.parse(lambda.invoke("NoArg", "{\"name\":\"x\"}").orThrow()).text("seen")).isEqualTo("x");
    }

    @Test
    void invoke_whenSecondCall_reusesTheEnvironment() {
        InvocationResult first = lambda.invoke("Greeting", "{}");
        InvocationResult second = lambda.invoke("Greeting", "{}");

        assertThat(first.coldStart()).isTrue();
        assertThat(second.coldStart()).isFalse();
        assertThat(lambda.environmentsCreated("Greeting")).isEqualTo(1);
    }

    @Test
    void invoke_whenConcurrent_createsAnotherEnvironment() {
        CompletableFuture<InvocationResult> a = CompletableFuture.supplyAsync(() -> lambda.invoke("Rendezvous", "{}"));
        CompletableFuture<InvocationResult> b = CompletableFuture.supplyAsync(() -> lambda.invoke("Rendezvous", "{}"));

        assertThat(List.of(a.join(), b.join())).allMatch(InvocationResult::succeeded);
        assertThat(lambda.environmentsCreated("Rendezvous")).isEqualTo(2);
    }

    @Test
    void invoke_whenHandlerThrows_reportsTheErrorAndKeepsTheEnvironment() {
        InvocationResult failed = lambda.invoke("Misbehaving", "fail");
        InvocationResult next = lambda.invoke("Misbehaving", "go");

        assertThat(failed.error()).isInstanceOf(IllegalStateException.class).hasMessage("asked to fail");
        assertThat(Json.parse(failed.errorJson()).text("errorType")).isEqualTo("java.lang.IllegalStateException");
        assertThat(next.coldStart()).isFalse();
    }

    @Test
    void invoke_whenHandlerOutlivesTimeout_reportsTimeoutAndStartsColdNextTime() {
        InvocationResult timedOut = lambda.invoke("Misbehaving", "hang");
        InvocationResult next = lambda.invoke("Misbehaving", "go");

        assertThat(timedOut.error()).isInstanceOf(LambdaTimeoutException.class)
                .hasMessageContaining("Task timed out after 1.00 seconds");
        assertThat(Json.parse(timedOut.errorJson()).text("errorType")).isEqualTo("Sandbox.Timedout");
        assertThat(next.coldStart()).isTrue();
        assertThat(next.succeeded()).isTrue();
    }

    @Test
    void invoke_whenHandlerClassMissing_reportsItByName() {
        InvocationResult result = lambda.invoke("Missing", "{}");

        assertThat(result.error()).hasMessageContaining("dev.fleetpress.nowhere.Handler");
    }

    @Test
    void invoke_whenUnknownFunction_failsNamingIt() {
        assertThatThrownBy(() -> lambda.invoke("Nope", "{}")).hasMessageContaining("Nope");
    }

    @Test
    void orThrow_whenFailed_throwsFunctionError() {
        InvocationResult failed = lambda.invoke("Misbehaving", "fail");

        assertThatThrownBy(failed::orThrow).isInstanceOf(FunctionErrorException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void recentInvocations_whenInvoked_recordsThemInOrder() {
        lambda.invoke("Greeting", "{}");
        lambda.invoke("NoArg", "{\"name\":\"y\"}");

        assertThat(lambda.recentInvocations()).extracting(InvocationResult::functionId)
                .containsExactly("Greeting", "NoArg");
    }
}

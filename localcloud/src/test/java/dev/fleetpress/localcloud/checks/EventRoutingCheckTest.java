package dev.fleetpress.localcloud.checks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.localcloud.template.Template;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventRoutingCheckTest {
    private static final String TEMPLATE = """
            Resources:
              Api:
                Type: AWS::Serverless::HttpApi
              ReleaseFunction:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: example.ReleaseHandler
                  Events:
                    Finished:
                      Type: EventBridgeRule
                      Properties:
                        Pattern:
                          source: [aws.codebuild]
                          detail-type: [CodeBuild Build State Change]
                          detail:
                            build-status: [SUCCEEDED]
              WebhookFunction:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: example.WebhookHandler
                  Events:
                    Push:
                      Type: HttpApi
                      Properties:
                        ApiId: !Ref Api
                        Path: /webhook/{provider}
                        Method: POST
            """;
    private static final String AUDIT_FUNCTION = """
              AuditFunction:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: example.AuditHandler
                  Events:
                    Everything:
                      Type: EventBridgeRule
                      Properties:
                        Pattern:
                          source: [aws.codebuild]
            """;

    private static final String FLEET_FUNCTION = """
              RetryQueue:
                Type: AWS::SQS::Queue
              FleetFunction:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: example.FleetHandler
                  Events:
                    Retry:
                      Type: SQS
                      Properties:
                        Queue: !GetAtt RetryQueue.Arn
                    Reconcile:
                      Type: Schedule
                      Properties:
                        Schedule: rate(2 minutes)
            """;

    private static String sqs(String queueArn) {
        return """
                {"Records":[{"messageId":"m-1","body":"{}","eventSource":"aws:sqs","eventSourceARN":"%s"}]}"""
                .formatted(queueArn);
    }

    private static String build(String status) {
        return """
                {"source":"aws.codebuild","detail-type":"CodeBuild Build State Change","detail":{"build-status":"%s"}}"""
                .formatted(status);
    }

    private static String request(String method, String rawPath, String routeKey) {
        return """
                {"version":"2.0","routeKey":"%s","rawPath":"%s","requestContext":{"http":{"method":"%s"}}}"""
                .formatted(routeKey, rawPath, method);
    }

    private static List<String> check(String template, Map<String, String> fixtures) {
        return new EventRoutingCheck(Template.parse(template, Repo.STACK).functions()).check(fixtures);
    }

    @Test
    void check_whenRepoFixtures_findsNothing() {
        Repo.assertNoFindings(new EventRoutingCheck(Repo.template().functions()).check(Repo.jsonFiles("events")));
    }

    @Test
    void check_whenEveryFixtureReachesItsFolderFunction_findsNothing() {
        assertThat(check(TEMPLATE, Map.of(
                "release/succeeded.json", build("SUCCEEDED"),
                "webhook/push.json", request("POST", "/webhook/github", "POST /webhook/{provider}"),
                "unrouted/failed.json", build("FAILED")))).isEmpty();
    }

    @Test
    void check_whenPatternMissesFixture_reportsNoFunction() {
        assertThat(check(TEMPLATE, Map.of("release/failed.json", build("FAILED"))))
                .singleElement().asString()
                .contains("events/release/failed.json: reaches no function", "exactly [ReleaseFunction]");
    }

    @Test
    void check_whenAnotherFunctionAlsoMatches_reportsBoth() {
        assertThat(check(TEMPLATE + AUDIT_FUNCTION, Map.of("release/succeeded.json", build("SUCCEEDED"))))
                .singleElement().asString()
                .contains("events/release/succeeded.json: reaches [AuditFunction, ReleaseFunction]");
    }

    @Test
    void check_whenUnroutedFixtureReachesFunction_reportsIt() {
        assertThat(check(TEMPLATE, Map.of("unrouted/succeeded.json", build("SUCCEEDED"))))
                .singleElement().asString()
                .contains("events/unrouted/succeeded.json: reaches [ReleaseFunction]", "must reach none");
    }

    @Test
    void check_whenHttpMethodHasNoRoute_reportsNoFunction() {
        assertThat(check(TEMPLATE, Map.of("webhook/get.json", request("GET", "/webhook/github", "GET /webhook/{provider}"))))
                .singleElement().asString().contains("events/webhook/get.json: reaches no function");
    }

    @Test
    void check_whenFixtureRouteKeyIsStale_reportsRouteKey() {
        assertThat(check(TEMPLATE, Map.of("webhook/push.json", request("POST", "/webhook/github", "POST /hooks/{provider}"))))
                .singleElement().asString()
                .contains("routeKey is 'POST /hooks/{provider}'", "'POST /webhook/{provider}'");
    }

    @Test
    void check_whenFolderNamesNoFunction_reportsFolder() {
        assertThat(check(TEMPLATE, Map.of("fleet/launch.json", build("SUCCEEDED"))))
                .singleElement().asString().contains("events/fleet/ feeds FleetFunction", "has no such function");
    }

    @Test
    void check_whenShapeIsUnknown_reportsShape() {
        assertThat(check(TEMPLATE, Map.of("release/odd.json", "{\"Records\":[]}")))
                .singleElement().asString().contains("neither an EventBridge event");
    }

    @Test
    void check_whenSqsRecordsComeFromFunctionsQueue_findsNothing() {
        assertThat(check(TEMPLATE + FLEET_FUNCTION, Map.of(
                "fleet/retry.json", sqs("arn:aws:sqs:us-east-1:000000000000:RetryQueue")))).isEmpty();
    }

    @Test
    void check_whenSqsRecordsComeFromAnotherQueue_reportsNoFunction() {
        assertThat(check(TEMPLATE + FLEET_FUNCTION, Map.of(
                "fleet/retry.json", sqs("arn:aws:sqs:us-east-1:000000000000:SomeoneElsesQueue"))))
                .singleElement().asString().contains("events/fleet/retry.json: reaches no function");
    }

    @Test
    void check_whenSqsSourceArnIsNotAQueue_reportsArn() {
        assertThat(check(TEMPLATE + FLEET_FUNCTION, Map.of("fleet/retry.json", sqs("RetryQueue"))))
                .anySatisfy(f -> assertThat(f).contains("eventSourceARN 'RetryQueue' is not an SQS queue ARN"));
    }

    @Test
    void check_whenScheduledEvent_reachesScheduledFunction() {
        String scheduled = """
                {"source":"aws.events","detail-type":"Scheduled Event","detail":{}}""";
        assertThat(check(TEMPLATE + FLEET_FUNCTION, Map.of("fleet/reconcile.json", scheduled))).isEmpty();
    }

    @Test
    void functionFor_whenKebabCaseFolder_isPascalCaseFunction() {
        assertThat(EventRoutingCheck.functionFor("media-import")).isEqualTo("MediaImportFunction");
    }
}

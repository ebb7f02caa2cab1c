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

    private static final String MEDIA_FUNCTION = """
              MediaBucket:
                Type: AWS::S3::Bucket
              MediaFunction:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: example.MediaHandler
                  Events:
                    Shard:
                      Type: S3
                      Properties:
                        Bucket: !Ref MediaBucket
                        Events: s3:ObjectCreated:*
                        Filter:
                          S3Key:
                            Rules:
                              - Name: prefix
                                Value: _migration/
                              - Name: suffix
                                Value: .tar
            """;

    private static String s3(String bucket, String eventName, String key) {
        return """
                {"Records":[{"eventSource":"aws:s3","eventName":"%s","s3":{"bucket":{"name":"%s"},"object":{"key":"%s"}}}]}"""
                .formatted(eventName, bucket, key);
    }

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
    void check_whenS3RecordMatchesBucketPrefixAndSuffix_reachesFunction() {
        assertThat(check(TEMPLATE + MEDIA_FUNCTION, Map.of("media/shard.json",
                s3(Repo.STACK.stackName() + "-mediabucket", "ObjectCreated:Put", "_migration/m-demo/shard-00001.tar")))).isEmpty();
    }

    @Test
    void check_whenS3KeyIsEncoded_matchesDecodedKey() {
        assertThat(check(TEMPLATE + MEDIA_FUNCTION, Map.of("media/shard.json",
                s3(Repo.STACK.stackName() + "-mediabucket", "ObjectCreated:Put", "_migration/old+copy%2B1.tar")))).isEmpty();
    }

    @Test
    void check_whenS3KeyMissesSuffix_reportsNoFunction() {
        assertThat(check(TEMPLATE + MEDIA_FUNCTION, Map.of("media/manifest.json",
                s3(Repo.STACK.stackName() + "-mediabucket", "ObjectCreated:Put", "_migration/m-demo/shard-00001.json"))))
                .singleElement().asString().contains("events/media/manifest.json: reaches no function");
    }

    @Test
    void check_whenS3RecordOfAnotherBucket_reportsNoFunction() {
        assertThat(check(TEMPLATE + MEDIA_FUNCTION, Map.of("media/shard.json",
                s3("someone-elses-bucket", "ObjectCreated:Put", "_migration/m-demo/shard-00001.tar"))))
                .singleElement().asString().contains("reaches no function");
    }

    @Test
    void check_whenS3EventIsNotObjectCreated_reportsNoFunction() {
        assertThat(check(TEMPLATE + MEDIA_FUNCTION, Map.of("media/removed.json",
                s3(Repo.STACK.stackName() + "-mediabucket", "ObjectRemoved:Delete", "_migration/m-demo/shard-00001.tar"))))
                .singleElement().asString().contains("reaches no function");
    }

    @Test
    void functionFor_whenKebabCaseFolder_isPascalCaseFunction() {
        assertThat(EventRoutingCheck.functionFor("media-import")).isEqualTo("MediaImportFunction");
    }
}

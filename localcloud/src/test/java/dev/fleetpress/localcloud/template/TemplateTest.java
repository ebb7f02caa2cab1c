package dev.fleetpress.localcloud.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.json.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateTest {
    private static final Path TEMPLATE = Path.of(System.getProperty("fleetpress.root", ".."), "template.yaml");
    private final Template template = Template.load(TEMPLATE, StackContext.local());

    @Test
    void functions_whenRealTemplate_resolveWebhookEnvironmentForTheLocalStack() {
        FunctionSpec webhook = template.function("WebhookFunction");

        assertThat(webhook.environment())
                .containsEntry("BUILD_PROJECT", "fleetpress-local-release")
                .containsEntry("RELEASE_BUCKET", "fleetpress-local-releasebucket")
                .containsEntry("PARAMETER_PREFIX", "/fleetpress/fleetpress-local")
                .containsEntry("WEBHOOK_SECRET_PARAMETER", "/fleetpress/webhook-secret")
                .containsEntry("MAX_BODY_BYTES", "1048576");
    }

    @Test
    void functions_whenFleetFunction_environmentHasRetryQueueUrlAndAlertTopicArn() {
        Template fleet = Template.load(TEMPLATE, StackContext.local(Map.of("SourceLocation", "x")));

        assertThat(fleet.function("FleetFunction").environment())
                .containsEntry("RETRY_QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/000000000000/FleetRetryQueue")
                .containsEntry("ALERT_TOPIC_ARN", "arn:aws:sns:us-east-1:000000000000:AlertTopic");
    }

    @Test
    void functions_whenGlobalsSetAVariable_functionInheritsIt() {
        assertThat(template.function("ReleaseFunction").environment())
                .containsEntry("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");
    }

    @Test
    void functions_whenRealTemplate_readHandlerTimeoutAndRoute() {
        FunctionSpec webhook = template.function("WebhookFunction");

        assertThat(webhook.handlerClass()).isEqualTo("dev.fleetpress.webhook.WebhookHandler");
        assertThat(webhook.handlerMethod()).isEqualTo("handleRequest");
        assertThat(webhook.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(webhook.memorySizeMb()).isEqualTo(1024);
        assertThat(webhook.httpRoutes()).containsExactly(
                new HttpApiRoute("Push", "WebhookApi", "POST", "/webhook/{provider}", "2.0"));
    }

    @Test
    void functions_whenReleaseFunction_patternNamesTheLocalProject() {
        EventRule rule = template.function("ReleaseFunction").eventRules().get(0);

        Json.Node pattern = Json.parse(rule.patternJson());
        assertThat(pattern.get("detail", "project-name").elements()).map(Json.Node::asText)
                .containsExactly("fleetpress-local-release");
        assertThat(pattern.get("source").elements()).map(Json.Node::asText).containsExactly("aws.codebuild");
        assertThat(rule.retryPolicy()).isEqualTo(new RetryPolicy(10, Duration.ofHours(24)));
        assertThat(rule.deadLetterQueue()).isTrue();
    }

    @Test
    void functions_whenPolicyUsesGetAtt_resourceIsTheProjectArn() {
        PolicyStatement start = template.function("WebhookFunction").policyStatements().stream()
                .filter(s -> s.sid().equals("StartReleaseBuild")).findFirst().orElseThrow();

        assertThat(start.resources())
                .containsExactly("arn:aws:codebuild:us-east-1:000000000000:project/fleetpress-local-release");
    }

    @Test
    void functionFor_whenHandlerClassKnown_returnsItsFunction() {
        assertThat(template.functionFor("dev.fleetpress.release.ReleaseHandler"))
                .map(FunctionSpec::logicalId).contains("ReleaseFunction");
    }

    @Test
    void codeBuildProjects_whenRealTemplate_readNameArtifactsAndTimeout() {
        CodeBuildProjectSpec project = template.codeBuildProjects().get(0);

        assertThat(project.name()).isEqualTo("fleetpress-local-release");
        assertThat(project.artifacts().location()).isEqualTo("fleetpress-local-releasebucket");
        assertThat(project.artifacts().path()).isEqualTo("releases");
        assertThat(project.artifacts().overrideArtifactName()).isTrue();
        assertThat(project.timeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(project.buildSpec()).startsWith("version: 0.2");
    }

    @Test
    void httpApis_whenDefaultRouteSettings_readThrottling() {
        assertThat(template.httpApis()).containsExactly(
                new HttpApiSpec("WebhookApi", new HttpApiSpec.Throttling(50, 20)));
    }

    @Test
    void buckets_whenNoBucketName_nameIsStackAndLowerCaseLogicalId() {
        assertThat(template.buckets()).contains(
                new BucketSpec("ReleaseBucket", "fleetpress-local-releasebucket", Map.of()),
                new BucketSpec("MediaBucket", "fleetpress-local-media-000000000000", Map.of()));
    }

    @Test
    void ref_whenParameterHasNoDefaultNorOverride_failsNamingIt() {
        assertThatThrownBy(() -> template.ref("SourceLocation"))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("SourceLocation");
    }

    @Test
    void ref_whenParameterOverridden_returnsTheOverride() {
        Template overridden = Template.load(TEMPLATE,
                StackContext.local(Map.of("SourceLocation", "https://example.com/site.git")));

        assertThat(overridden.ref("SourceLocation")).isEqualTo("https://example.com/site.git");
    }

    @Test
    void outputs_whenSubUsesApiRef_resolveTheWebhookUrl() {
        Template overridden = Template.load(TEMPLATE, StackContext.local(Map.of("SourceLocation", "x")));

        assertThat(overridden.outputs()).containsEntry("WebhookUrl",
                "https://WebhookApi.execute-api.us-east-1.amazonaws.com/webhook/{provider}");
    }
}

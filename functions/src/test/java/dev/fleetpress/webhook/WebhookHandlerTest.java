package dev.fleetpress.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.fleetpress.Settings;
import dev.fleetpress.json.Json;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Every fixture in events/webhook through the handler, as the Lambda runtime would deliver it. */
class WebhookHandlerTest {
    private final Fakes.RecordingReleaseRequests releases = new Fakes.RecordingReleaseRequests();
    private final WebhookHandler handler = new WebhookHandler(WebhookIntake.create(
            Settings.of(Map.of("REF_RULES", "refs/heads/main=production,refs/tags/v*=staging")),
            new Fakes.CountingSecretSource(), new Fakes.MemoryLedger(), releases,
            new Fakes.ManualClock(Instant.parse("2025-03-12T10:15:30Z"))));

    @ParameterizedTest
    @CsvSource({
            "github-push-main.json, 202, accepted",
            "github-push-tag.json, 202, accepted",
            "github-push-base64.json, 202, accepted",
            "github-ping.json, 200, ok",
            "github-branch-deleted.json, 202, ignored",
            "gitlab-push.json, 202, accepted",
            "gitlab-tag-push.json, 202, accepted",
            "bitbucket-push.json, 202, accepted"})
    void handleRequest_whenFixture_answersItsStatus(String fixture, int statusCode, String status) {
        APIGatewayV2HTTPResponse response = handler.handleRequest(Fixtures.event(fixture), null);

        assertThat(response.getStatusCode()).isEqualTo(statusCode);
        assertThat(Json.parse(response.getBody()).text("status")).isEqualTo(status);
    }

    @Test
    void handleRequest_whenAnswering_sendsJson() {
        APIGatewayV2HTTPResponse response = handler.handleRequest(Fixtures.event("github-push-main.json"), null);

        assertThat(response.getHeaders()).containsEntry("content-type", "application/json");
        assertThat(response.getIsBase64Encoded()).isFalse();
    }

    @Test
    void handleRequest_whenPathParameterMissing_answers404() {
        APIGatewayV2HTTPEvent event = Fixtures.event("github-push-main.json");
        event.setPathParameters(null);

        assertThat(handler.handleRequest(event, null).getStatusCode()).isEqualTo(404);
    }

    @Test
    void handleRequest_whenHeaderNamesAreMixedCase_matchesThemInLowerCase() {
        APIGatewayV2HTTPEvent event = Fixtures.event("github-push-main.json");
        Map<String, String> headers = new java.util.HashMap<>();
        event.getHeaders().forEach((k, v) -> headers.put(k.toUpperCase(), v));
        event.setHeaders(headers);

        assertThat(handler.handleRequest(event, null).getStatusCode()).isEqualTo(202);
    }

    @Test
    void handleRequest_whenBodyAbsent_answers401NotAnError() {
        APIGatewayV2HTTPEvent event = Fixtures.event("github-push-main.json");
        event.setBody(null);

        assertThat(handler.handleRequest(event, null).getStatusCode()).isEqualTo(401);
    }
}

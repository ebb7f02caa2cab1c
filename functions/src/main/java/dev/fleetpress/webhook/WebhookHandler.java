package dev.fleetpress.webhook;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.fleetpress.Settings;
import dev.fleetpress.aws.DependencyFactory;
import dev.fleetpress.aws.S3Ledger;
import dev.fleetpress.aws.SsmSecretSource;
import dev.fleetpress.release.ReleasePipeline;
import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The WebhookFunction: {@code POST /webhook/{provider}} from an HTTP API (payload 2.0). It maps the
 * event to a {@link WebhookRequest}, lets {@link WebhookIntake} decide, and maps the answer to a JSON
 * response. It never waits for a build, so it answers well within GitHub's 10 seconds.
 */
public final class WebhookHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private static final Map<String, String> JSON_HEADERS = Map.of("content-type", "application/json");

    private final WebhookIntake intake;

    /** The Lambda entry point: clients from the execution environment, settings from its variables. */
    public WebhookHandler() {
        this(DependencyFactory.lambda(), Settings.fromSystem());
    }

    /** Used by localcloud (by reflection) and the CLI, with their own clients and variables. */
    public WebhookHandler(DependencyFactory deps, Settings settings) {
        this(wire(deps, settings));
    }

    WebhookHandler(WebhookIntake intake) {
        this.intake = Objects.requireNonNull(intake, "intake");
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        WebhookResponse response = intake.handle(toRequest(event));
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(response.statusCode())
                .withHeaders(JSON_HEADERS)
                .withBody(response.json())
                .withIsBase64Encoded(false)
                .build();
    }

    static WebhookRequest toRequest(APIGatewayV2HTTPEvent event) {
        Map<String, String> path = event.getPathParameters();
        String provider = path == null ? null : path.get("provider");
        // Payload 2.0 already sends lower-case names; lowering again keeps other callers honest.
        Map<String, String> headers = new HashMap<>();
        if (event.getHeaders() != null) {
            event.getHeaders().forEach((name, value) -> {
                if (name != null && value != null) {
                    headers.put(name.toLowerCase(Locale.ROOT), value);
                }
            });
        }
        return new WebhookRequest(provider, headers, event.getBody(), event.getIsBase64Encoded());
    }

    /** The production wiring: the one place naming the adapters behind the intake's ports. */
    private static WebhookIntake wire(DependencyFactory deps, Settings settings) {
        Clock clock = Clock.systemUTC();
        return WebhookIntake.create(settings,
                SsmSecretSource.create(deps.ssm(), settings.required("WEBHOOK_SECRET_PARAMETER"), clock),
                S3Ledger.create(deps.s3(), settings.required("RELEASE_BUCKET"), "ledger/"),
                ReleasePipeline.create(deps, settings),
                clock);
    }
}

package dev.fleetpress.release;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.fleetpress.Settings;
import dev.fleetpress.aws.DependencyFactory;
import dev.fleetpress.json.Json;
import dev.fleetpress.json.JsonException;
import dev.fleetpress.log.Log;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The release function: EventBridge's {@code CodeBuild Build State Change} events of the release
 * project in, {@link ReleasePipeline#onBuildFinished} out.
 *
 * <p>Errors are sorted by whether a retry can help. A malformed or hostile event (bad release id,
 * artifact outside the release bucket, missing fields) is logged and answered normally, so that it is
 * not retried forever. A failing store (S3, SSM) propagates, so that Lambda's asynchronous retries and
 * then the rule's dead-letter queue keep the event.
 */
public final class ReleaseHandler implements RequestStreamHandler {
    private final ReleasePipeline pipeline;
    private final String project;
    private final String bucket;

    public ReleaseHandler() {
        this(DependencyFactory.lambda(), Settings.fromSystem());
    }

    /** Reads BUILD_PROJECT, RELEASE_BUCKET and PARAMETER_PREFIX from {@code settings}. */
    public ReleaseHandler(DependencyFactory deps, Settings settings) {
        this(ReleasePipeline.create(deps, settings), settings.required("BUILD_PROJECT"),
                settings.required("RELEASE_BUCKET"));
    }

    ReleaseHandler(ReleasePipeline pipeline, String project, String bucket) {
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        this.project = Objects.requireNonNull(project, "project");
        this.bucket = Objects.requireNonNull(bucket, "bucket");
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        BuildStateChange.Decision decision;
        Map<String, Object> event = new LinkedHashMap<>();
        try {
            Json.Node root = Json.parse(input);
            // EventBridge's event id: the key that ties a log line to a retried or dead-lettered event.
            root.findText("id").filter(id -> id.length() <= 100).ifPresent(id -> event.put("eventId", id));
            decision = BuildStateChange.read(root, project, bucket);
        } catch (JsonException e) {
            decision = new BuildStateChange.Rejected(e.getMessage());
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        if (decision instanceof BuildStateChange.Finished finished) {
            BuildResult result = finished.result();
            BuildOutcome outcome = pipeline.onBuildFinished(result);
            Map<String, Object> keys = new LinkedHashMap<>(event);
            keys.put("release", result.releaseId().value());
            keys.put("buildId", result.buildId());
            keys.put("buildStatus", result.status().name());
            keys.put("outcome", outcome.kind().name());
            keys.put("promotions", outcome.promotions().stream().map(p -> p.environment() + "=" + p.kind()).toList());
            if (outcome.kind() == BuildOutcome.Kind.FAILED) {
                Log.warn(outcome.message(), keys);
            } else {
                Log.info(outcome.message(), keys);
            }
            answer.put("outcome", outcome.kind().name());
            answer.put("release", result.releaseId().value());
            answer.put("message", outcome.message());
            answer.put("promotions", outcome.promotions().stream()
                    .map(p -> Json.object("environment", p.environment(), "result", p.kind().name())).toList());
        } else if (decision instanceof BuildStateChange.Ignored ignored) {
            Log.info("ignored build event: " + ignored.reason(), event);
            answer.put("outcome", "IGNORED");
            answer.put("message", ignored.reason());
        } else if (decision instanceof BuildStateChange.Rejected rejected) {
            Log.error("rejected build event: " + rejected.reason(), event);
            answer.put("outcome", "REJECTED");
            answer.put("message", rejected.reason());
        }
        output.write(Json.write(answer).getBytes(StandardCharsets.UTF_8));
    }
}

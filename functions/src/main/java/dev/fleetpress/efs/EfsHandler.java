package dev.fleetpress.efs;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.fleetpress.Settings;
import dev.fleetpress.aws.DependencyFactory;
import dev.fleetpress.fleet.CommandStatus;
import dev.fleetpress.fleet.FleetIds;
import dev.fleetpress.json.Json;
import dev.fleetpress.json.JsonException;
import dev.fleetpress.log.Log;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The EFS function. It takes three shapes of EventBridge input:
 * <ul>
 *   <li>{@code aws.cloudwatch} {@code CloudWatch Alarm State Change} of a credit alarm → {@link ThroughputResponse#onAlarm}</li>
 *   <li>{@code aws.ssm} {@code EC2 Command Status-change Notification} of the capture or the media export
 *   document → {@link Evacuations#onCommandStatus}</li>
 *   <li>the {@code Scheduled Event} of its schedule → {@link ThroughputResponse#reconcile} (credit samples, lost
 *   alarm events, return to bursting) and {@link Evacuations#reconcile}</li>
 * </ul>
 * Malformed or foreign input is answered {@code REJECTED} or {@code IGNORED} without effect (so not retried);
 * failures of EFS, CloudWatch, SSM, SNS or the ledger propagate, so EventBridge retries the event and then
 * dead-letters it.
 */
public final class EfsHandler implements RequestStreamHandler {
    static final String ALARM_STATE_CHANGE = "CloudWatch Alarm State Change";
    static final String COMMAND_STATUS = "EC2 Command Status-change Notification";
    static final String SCHEDULED = "Scheduled Event";

    private final ThroughputResponse response;
    private final Evacuations evacuations;

    public EfsHandler() {
        this(DependencyFactory.lambda(), Settings.fromSystem());
    }

    /** Reads EfsFunction's environment; calls no AWS. */
    public EfsHandler(DependencyFactory deps, Settings settings) {
        this(EfsServices.create(deps, settings));
    }

    EfsHandler(EfsServices services) {
        this(services.response(), services.evacuations());
    }

    EfsHandler(ThroughputResponse response, Evacuations evacuations) {
        this.response = Objects.requireNonNull(response, "response");
        this.evacuations = Objects.requireNonNull(evacuations, "evacuations");
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Map<String, Object> answer;
        try {
            answer = handle(Json.parse(input));
        } catch (JsonException e) {
            answer = log(EfsOutcome.simple(EfsOutcome.Kind.REJECTED, e.getMessage()), Map.of());
        }
        output.write(Json.write(answer).getBytes(StandardCharsets.UTF_8));
    }

    private Map<String, Object> handle(Json.Node event) {
        Map<String, Object> keys = new LinkedHashMap<>();
        if (!event.isObject()) {
            return log(EfsOutcome.simple(EfsOutcome.Kind.REJECTED, "not a JSON object"), keys);
        }
        event.findText("id").filter(id -> id.length() <= 100).ifPresent(id -> keys.put("eventId", id));
        String source = event.findText("source").orElse("");
        String type = event.findText("detail-type").orElse("");
        try {
            if (source.equals("aws.cloudwatch") && type.equals(ALARM_STATE_CHANGE)) {
                AlarmEvent alarm = AlarmEvent.parse(event.get("detail"));
                keys.put("alarmName", shorten(alarm.alarmName()));
                keys.put("alarmState", alarm.state().name());
                return log(response.onAlarm(alarm), keys);
            }
            if (source.equals("aws.ssm") && type.equals(COMMAND_STATUS)) {
                Json.Node detail = event.get("detail");
                String commandId = FleetIds.uuid(detail.text("command-id"), "command-id");
                String document = detail.text("document-name");
                String status = CommandStatus.requireKnown(detail.text("status"));
                keys.put("commandId", commandId);
                keys.put("commandStatus", status);
                if (!document.equals(response.config().captureDocument())
                        && !document.equals(response.config().mediaExportDocument())) {
                    return log(EfsOutcome.simple(EfsOutcome.Kind.IGNORED, "document " + shorten(document)
                            + " is neither the capture nor the media export document"), keys);
                }
                return log(evacuations.onCommandStatus(commandId, status), keys);
            }
            if (source.equals("aws.events") && type.equals(SCHEDULED)) {
                List<Object> results = new ArrayList<>();
                for (EfsOutcome outcome : response.reconcile()) {
                    results.add(log(outcome, keys));
                }
                for (EfsOutcome outcome : evacuations.reconcile()) {
                    results.add(log(outcome, keys));
                }
                return Json.object("outcome", "RECONCILED", "results", results);
            }
        } catch (IllegalArgumentException e) {
            // JsonException (a missing or mistyped field) and every id check end here.
            return log(EfsOutcome.simple(EfsOutcome.Kind.REJECTED, e.getMessage()), keys);
        }
        return log(EfsOutcome.simple(EfsOutcome.Kind.REJECTED, "not an event the EFS function handles (source '"
                + shorten(source) + "', detail-type '" + shorten(type) + "')"), keys);
    }

    private static Map<String, Object> log(EfsOutcome outcome, Map<String, Object> event) {
        Map<String, Object> keys = new LinkedHashMap<>(event);
        keys.putAll(outcome.keys());
        switch (outcome.kind()) {
            case REJECTED, NOT_FOUND, FAILED -> Log.error(outcome.message(), keys);
            case NOT_ALLOWED_YET, IGNORED -> Log.warn(outcome.message(), keys);
            default -> Log.info(outcome.message(), keys);
        }
        Map<String, Object> answer = new LinkedHashMap<>(outcome.keys());
        answer.put("message", outcome.message());
        return answer;
    }

    private static String shorten(String value) {
        return value.length() > 80 ? value.substring(0, 80) + "…" : value;
    }
}

package dev.fleetpress.fleet;

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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The fleet function. It takes four shapes of input and hands each to {@link Fleet}:
 * <ul>
 *   <li>EventBridge {@code aws.autoscaling} lifecycle actions (launch, terminate) → {@link Fleet#onLifecycleEvent}</li>
 *   <li>EventBridge {@code aws.ssm} {@code EC2 Command Invocation Status-change Notification} → {@link Fleet#onCommandStatus}</li>
 *   <li>SQS batches from the retry queue → {@link Fleet#onRetry}, answering {@code batchItemFailures}
 *   with the records that must come back</li>
 *   <li>the {@code Scheduled Event} of its schedule → {@link Fleet#reconcile}</li>
 * </ul>
 * Malformed or hostile input (bad ids, an unknown group, metadata that is not JSON or names another
 * environment, a token that is not a UUID) is logged and answered {@code REJECTED} without effect, so
 * it is not retried. Failures of AWS or the ledger propagate, so EventBridge retries the event; in an
 * SQS batch they mark only that record failed. Each event logs one JSON line with instance, group,
 * environment, release, commandId and outcome (never the lifecycle token).
 */
public final class FleetHandler implements RequestStreamHandler {
    private final Fleet fleet;

    public FleetHandler() {
        this(DependencyFactory.lambda(), Settings.fromSystem());
    }

    /** Reads FleetFunction's environment (see {@link FleetConfig#from}, RETRY_QUEUE_URL, ALERT_TOPIC_ARN); calls no AWS. */
    public FleetHandler(DependencyFactory deps, Settings settings) {
        this(Fleet.create(deps, settings));
    }

    FleetHandler(Fleet fleet) {
        this.fleet = Objects.requireNonNull(fleet, "fleet");
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Map<String, Object> answer;
        Json.Node root;
        try {
            root = Json.parse(input);
        } catch (JsonException e) {
            answer = answer(log(FleetOutcome.rejected(e.getMessage()), Map.of()));
            output.write(Json.write(answer).getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (root.isObject() && root.find("Records").isPresent()) {
            answer = retries(root);
        } else {
            answer = event(root);
        }
        output.write(Json.write(answer).getBytes(StandardCharsets.UTF_8));
    }

    private Map<String, Object> event(Json.Node root) {
        Map<String, Object> event = new LinkedHashMap<>();
        // EventBridge's event id ties a log line to a retried or dead-lettered event.
        root.findText("id").filter(id -> id.length() <= 100).ifPresent(id -> event.put("eventId", id));
        FleetEvents.Decision decision = FleetEvents.read(root, fleet.config());
        if (decision instanceof FleetEvents.Lifecycle lifecycle) {
            return answer(log(fleet.onLifecycleEvent(lifecycle.action()), event));
        }
        if (decision instanceof FleetEvents.StatusChange change) {
            event.put("commandStatus", change.status());
            return answer(log(fleet.onCommandStatus(change.commandId(), change.instanceId(), change.status()), event));
        }
        if (decision instanceof FleetEvents.Reconcile) {
            List<FleetOutcome> outcomes = fleet.reconcile();
            List<Object> results = new ArrayList<>();
            for (FleetOutcome outcome : outcomes) {
                log(outcome, event);
                results.add(outcome.keys());
            }
            Log.info("reconciled " + outcomes.size() + " waiting instance(s)", event);
            return Json.object("outcome", "RECONCILED", "instances", outcomes.size(), "results", results);
        }
        if (decision instanceof FleetEvents.Ignored ignored) {
            return answer(log(FleetOutcome.ignored(ignored.reason()), event));
        }
        return answer(log(FleetOutcome.rejected(((FleetEvents.Rejected) decision).reason()), event));
    }

    /** An SQS batch: each record on its own; only records that may succeed later are reported failed. */
    private Map<String, Object> retries(Json.Node root) {
        List<Object> failures = new ArrayList<>();
        List<Json.Node> records;
        try {
            records = root.get("Records").elements();
        } catch (JsonException e) {
            return answer(log(FleetOutcome.rejected(e.getMessage()), Map.of()));
        }
        for (Json.Node record : records) {
            Map<String, Object> keys = new LinkedHashMap<>();
            String messageId = record.isObject() ? record.findText("messageId").orElse("") : "";
            if (!messageId.isEmpty() && messageId.length() <= 100) {
                keys.put("messageId", messageId);
            }
            try {
                if (!"aws:sqs".equals(record.findText("eventSource").orElse(null))) {
                    log(FleetOutcome.rejected("record is not from SQS (eventSource aws:sqs)"), keys);
                    continue;
                }
                Json.Node body = Json.parse(record.text("body"));
                if (FleetEvents.isTestNotification(body)) {
                    log(FleetOutcome.ignored("Auto Scaling's test notification"), keys);
                    continue;
                }
                log(fleet.onRetry(RetryMessage.fromJson(record.text("body"))), keys);
            } catch (IllegalArgumentException e) {
                // Malformed: deleting it is the only way to stop it coming back.
                log(FleetOutcome.rejected(e.getMessage()), keys);
            } catch (RuntimeException e) {
                keys.put("outcome", "RETRY_LATER");
                Log.error("retry message failed, SQS delivers it again: " + e.getMessage(), keys);
                if (!messageId.isEmpty()) {
                    failures.add(Json.object("itemIdentifier", messageId));
                }
            }
        }
        return Json.object("batchItemFailures", failures);
    }

    private static FleetOutcome log(FleetOutcome outcome, Map<String, Object> event) {
        Map<String, Object> keys = new LinkedHashMap<>(event);
        keys.putAll(outcome.keys());
        switch (outcome.kind()) {
            case REJECTED, FAILED -> Log.error(outcome.message(), keys);
            case COMPLETED -> {
                if (outcome.result().equals(LifecycleResult.ABANDON.name())) {
                    Log.warn(outcome.message(), keys);
                } else {
                    Log.info(outcome.message(), keys);
                }
            }
            default -> Log.info(outcome.message(), keys);
        }
        return outcome;
    }

    private static Map<String, Object> answer(FleetOutcome outcome) {
        Map<String, Object> answer = new LinkedHashMap<>(outcome.keys());
        answer.put("message", outcome.message());
        return answer;
    }
}

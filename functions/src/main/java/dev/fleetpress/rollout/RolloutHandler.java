package dev.fleetpress.rollout;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.fleetpress.Settings;
import dev.fleetpress.aws.DependencyFactory;
import dev.fleetpress.fleet.CommandStatus;
import dev.fleetpress.fleet.FleetIds;
import dev.fleetpress.json.Json;
import dev.fleetpress.json.JsonException;
import dev.fleetpress.log.Log;
import dev.fleetpress.release.Environments;
import dev.fleetpress.upgrade.UpgradeOutcome;
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
 * The rollout function. It takes three shapes of EventBridge input and hands each to {@link Rollouts}:
 * <ul>
 *   <li>{@code aws.ssm} {@code Parameter Store Change} of an environment pointer
 *   ({@code <PARAMETER_PREFIX>/env/<env>/release}) → {@link Rollouts#onPointerChanged}</li>
 *   <li>{@code aws.ssm} {@code EC2 Command Status-change Notification} of the activation document →
 *   {@link Rollouts#onActivationStatus}; of the upgrade document → the {@link dev.fleetpress.upgrade.UpgradeGate}</li>
 *   <li>the {@code Scheduled Event} of its schedule → {@link Rollouts#reconcile}</li>
 * </ul>
 * Malformed or foreign input is answered {@code REJECTED} or {@code IGNORED} without effect (so not retried);
 * failures of AWS or the ledger propagate, so EventBridge retries the event and then dead-letters it.
 */
public final class RolloutHandler implements RequestStreamHandler {
    static final String PARAMETER_CHANGE = "Parameter Store Change";
    static final String COMMAND_STATUS = "EC2 Command Status-change Notification";
    static final String SCHEDULED = "Scheduled Event";

    private final Rollouts rollouts;
    private final String pointerPrefix;

    public RolloutHandler() {
        this(DependencyFactory.lambda(), Settings.fromSystem());
    }

    /** Reads RolloutFunction's environment; calls no AWS. */
    public RolloutHandler(DependencyFactory deps, Settings settings) {
        this(Rollouts.create(deps, settings));
    }

    RolloutHandler(Rollouts rollouts) {
        this.rollouts = Objects.requireNonNull(rollouts, "rollouts");
        this.pointerPrefix = rollouts.config().parameterPrefix() + "/env/";
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Map<String, Object> answer;
        try {
            answer = handle(Json.parse(input));
        } catch (JsonException e) {
            answer = log(RolloutOutcome.simple(RolloutOutcome.Kind.REJECTED, e.getMessage()), Map.of());
        }
        output.write(Json.write(answer).getBytes(StandardCharsets.UTF_8));
    }

    private Map<String, Object> handle(Json.Node event) {
        Map<String, Object> keys = new LinkedHashMap<>();
        if (!event.isObject()) {
            return log(RolloutOutcome.simple(RolloutOutcome.Kind.REJECTED, "not a JSON object"), keys);
        }
        event.findText("id").filter(id -> id.length() <= 100).ifPresent(id -> keys.put("eventId", id));
        String source = event.findText("source").orElse("");
        String type = event.findText("detail-type").orElse("");
        try {
            if (source.equals("aws.ssm") && type.equals(PARAMETER_CHANGE)) {
                return log(pointerChanged(event.get("detail")), keys);
            }
            if (source.equals("aws.ssm") && type.equals(COMMAND_STATUS)) {
                return log(commandStatus(event.get("detail"), keys), keys);
            }
            if (source.equals("aws.events") && type.equals(SCHEDULED)) {
                List<Object> results = new ArrayList<>();
                for (RolloutOutcome outcome : rollouts.reconcile()) {
                    results.add(log(outcome, keys));
                }
                return Json.object("outcome", "RECONCILED", "environments", results);
            }
        } catch (IllegalArgumentException e) {
            // JsonException (a missing or mistyped field) and every id check end here.
            return log(RolloutOutcome.simple(RolloutOutcome.Kind.REJECTED, e.getMessage()), keys);
        }
        return log(RolloutOutcome.simple(RolloutOutcome.Kind.REJECTED, "not an event the rollout function handles "
                + "(source '" + shorten(source) + "', detail-type '" + shorten(type) + "')"), keys);
    }

    private RolloutOutcome pointerChanged(Json.Node detail) {
        String name = detail.text("name");
        String operation = detail.findText("operation").orElse("");
        if (!name.startsWith(pointerPrefix) || !name.endsWith("/release")) {
            return RolloutOutcome.simple(RolloutOutcome.Kind.IGNORED, "parameter " + shorten(name)
                    + " is not an environment pointer (" + pointerPrefix + "<env>/release)");
        }
        String environment = name.substring(pointerPrefix.length(), name.length() - "/release".length());
        if (!Environments.isValid(environment)) {
            return RolloutOutcome.simple(RolloutOutcome.Kind.REJECTED, "parameter " + shorten(name)
                    + " names no valid environment");
        }
        if (!operation.equals("Create") && !operation.equals("Update")) {
            return RolloutOutcome.simple(RolloutOutcome.Kind.IGNORED, "operation '" + shorten(operation)
                    + "' on " + name + " does not move the pointer");
        }
        return rollouts.onPointerChanged(environment);
    }

    private RolloutOutcome commandStatus(Json.Node detail, Map<String, Object> keys) {
        String commandId = FleetIds.uuid(detail.text("command-id"), "command-id");
        String document = detail.text("document-name");
        String status = CommandStatus.requireKnown(detail.text("status"));
        keys.put("commandStatus", status);
        if (document.equals(rollouts.config().activateDocument())) {
            return rollouts.onActivationStatus(commandId, status);
        }
        if (document.equals(rollouts.config().upgrade().document())) {
            UpgradeOutcome upgrade = rollouts.gate().onCommandStatus(commandId, status);
            return new RolloutOutcome(RolloutOutcome.Kind.UPGRADE, upgrade.environment(), upgrade.release(), commandId,
                    upgrade.message(), upgrade);
        }
        return RolloutOutcome.simple(RolloutOutcome.Kind.IGNORED, "document " + shorten(document)
                + " is neither the activation nor the upgrade document");
    }

    private static Map<String, Object> log(RolloutOutcome outcome, Map<String, Object> event) {
        Map<String, Object> keys = new LinkedHashMap<>(event);
        keys.putAll(outcome.keys());
        switch (outcome.kind()) {
            case REJECTED, ACTIVATION_FAILED -> Log.error(outcome.message(), keys);
            default -> {
                if (outcome.upgrade() != null && outcome.upgrade().kind() == UpgradeOutcome.Kind.FAILED) {
                    Log.error(outcome.message(), keys);
                } else {
                    Log.info(outcome.message(), keys);
                }
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>(outcome.keys());
        answer.put("message", outcome.message());
        return answer;
    }

    private static String shorten(String value) {
        return value.length() > 80 ? value.substring(0, 80) + "…" : value;
    }
}

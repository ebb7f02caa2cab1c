package dev.fleetpress.fleet;

import dev.fleetpress.json.Json;
import dev.fleetpress.json.JsonException;
import dev.fleetpress.release.Environments;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the EventBridge events the fleet function receives into what it should do with them. Every
 * field is checked before use: ids against their patterns, the group against FLEET_GROUPS, the
 * hook's NotificationMetadata environment against the group's, the document against the fleet's two.
 * Anything malformed or contradictory is {@link Rejected}, never acted on.
 */
final class FleetEvents {
    static final String LAUNCH = "EC2 Instance-launch Lifecycle Action";
    static final String TERMINATE = "EC2 Instance-terminate Lifecycle Action";
    static final String COMMAND_STATUS = "EC2 Command Invocation Status-change Notification";
    static final String SCHEDULED = "Scheduled Event";
    static final String TEST_NOTIFICATION = "autoscaling:TEST_NOTIFICATION";
    private static final Set<String> PLACES = Set.of("EC2", "AutoScalingGroup", "WarmPool");

    private FleetEvents() {
    }

    sealed interface Decision permits Lifecycle, StatusChange, Reconcile, Ignored, Rejected {
    }

    record Lifecycle(LifecycleAction action) implements Decision {
    }

    record StatusChange(String commandId, String instanceId, String status) implements Decision {
    }

    record Reconcile() implements Decision {
    }

    /** Well-formed, but not FleetPress's to act on. */
    record Ignored(String reason) implements Decision {
    }

    /** Malformed or hostile: acting on it could do harm, retrying it cannot help. */
    record Rejected(String reason) implements Decision {
    }

    static Decision read(Json.Node event, FleetConfig config) {
        try {
            return decide(event, config);
        } catch (IllegalArgumentException e) {
            // JsonException (missing or mistyped field) and every id check end here.
            return new Rejected(e.getMessage());
        }
    }

    static boolean isTestNotification(Json.Node node) {
        return node.isObject() && (TEST_NOTIFICATION.equals(node.findText("Event").orElse(null))
                || TEST_NOTIFICATION.equals(node.findText("detail", "Event").orElse(null)));
    }

    private static Decision decide(Json.Node event, FleetConfig config) {
        if (isTestNotification(event)) {
            return new Ignored("Auto Scaling's test notification (sent when a hook target is set up)");
        }
        if (!event.isObject()) {
            return new Rejected("not a JSON object");
        }
        String source = event.findText("source").orElse("");
        String type = event.findText("detail-type").orElse("");
        if (source.equals("aws.autoscaling") && (type.equals(LAUNCH) || type.equals(TERMINATE))) {
            return lifecycle(event.get("detail"), type, config);
        }
        if (source.equals("aws.ssm") && type.equals(COMMAND_STATUS)) {
            return status(event.get("detail"), config);
        }
        if (source.equals("aws.events") && type.equals(SCHEDULED)) {
            return new Reconcile();
        }
        return new Rejected("not an event the fleet function handles (source '" + FleetIds.shorten(source)
                + "', detail-type '" + FleetIds.shorten(type) + "')");
    }

    private static Decision lifecycle(Json.Node d, String type, FleetConfig config) {
        Phase.Transition transition = Phase.Transition.ofAwsName(d.text("LifecycleTransition"));
        if (!type.equals(transition == Phase.Transition.LAUNCHING ? LAUNCH : TERMINATE)) {
            return new Rejected("detail-type '" + type + "' contradicts LifecycleTransition " + transition.awsName());
        }
        String instanceId = FleetIds.instanceId(d.text("EC2InstanceId"));
        String group = FleetIds.name(d.text("AutoScalingGroupName"), "AutoScalingGroupName");
        Optional<String> environment = config.groups().environmentOf(group);
        if (environment.isEmpty()) {
            return new Rejected("group " + group + " is not one FleetPress manages (FLEET_GROUPS lists "
                    + config.groups().groups() + "); its instances are left to their hook's DefaultResult");
        }
        String hook = FleetIds.name(d.text("LifecycleHookName"), "LifecycleHookName");
        String ours = transition == Phase.Transition.LAUNCHING ? config.launchHook() : config.drainHook();
        if (!hook.equals(ours)) {
            return new Ignored("hook " + hook + " is not FleetPress's (" + ours + "); whoever added it completes it");
        }
        String token = FleetIds.uuid(d.text("LifecycleActionToken"), "LifecycleActionToken");
        Optional<String> metadata = d.findText("NotificationMetadata").filter(m -> !m.isBlank());
        if (metadata.isPresent()) {
            String declared = metadataEnvironment(metadata.get());
            if (!declared.equals(environment.get())) {
                return new Rejected("hook " + hook + " of " + group + " says environment " + declared
                        + " but FLEET_GROUPS maps the group to " + environment.get()
                        + ": fix the hook's NotificationMetadata or FLEET_GROUPS");
            }
        }
        String origin = place(d, "Origin");
        String destination = place(d, "Destination");
        Phase phase = Phase.of(transition, origin, destination);
        return new Lifecycle(new LifecycleAction(instanceId, group, hook, phase, token, environment.get()));
    }

    private static String metadataEnvironment(String metadata) {
        Json.Node node;
        try {
            node = Json.parse(metadata);
        } catch (JsonException e) {
            throw new IllegalArgumentException("NotificationMetadata is not JSON (" + e.getMessage()
                    + "); template.yaml sets it to {\"environment\":\"<name>\"}");
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("NotificationMetadata is not a JSON object with an environment");
        }
        return Environments.requireValid(node.text("environment"));
    }

    private static String place(Json.Node d, String field) {
        String value = d.findText(field).orElse("");
        if (!value.isEmpty() && !PLACES.contains(value)) {
            throw new IllegalArgumentException(field + " '" + FleetIds.shorten(value) + "' is not EC2, AutoScalingGroup or WarmPool");
        }
        return value;
    }

    private static Decision status(Json.Node d, FleetConfig config) {
        String commandId = FleetIds.uuid(d.text("command-id"), "command-id");
        String instanceId = FleetIds.instanceId(d.text("instance-id"));
        String document = d.text("document-name");
        if (!document.equals(config.bootstrapDocument()) && !document.equals(config.drainDocument())) {
            return new Ignored("document " + FleetIds.shorten(document) + " is neither "
                    + config.bootstrapDocument() + " nor " + config.drainDocument());
        }
        return new StatusChange(commandId, instanceId, CommandStatus.requireKnown(d.text("status")));
    }
}

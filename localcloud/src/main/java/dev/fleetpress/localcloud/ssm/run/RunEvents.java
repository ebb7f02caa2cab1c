package dev.fleetpress.localcloud.ssm.run;

import dev.fleetpress.json.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Run Command's EventBridge events in the shape AWS sends them: {@code EC2 Command Status-change
 * Notification} and {@code EC2 Command Invocation Status-change Notification}, source
 * {@code aws.ssm}, the instances' ARNs as resources, kebab-case detail fields, date-times with
 * milliseconds in the detail and whole seconds in the envelope.
 *
 * <p>{@code detail.status} is the detailed status ({@code Success}, {@code Failed},
 * {@code ExecutionTimedOut}, {@code DeliveryTimedOut}, {@code Cancelled}, {@code Terminated},
 * {@code InProgress}), the values FleetFunction's CommandStatus rule matches. The command event's
 * {@code resources} are the instances the command actually targeted (after resolving Targets).
 */
final class RunEvents {
    static final String ACCOUNT = "000000000000";
    static final String REGION = "us-east-1";

    private RunEvents() {
    }

    static String commandStatus(SentCommand command, String status, Instant now) {
        Map<String, Object> detail = Json.object(
                "command-id", command.id,
                "document-name", command.document.name(),
                "expire-after", millis(command.expiresAfter),
                "parameters", command.sentParameters,
                "requested-date-time", millis(command.requested),
                "status", status);
        return envelope("EC2 Command Status-change Notification",
                command.targetedInstanceIds().stream().map(RunEvents::instanceArn).toList(), detail, now);
    }

    static String invocationStatus(Invocation invocation, String status, Instant now) {
        SentCommand command = invocation.command;
        Map<String, Object> detail = Json.object(
                "command-id", command.id,
                "document-name", command.document.name(),
                "instance-id", invocation.instance.id(),
                "requested-date-time", millis(command.requested),
                "status", status);
        return envelope("EC2 Command Invocation Status-change Notification",
                List.of(instanceArn(invocation.instance.id())), detail, now);
    }

    static String instanceArn(String instanceId) {
        return "arn:aws:ec2:" + REGION + ":" + ACCOUNT + ":instance/" + instanceId;
    }

    private static String envelope(String detailType, List<String> resources, Map<String, Object> detail, Instant now) {
        return Json.write(Json.object(
                "version", "0",
                "id", UUID.randomUUID().toString(),
                "detail-type", detailType,
                "source", "aws.ssm",
                "account", ACCOUNT,
                "time", now.truncatedTo(ChronoUnit.SECONDS).toString(),
                "region", REGION,
                "resources", resources,
                "detail", detail));
    }

    /** Instant.toString drops trailing zero fields; AWS always writes three fraction digits. */
    static String millis(Instant t) {
        String s = t.truncatedTo(ChronoUnit.MILLIS).toString();
        int dot = s.indexOf('.');
        if (dot < 0) {
            return s.substring(0, s.length() - 1) + ".000Z";
        }
        String fraction = s.substring(dot + 1, s.length() - 1);
        return s.substring(0, dot + 1) + (fraction + "000").substring(0, 3) + "Z";
    }
}

package dev.fleetpress.localcloud.checks;

import dev.fleetpress.json.Json;
import dev.fleetpress.json.JsonException;
import dev.fleetpress.localcloud.events.EventBus;
import dev.fleetpress.localcloud.template.FunctionSpec;
import dev.fleetpress.localcloud.template.S3Trigger;
import dev.fleetpress.localcloud.template.ScheduleTrigger;
import dev.fleetpress.localcloud.template.SqsTrigger;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every fixture under {@code events/<folder>/} reaches exactly the function the folder names
 * ({@code events/release/} feeds {@code ReleaseFunction}, {@code events/media-import/} feeds
 * {@code MediaImportFunction}) and no other; fixtures under {@code events/unrouted/} reach none.
 * EventBridge events are matched by localcloud's {@link EventBus} (AWS's event-ruler over the
 * template's patterns), HTTP API requests by {@link HttpRouteMatcher}, Scheduled Events by the
 * functions' schedules, SQS events by the queue in their records' {@code eventSourceARN} and S3
 * notifications by the bucket, event name and (decoded) key of their records against the functions'
 * {@code S3} events, so a
 * pattern, route or queue that drifts from the events AWS sends fails here rather than in production.
 */
final class EventRoutingCheck {
    static final String UNROUTED = "unrouted";
    private static final Pattern SQS_ARN = Pattern.compile("^arn:[a-z-]+:sqs:[a-z0-9-]+:[0-9]{12}:([A-Za-z0-9_.-]{1,80})$");

    private final List<FunctionSpec> functions;
    private final Set<String> functionIds = new LinkedHashSet<>();
    private final HttpRouteMatcher routes;

    EventRoutingCheck(List<FunctionSpec> functions) {
        this.functions = List.copyOf(functions);
        functions.forEach(f -> functionIds.add(f.logicalId()));
        this.routes = new HttpRouteMatcher(functions);
    }

    /** @param fixtures JSON text keyed by the path under events/, such as {@code release/codebuild-failed.json} */
    List<String> check(Map<String, String> fixtures) {
        List<String> findings = new ArrayList<>();
        try (EventBus bus = EventBus.builder((function, event) -> {
            throw new IllegalStateException("the routing check never delivers events");
        }).functions(functions).build()) {
            fixtures.forEach((path, json) -> findings.addAll(check("events/" + path, json, bus)));
        }
        return findings;
    }

    /** {@code release} → {@code ReleaseFunction}, {@code media-import} → {@code MediaImportFunction}. */
    static String functionFor(String folder) {
        StringBuilder id = new StringBuilder();
        for (String word : folder.split("[-_]")) {
            if (!word.isEmpty()) {
                id.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
            }
        }
        return id.append("Function").toString();
    }

    private List<String> check(String path, String json, EventBus bus) {
        String[] parts = path.split("/");
        if (parts.length != 3) {
            return List.of(path + ": put fixtures directly in events/<folder>/, where the folder names the function "
                    + "they feed (events/release/ for ReleaseFunction) or is events/unrouted/");
        }
        String folder = parts[1];
        Set<String> expected = folder.equals(UNROUTED) ? Set.of() : Set.of(functionFor(folder));
        if (!expected.isEmpty() && !functionIds.contains(functionFor(folder))) {
            return List.of(path + ": the folder events/" + folder + "/ feeds " + functionFor(folder)
                    + ", but template.yaml has no such function (it has " + functionIds + "); rename the folder "
                    + "after the function's logical id, kebab-case without 'Function'");
        }
        Json.Node event;
        try {
            event = Json.parse(json);
        } catch (JsonException e) {
            return List.of(path + ": not valid JSON: " + e.getMessage());
        }
        List<String> findings = new ArrayList<>();
        // Sorted, so messages are stable whatever order the matchers report in.
        Set<String> reached;
        if (event.find("detail-type").isPresent()) {
            try {
                reached = new TreeSet<>(bus.matchingFunctions(json));
            } catch (IllegalArgumentException e) {
                return List.of(path + ": not an event EventBridge would deliver: " + e.getMessage());
            }
            if (isScheduledEvent(event)) {
                reached.addAll(scheduledFunctions(event));
            }
        } else if (isHttpApiRequest(event)) {
            reached = new TreeSet<>();
            for (HttpRouteMatcher.Match match : routes.match(event.text("requestContext", "http", "method"),
                    event.text("rawPath"))) {
                reached.add(match.functionLogicalId());
                String routeKey = event.text("routeKey");
                if (!routeKey.equals(match.route().routeKey())) {
                    findings.add(path + ": routeKey is '" + routeKey + "' but API Gateway would report the template's "
                            + "route '" + match.route().routeKey() + "' of " + match.functionLogicalId()
                            + "; update routeKey and requestContext.routeKey in the fixture");
                }
            }
        } else if (isSqsEvent(event)) {
            reached = new TreeSet<>();
            for (Json.Node record : event.get("Records").elements()) {
                String arn = record.findText("eventSourceARN").orElse("");
                Matcher queue = SQS_ARN.matcher(arn);
                if (!queue.matches()) {
                    findings.add(path + ": eventSourceARN '" + arn + "' is not an SQS queue ARN "
                            + "(arn:aws:sqs:<region>:<account>:<queue name>)");
                    continue;
                }
                reached.addAll(sqsFunctions(queue.group(1)));
            }
        } else if (isS3Notification(event)) {
            reached = new TreeSet<>();
            for (Json.Node record : event.get("Records").elements()) {
                String key;
                try {
                    // Notification keys are URL-encoded form-style; S3 filters the key itself.
                    key = URLDecoder.decode(record.text("s3", "object", "key"), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    findings.add(path + ": s3.object.key is not URL-encoded as S3 sends it: " + e.getMessage());
                    continue;
                }
                reached.addAll(s3Functions(record.text("s3", "bucket", "name"), record.text("eventName"), key));
            }
        } else {
            return List.of(path + ": neither an EventBridge event (detail-type), an HTTP API payload 2.0 request "
                    + "(routeKey, rawPath, requestContext.http.method), an SQS event (Records[] with eventSource "
                    + "aws:sqs) nor an S3 notification (Records[] with eventSource aws:s3); the routing check knows "
                    + "only those shapes, so teach EventRoutingCheck the new one");
        }
        if (!reached.equals(expected)) {
            findings.add(path + ": reaches " + (reached.isEmpty() ? "no function" : reached)
                    + (expected.isEmpty() ? ", but fixtures in events/unrouted/ must reach none: narrow the pattern or "
                            + "route of " + reached + ", or move the fixture to the folder of the function it feeds"
                            : ", but its folder says exactly " + expected + ": fix the EventBridgeRule Pattern or "
                                    + "HttpApi route in template.yaml (or the fixture), or move the fixture to "
                                    + "events/unrouted/ if no function should get it"));
        }
        return findings;
    }

    private static boolean isHttpApiRequest(Json.Node event) {
        return event.find("routeKey").isPresent() && event.find("rawPath").isPresent()
                && event.find("requestContext", "http", "method").isPresent();
    }

    /** Lambda's SQS event: a non-empty {@code Records} array whose records all come from SQS. */
    private static boolean isSqsEvent(Json.Node event) {
        if (!event.find("Records").map(Json.Node::isArray).orElse(false)) {
            return false;
        }
        List<Json.Node> records = event.get("Records").elements();
        return !records.isEmpty() && records.stream().allMatch(r -> r.isObject()
                && r.findText("eventSource").filter("aws:sqs"::equals).isPresent());
    }

    /** An S3 event notification: a non-empty {@code Records} array whose records all come from S3. */
    private static boolean isS3Notification(Json.Node event) {
        if (!event.find("Records").map(Json.Node::isArray).orElse(false)) {
            return false;
        }
        List<Json.Node> records = event.get("Records").elements();
        return !records.isEmpty() && records.stream().allMatch(r -> r.isObject()
                && r.findText("eventSource").filter("aws:s3"::equals).isPresent());
    }

    /**
     * The functions with an {@code S3} event on {@code bucket} whose events include {@code eventName}
     * ({@code s3:ObjectCreated:*} covers every {@code ObjectCreated:…}) and whose prefix and suffix
     * filters match the decoded {@code key}.
     */
    private Set<String> s3Functions(String bucket, String eventName, String key) {
        Set<String> out = new LinkedHashSet<>();
        for (FunctionSpec function : functions) {
            for (S3Trigger trigger : function.s3Triggers()) {
                boolean event = trigger.events().stream().anyMatch(e -> e.equals("s3:" + eventName)
                        || (e.endsWith(":*") && ("s3:" + eventName).startsWith(e.substring(0, e.length() - 1))));
                if (trigger.bucketName().equals(bucket) && event && key.startsWith(trigger.prefix())
                        && key.endsWith(trigger.suffix())) {
                    out.add(function.logicalId());
                }
            }
        }
        return out;
    }

    /** The functions whose SQS event source polls the queue named {@code queueName}. */
    private Set<String> sqsFunctions(String queueName) {
        Set<String> out = new LinkedHashSet<>();
        for (FunctionSpec function : functions) {
            for (SqsTrigger trigger : function.sqsTriggers()) {
                // The trigger's queue may be given as a name or as the queue URL (what Ref answers): compare names.
                String name = trigger.queueName().substring(trigger.queueName().lastIndexOf('/') + 1);
                if (name.equals(queueName)) {
                    out.add(function.logicalId());
                }
            }
        }
        return out;
    }

    /** Schedules are rules of their own, not patterns: a Scheduled Event reaches every function a schedule passes it to. */
    private static boolean isScheduledEvent(Json.Node event) {
        return event.findText("source").filter("aws.events"::equals).isPresent()
                && event.findText("detail-type").filter("Scheduled Event"::equals).isPresent();
    }

    /**
     * A schedule's event names its rule in {@code resources} (SAM names the rule
     * {@code <stack>-<Function><Event>}, as localcloud's scheduler does): the function of that rule,
     * or every scheduled function when the fixture names no rule.
     */
    private Set<String> scheduledFunctions(Json.Node event) {
        List<String> resources = event.find("resources").map(r -> r.elements().stream().map(Json.Node::asText).toList())
                .orElse(List.of());
        Set<String> all = new LinkedHashSet<>();
        Set<String> named = new LinkedHashSet<>();
        for (FunctionSpec function : functions) {
            for (ScheduleTrigger schedule : function.schedules()) {
                // With Input set the function gets that constant, not the Scheduled Event.
                if (schedule.enabled() && schedule.input().isEmpty()) {
                    all.add(function.logicalId());
                    String rule = "-" + function.logicalId() + schedule.eventName();
                    if (resources.stream().anyMatch(r -> r.endsWith(rule))) {
                        named.add(function.logicalId());
                    }
                }
            }
        }
        boolean namesARule = resources.stream().anyMatch(r -> r.contains(":rule/"));
        return namesARule ? named : all;
    }
}

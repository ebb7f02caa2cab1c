package dev.fleetpress.localcloud.template;

import static dev.fleetpress.localcloud.template.Intrinsics.asMap;
import static dev.fleetpress.localcloud.template.Intrinsics.properties;
import static dev.fleetpress.localcloud.template.Intrinsics.text;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads one function resource into a {@link FunctionSpec}. */
final class FunctionReader {
    private final Template template;
    private final String id;
    private final Map<String, Object> props;

    FunctionReader(Template template, String id, Map<String, Object> resource) {
        this.template = template;
        this.id = id;
        String type = Intrinsics.type(id, resource);
        if (!type.equals("AWS::Serverless::Function") && !type.equals("AWS::Lambda::Function")) {
            throw new TemplateException(id + " is a " + type + ", not a function");
        }
        this.props = properties(resource);
    }

    FunctionSpec read() {
        String handler = string("Handler");
        int separator = handler.indexOf("::");
        String handlerClass = separator < 0 ? handler : handler.substring(0, separator);
        String handlerMethod = separator < 0 ? "handleRequest" : handler.substring(separator + 2);
        List<HttpApiRoute> routes = new ArrayList<>();
        List<EventRule> rules = new ArrayList<>();
        List<S3Trigger> s3 = new ArrayList<>();
        List<ScheduleTrigger> schedules = new ArrayList<>();
        List<SqsTrigger> queues = new ArrayList<>();
        Object events = props.get("Events");
        if (events != null) {
            asMap(events, id + ".Events").forEach((name, definition) -> {
                Map<String, Object> event = asMap(definition, id + ".Events." + name);
                Map<String, Object> eventProps = properties(event);
                String type = String.valueOf(event.get("Type"));
                switch (type) {
                    case "HttpApi" -> routes.add(route(name, eventProps));
                    case "EventBridgeRule", "CloudWatchEvent" -> rules.add(rule(name, eventProps));
                    case "S3" -> s3.add(s3Trigger(name, eventProps));
                    case "Schedule", "ScheduleV2" -> schedules.add(schedule(name, type, eventProps));
                    case "SQS" -> queues.add(sqsTrigger(name, eventProps));
                    default -> throw new TemplateException(id + ".Events." + name + " has type " + type
                            + ", which localcloud does not route (it routes HttpApi, EventBridgeRule, CloudWatchEvent, S3, Schedule, ScheduleV2, SQS)");
                }
            });
        }
        return new FunctionSpec(id, props.containsKey("FunctionName") ? string("FunctionName") : id,
                handlerClass, handlerMethod, environment(), Duration.ofSeconds(number("Timeout", 3)),
                (int) number("MemorySize", 128), routes, rules, s3, schedules, queues, statements(), asyncInvoke());
    }

    private Map<String, String> environment() {
        Map<String, String> out = new LinkedHashMap<>();
        Object environment = props.get("Environment");
        if (environment == null) {
            return out;
        }
        Object variables = asMap(environment, id + ".Environment").get("Variables");
        if (variables == null) {
            return out;
        }
        asMap(variables, id + ".Environment.Variables").forEach((name, value) -> {
            Object resolved = template.resolved(value);
            if (resolved != null) {
                out.put(name, text(resolved, id + " environment variable " + name));
            }
        });
        return out;
    }

    private HttpApiRoute route(String name, Map<String, Object> p) {
        String api = p.containsKey("ApiId") ? refName(p.get("ApiId"), name + ".ApiId") : Template.implicitHttpApi();
        String path = p.containsKey("Path") ? text(template.resolved(p.get("Path")), name + ".Path") : "$default";
        String method = p.containsKey("Method") ? text(template.resolved(p.get("Method")), name + ".Method") : "ANY";
        String version = p.containsKey("PayloadFormatVersion")
                ? text(template.resolved(p.get("PayloadFormatVersion")), name + ".PayloadFormatVersion") : "2.0";
        return new HttpApiRoute(name, api, method, path, version);
    }

    private EventRule rule(String name, Map<String, Object> p) {
        for (String unsupported : List.of("Input", "InputPath", "InputTransformer")) {
            if (p.containsKey(unsupported)) {
                throw new TemplateException(id + ".Events." + name + " sets " + unsupported
                        + ": localcloud delivers the matched event itself and does not transform target input");
            }
        }
        Object pattern = p.get("Pattern");
        if (pattern == null) {
            throw new TemplateException(id + ".Events." + name + " has no Pattern");
        }
        RetryPolicy retry = RetryPolicy.EVENTBRIDGE_DEFAULT;
        Object policy = p.get("RetryPolicy");
        if (policy != null) {
            Map<String, Object> r = asMap(template.resolved(policy), name + ".RetryPolicy");
            retry = new RetryPolicy(
                    (int) longValue(r.get("MaximumRetryAttempts"), retry.maximumRetryAttempts()),
                    Duration.ofSeconds(longValue(r.get("MaximumEventAgeInSeconds"), retry.maximumEventAge().toSeconds())));
        }
        return new EventRule(name, Template.json(template.resolved(pattern)), retry, p.containsKey("DeadLetterConfig"));
    }

    private S3Trigger s3Trigger(String name, Map<String, Object> p) {
        String bucketId = refName(p.get("Bucket"), name + ".Bucket");
        Object declared = template.resolved(p.get("Events"));
        List<String> events = new ArrayList<>();
        if (declared instanceof List<?> list) {
            list.forEach(e -> events.add(text(e, name + ".Events")));
        } else {
            events.add(text(declared, name + ".Events"));
        }
        String prefix = "";
        String suffix = "";
        Object filter = p.get("Filter");
        if (filter != null) {
            Map<String, Object> key = asMap(asMap(template.resolved(filter), name + ".Filter").getOrDefault("S3Key", Map.of()), "S3Key");
            for (Object rule : (List<?>) key.getOrDefault("Rules", List.of())) {
                Map<String, Object> r = asMap(rule, name + ".Filter.S3Key.Rules[]");
                String ruleName = text(r.get("Name"), "filter rule Name");
                String value = text(r.get("Value"), "filter rule Value");
                if (ruleName.equalsIgnoreCase("prefix")) {
                    prefix = value;
                } else if (ruleName.equalsIgnoreCase("suffix")) {
                    suffix = value;
                }
            }
        }
        return new S3Trigger(name, bucketId, template.ref(bucketId), events, prefix, suffix);
    }

    private SqsTrigger sqsTrigger(String name, Map<String, Object> p) {
        Object queue = p.get("Queue");
        if (queue == null) {
            throw new TemplateException(id + ".Events." + name + " has no Queue");
        }
        String queueId = queue instanceof Map<?, ?> m && m.containsKey("Fn::GetAtt") ? getAttTarget(m.get("Fn::GetAtt"), name)
                : refName(queue, name + ".Queue");
        int batch = (int) longValue(template.resolved(p.get("BatchSize")), 10);
        boolean partial = SqsTrigger.responseTypes(template.resolved(p.get("FunctionResponseTypes"))).contains("ReportBatchItemFailures");
        return new SqsTrigger(name, queueId, template.ref(queueId), batch, partial);
    }

    private String getAttTarget(Object getAtt, String name) {
        if (getAtt instanceof List<?> list && !list.isEmpty()) {
            return String.valueOf(list.get(0));
        }
        String text = String.valueOf(getAtt);
        int dot = text.indexOf('.');
        if (dot <= 0) {
            throw new TemplateException(id + ".Events." + name + ".Queue: cannot read the queue from GetAtt " + text);
        }
        return text.substring(0, dot);
    }

    private ScheduleTrigger schedule(String name, String type, Map<String, Object> p) {
        String expressionKey = type.equals("Schedule") ? "Schedule" : "ScheduleExpression";
        Object expression = p.get(expressionKey);
        if (expression == null) {
            throw new TemplateException(id + ".Events." + name + " has no " + expressionKey);
        }
        boolean enabled = true;
        if (p.containsKey("Enabled")) {
            enabled = Boolean.parseBoolean(text(template.resolved(p.get("Enabled")), name + ".Enabled"));
        }
        if (p.containsKey("State")) {
            enabled = text(template.resolved(p.get("State")), name + ".State").equals("ENABLED");
        }
        String input = p.containsKey("Input") ? text(template.resolved(p.get("Input")), name + ".Input") : "";
        return new ScheduleTrigger(name, text(template.resolved(expression), name + "." + expressionKey), input, enabled);
    }

    private List<PolicyStatement> statements() {
        List<PolicyStatement> out = new ArrayList<>();
        Object policies = props.get("Policies");
        if (!(policies instanceof List<?> list)) {
            return out;
        }
        for (Object policy : list) {
            if (!(policy instanceof Map<?, ?> map) || !map.containsKey("Statement")) {
                continue; // managed policy names and SAM policy templates carry no inline statements
            }
            Object resolved = template.resolved(map.get("Statement"));
            List<?> items = resolved instanceof List<?> l ? l : List.of(resolved);
            for (Object item : items) {
                Map<String, Object> s = asMap(item, id + ".Policies[].Statement[]");
                out.add(new PolicyStatement(
                        s.containsKey("Sid") ? text(s.get("Sid"), "Sid") : "",
                        text(s.getOrDefault("Effect", ""), "Effect"),
                        strings(s.get("Action")),
                        strings(s.get("Resource")),
                        s.containsKey("Condition") ? Template.json(s.get("Condition")) : ""));
            }
        }
        return out;
    }

    private RetryPolicy asyncInvoke() {
        Object config = props.get("EventInvokeConfig");
        if (config == null) {
            return RetryPolicy.LAMBDA_ASYNC_DEFAULT;
        }
        Map<String, Object> c = asMap(template.resolved(config), id + ".EventInvokeConfig");
        RetryPolicy d = RetryPolicy.LAMBDA_ASYNC_DEFAULT;
        return new RetryPolicy((int) longValue(c.get("MaximumRetryAttempts"), d.maximumRetryAttempts()),
                Duration.ofSeconds(longValue(c.get("MaximumEventAgeInSeconds"), d.maximumEventAge().toSeconds())));
    }

    private static List<String> strings(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(v -> text(v, "policy Action/Resource")).toList();
        }
        return List.of(text(value, "policy Action/Resource"));
    }

    /** The logical id a {@code !Ref X} names (an event's ApiId or Bucket must point at a resource of this template). */
    private String refName(Object node, String what) {
        if (node instanceof Map<?, ?> map && map.size() == 1 && map.containsKey("Ref")) {
            return String.valueOf(map.get("Ref"));
        }
        throw new TemplateException(id + ".Events." + what + " must be !Ref of a resource in this template, got " + node);
    }

    private String string(String property) {
        Object value = props.get(property);
        if (value == null) {
            throw new TemplateException(id + " has no " + property);
        }
        return text(template.resolved(value), id + "." + property);
    }

    private long number(String property, long fallback) {
        Object value = props.get(property);
        return value == null ? fallback : longValue(template.resolved(value), fallback);
    }

    private long longValue(Object value, long fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(text(value, id + " number").trim());
        } catch (NumberFormatException e) {
            throw new TemplateException(id + ": expected a whole number, got " + value);
        }
    }
}

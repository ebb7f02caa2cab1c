package dev.fleetpress.localcloud.template;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates CloudFormation intrinsic functions for the local stack. Not thread-safe on its own:
 * {@link Template} serializes access.
 */
final class Intrinsics {
    /** What {@code AWS::NoValue} resolves to until the enclosing map or list drops it. */
    static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "AWS::NoValue";
        }
    };

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

    /** The property that names each resource type's physical resource, when the template sets it. */
    private static final Map<String, String> NAME_PROPERTIES = Map.ofEntries(
            Map.entry("AWS::S3::Bucket", "BucketName"),
            Map.entry("AWS::CodeBuild::Project", "Name"),
            Map.entry("AWS::Serverless::Function", "FunctionName"),
            Map.entry("AWS::Lambda::Function", "FunctionName"),
            Map.entry("AWS::SQS::Queue", "QueueName"),
            Map.entry("AWS::SNS::Topic", "TopicName"),
            Map.entry("AWS::IAM::Role", "RoleName"),
            Map.entry("AWS::IAM::ManagedPolicy", "ManagedPolicyName"),
            Map.entry("AWS::SSM::Document", "Name"),
            Map.entry("AWS::SSM::Parameter", "Name"),
            Map.entry("AWS::Events::Rule", "Name"),
            Map.entry("AWS::Logs::LogGroup", "LogGroupName"),
            Map.entry("AWS::CloudWatch::Alarm", "AlarmName"),
            Map.entry("AWS::AutoScaling::AutoScalingGroup", "AutoScalingGroupName"),
            Map.entry("AWS::AutoScaling::LifecycleHook", "LifecycleHookName"),
            Map.entry("AWS::EC2::LaunchTemplate", "LaunchTemplateName"),
            Map.entry("AWS::Serverless::HttpApi", "Name"));

    private final Map<String, Object> document;
    private final Map<String, Map<String, Object>> resources;
    private final StackContext ctx;
    private final Map<String, Boolean> conditions = new HashMap<>();
    private final Deque<String> resolving = new ArrayDeque<>();

    Intrinsics(Map<String, Object> document, Map<String, Map<String, Object>> resources, StackContext ctx) {
        this.document = document;
        this.resources = resources;
        this.ctx = ctx;
    }

    /** Resolves every intrinsic in {@code node}; {@code AWS::NoValue} entries are dropped, a bare one gives {@code null}. */
    Object resolve(Object node) {
        Object value = value(node);
        return value == NO_VALUE ? null : value;
    }

    boolean condition(String name) {
        Boolean known = conditions.get(name);
        if (known != null) {
            return known;
        }
        Object definition = section("Conditions").get(name);
        if (definition == null) {
            throw new TemplateException("condition " + name + " is not defined in Conditions");
        }
        guard("condition " + name);
        try {
            boolean result = evaluateCondition(definition);
            conditions.put(name, result);
            return result;
        } finally {
            resolving.pop();
        }
    }

    /** The value of {@code Ref name}: a parameter, a pseudo parameter or a resource. */
    Object ref(String name) {
        switch (name) {
            case "AWS::StackName":
                return ctx.stackName();
            case "AWS::Region":
                return ctx.region();
            case "AWS::AccountId":
                return ctx.accountId();
            case "AWS::Partition":
                return ctx.partition();
            case "AWS::URLSuffix":
                return ctx.urlSuffix();
            case "AWS::NoValue":
                return NO_VALUE;
            case "AWS::NotificationARNs":
                return List.of();
            case "AWS::StackId":
                return arn("cloudformation", ctx.region(), ctx.accountId(),
                        "stack/" + ctx.stackName() + "/00000000-0000-0000-0000-000000000000");
            default:
                break;
        }
        if (section("Parameters").containsKey(name)) {
            return parameter(name);
        }
        if (resources.containsKey(name)) {
            return resourceRef(name);
        }
        throw new TemplateException("Ref " + name + ": no parameter, pseudo parameter or resource has that name");
    }

    Object parameter(String name) {
        Map<String, Object> definition = asMap(section("Parameters").get(name), "parameter " + name);
        String value = ctx.parameterOverrides().get(name);
        if (value == null) {
            Object fallback = definition.get("Default");
            if (fallback == null) {
                throw new TemplateException("parameter " + name + " has no Default and no override: pass it in "
                        + "StackContext.parameterOverrides (like sam deploy --parameter-overrides " + name + "=...)");
            }
            value = text(fallback, "Default of parameter " + name);
        }
        validateParameter(name, definition, value);
        String type = String.valueOf(definition.getOrDefault("Type", "String"));
        if (type.equals("CommaDelimitedList") || type.startsWith("List<")) {
            List<Object> items = new ArrayList<>();
            for (String item : value.split(",", -1)) {
                items.add(item.trim());
            }
            return items;
        }
        return value;
    }

    /** The local physical name of a resource (what most resource types answer to Ref). */
    String physicalName(String logicalId) {
        Map<String, Object> resource = resource(logicalId);
        String type = type(logicalId, resource);
        String nameProperty = NAME_PROPERTIES.get(type);
        Object explicit = nameProperty == null ? null : properties(resource).get(nameProperty);
        if (explicit != null) {
            guard("the name of " + logicalId);
            try {
                return text(value(explicit), logicalId + "." + nameProperty);
            } finally {
                resolving.pop();
            }
        }
        if (type.equals("AWS::S3::Bucket")) {
            // CloudFormation generates <stack>-<logicalid>-<random>; locally the name must be stable.
            return ctx.stackName() + "-" + logicalId.toLowerCase(Locale.ROOT);
        }
        return logicalId;
    }

    private Object resourceRef(String logicalId) {
        String type = type(logicalId, resource(logicalId));
        String name = physicalName(logicalId);
        return switch (type) {
            case "AWS::SQS::Queue" -> "https://sqs." + ctx.region() + "." + ctx.urlSuffix() + "/" + ctx.accountId() + "/" + name;
            case "AWS::SNS::Topic" -> arn("sns", ctx.region(), ctx.accountId(), name);
            default -> name;
        };
    }

    Object getAtt(String logicalId, String attribute) {
        Map<String, Object> resource = resources.get(logicalId);
        if (resource == null) {
            throw new TemplateException("GetAtt " + logicalId + "." + attribute + ": no resource " + logicalId);
        }
        String type = type(logicalId, resource);
        String name = physicalName(logicalId);
        String region = ctx.region();
        String account = ctx.accountId();
        Object value = switch (type + "." + attribute) {
            case "AWS::S3::Bucket.Arn" -> arn("s3", "", "", name);
            case "AWS::S3::Bucket.DomainName" -> name + ".s3." + ctx.urlSuffix();
            case "AWS::S3::Bucket.RegionalDomainName" -> name + ".s3." + region + "." + ctx.urlSuffix();
            case "AWS::S3::Bucket.WebsiteURL" -> "http://" + name + ".s3-website-" + region + "." + ctx.urlSuffix();
            case "AWS::CodeBuild::Project.Arn" -> arn("codebuild", region, account, "project/" + name);
            case "AWS::Serverless::Function.Arn", "AWS::Lambda::Function.Arn" -> arn("lambda", region, account, "function:" + name);
            case "AWS::SQS::Queue.Arn" -> arn("sqs", region, account, name);
            case "AWS::SQS::Queue.QueueName" -> name;
            case "AWS::SQS::Queue.QueueUrl" -> resourceRef(logicalId);
            case "AWS::SNS::Topic.TopicArn" -> arn("sns", region, account, name);
            case "AWS::SNS::Topic.TopicName" -> name;
            case "AWS::IAM::Role.Arn" -> arn("iam", "", account, "role/" + name);
            case "AWS::IAM::InstanceProfile.Arn" -> arn("iam", "", account, "instance-profile/" + name);
            case "AWS::IAM::Role.RoleId" -> "AROA" + Integer.toHexString(name.hashCode()).toUpperCase(Locale.ROOT);
            case "AWS::IAM::ManagedPolicy.PolicyArn" -> arn("iam", "", account, "policy/" + name);
            case "AWS::Events::Rule.Arn" -> arn("events", region, account, "rule/" + name);
            case "AWS::Logs::LogGroup.Arn" -> arn("logs", region, account, "log-group:" + name + ":*");
            case "AWS::CloudWatch::Alarm.Arn" -> arn("cloudwatch", region, account, "alarm:" + name);
            case "AWS::EFS::FileSystem.Arn" -> arn("elasticfilesystem", region, account, "file-system/" + name);
            case "AWS::EFS::FileSystem.FileSystemId" -> name;
            case "AWS::KMS::Key.Arn" -> arn("kms", region, account, "key/" + name);
            case "AWS::KMS::Key.KeyId" -> name;
            case "AWS::SSM::Parameter.Type" -> String.valueOf(value(properties(resource).getOrDefault("Type", "String")));
            case "AWS::SSM::Parameter.Value" -> value(properties(resource).get("Value"));
            case "AWS::EC2::LaunchTemplate.LaunchTemplateId" -> "lt-" + name;
            case "AWS::EC2::LaunchTemplate.LatestVersionNumber", "AWS::EC2::LaunchTemplate.DefaultVersionNumber" -> "1";
            default -> throw new TemplateException("GetAtt " + logicalId + "." + attribute + ": localcloud does not know attribute "
                    + attribute + " of " + type);
        };
        return value;
    }

    private Object value(Object node) {
        if (node instanceof Map<?, ?> map) {
            if (map.size() == 1) {
                Map.Entry<?, ?> only = map.entrySet().iterator().next();
                String key = String.valueOf(only.getKey());
                if (key.equals("Ref") || key.startsWith("Fn::")) {
                    return function(key, only.getValue());
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                Object v = value(e.getValue());
                if (v != NO_VALUE) {
                    out.put(String.valueOf(e.getKey()), v);
                }
            }
            return out;
        }
        if (node instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object item : list) {
                Object v = value(item);
                if (v != NO_VALUE) {
                    out.add(v);
                }
            }
            return out;
        }
        return node;
    }

    private Object function(String name, Object argument) {
        return switch (name) {
            case "Ref" -> ref(text(value(argument), "Ref"));
            case "Fn::GetAtt" -> {
                List<Object> args = list(argument, name, 2);
                yield getAtt(text(value(args.get(0)), name), text(value(args.get(1)), name));
            }
            case "Fn::Sub" -> sub(argument);
            case "Fn::Join" -> {
                List<Object> args = list(argument, name, 2);
                String delimiter = text(value(args.get(0)), "Fn::Join delimiter");
                List<String> parts = new ArrayList<>();
                for (Object item : list(value(args.get(1)), "Fn::Join list", -1)) {
                    parts.add(text(item, "Fn::Join item"));
                }
                yield String.join(delimiter, parts);
            }
            case "Fn::Select" -> {
                List<Object> args = list(argument, name, 2);
                int index = index(value(args.get(0)));
                List<Object> items = list(value(args.get(1)), "Fn::Select list", -1);
                if (index < 0 || index >= items.size()) {
                    throw new TemplateException("Fn::Select index " + index + " is outside a list of " + items.size());
                }
                yield items.get(index);
            }
            case "Fn::Split" -> {
                List<Object> args = list(argument, name, 2);
                String delimiter = text(value(args.get(0)), "Fn::Split delimiter");
                String source = text(value(args.get(1)), "Fn::Split source");
                yield new ArrayList<Object>(List.of(source.split(Pattern.quote(delimiter), -1)));
            }
            case "Fn::If" -> {
                List<Object> args = list(argument, name, 3);
                yield condition(text(args.get(0), "Fn::If condition")) ? value(args.get(1)) : value(args.get(2));
            }
            case "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or" -> evaluateCondition(Map.of(name, argument));
            case "Fn::FindInMap" -> findInMap(argument);
            case "Fn::Base64" -> Base64.getEncoder().encodeToString(
                    text(value(argument), name).getBytes(StandardCharsets.UTF_8));
            case "Fn::GetAZs" -> {
                String region = text(value(argument), name);
                String r = region.isEmpty() ? ctx.region() : region;
                yield new ArrayList<Object>(List.of(r + "a", r + "b", r + "c"));
            }
            case "Fn::ImportValue" -> importValue(text(value(argument), name));
            default -> throw new TemplateException(name + " is not supported by localcloud");
        };
    }

    private Object sub(Object argument) {
        String template;
        Map<String, Object> variables = Map.of();
        if (argument instanceof List<?> list) {
            if (list.size() != 2) {
                throw new TemplateException("Fn::Sub in list form takes [template, {variables}], got " + list.size() + " items");
            }
            template = text(list.get(0), "Fn::Sub template");
            variables = asMap(list.get(1), "Fn::Sub variables");
        } else {
            template = text(argument, "Fn::Sub");
        }
        Matcher m = SUB_VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String expression = m.group(1);
            String replacement;
            if (expression.startsWith("!")) {
                // ${!Literal} is an escape: it writes ${Literal} verbatim.
                replacement = "${" + expression.substring(1) + "}";
            } else {
                String variable = expression.trim();
                if (variables.containsKey(variable)) {
                    replacement = text(value(variables.get(variable)), "Fn::Sub variable " + variable);
                } else if (variable.contains(".") && !variable.startsWith("AWS::")) {
                    int dot = variable.indexOf('.');
                    replacement = text(getAtt(variable.substring(0, dot), variable.substring(dot + 1)), "${" + variable + "}");
                } else {
                    replacement = text(ref(variable), "${" + variable + "}");
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private Object findInMap(Object argument) {
        List<Object> args = list(argument, "Fn::FindInMap", -1);
        if (args.size() != 3 && args.size() != 4) {
            throw new TemplateException("Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey] (and optionally {DefaultValue})");
        }
        String mapName = text(value(args.get(0)), "Fn::FindInMap map name");
        String top = text(value(args.get(1)), "Fn::FindInMap top-level key");
        String second = text(value(args.get(2)), "Fn::FindInMap second-level key");
        Object mapping = section("Mappings").get(mapName);
        if (mapping == null) {
            throw new TemplateException("Fn::FindInMap: no mapping " + mapName + " in Mappings");
        }
        Object level = asMap(mapping, "mapping " + mapName).get(top);
        Object found = level == null ? null : asMap(level, "mapping " + mapName + "." + top).get(second);
        if (found != null) {
            return value(found);
        }
        if (args.size() == 4) {
            return value(asMap(args.get(3), "Fn::FindInMap default").get("DefaultValue"));
        }
        throw new TemplateException("Fn::FindInMap: mapping " + mapName + " has no " + top + "." + second);
    }

    private Object importValue(String exportName) {
        for (Map.Entry<String, Object> output : section("Outputs").entrySet()) {
            Map<String, Object> definition = asMap(output.getValue(), "output " + output.getKey());
            Object export = definition.get("Export");
            if (export != null && exportName.equals(text(value(asMap(export, "export").get("Name")), "Export.Name"))) {
                return value(definition.get("Value"));
            }
        }
        throw new TemplateException("Fn::ImportValue " + exportName + ": localcloud runs one stack and none of its Outputs "
                + "exports that name");
    }

    private boolean evaluateCondition(Object node) {
        if (!(node instanceof Map<?, ?> map) || map.size() != 1) {
            Object v = value(node);
            if (v instanceof Boolean b) {
                return b;
            }
            if ("true".equalsIgnoreCase(String.valueOf(v)) || "false".equalsIgnoreCase(String.valueOf(v))) {
                return Boolean.parseBoolean(String.valueOf(v));
            }
            throw new TemplateException("not a condition: " + node);
        }
        Map.Entry<?, ?> only = map.entrySet().iterator().next();
        String key = String.valueOf(only.getKey());
        Object arg = only.getValue();
        switch (key) {
            case "Condition":
                return condition(text(arg, "Condition"));
            case "Fn::Equals": {
                List<Object> args = list(arg, key, 2);
                return Objects.equals(comparable(value(args.get(0))), comparable(value(args.get(1))));
            }
            case "Fn::Not":
                return !evaluateCondition(list(arg, key, 1).get(0));
            case "Fn::And": {
                for (Object item : list(arg, key, -1)) {
                    if (!evaluateCondition(item)) {
                        return false;
                    }
                }
                return true;
            }
            case "Fn::Or": {
                for (Object item : list(arg, key, -1)) {
                    if (evaluateCondition(item)) {
                        return true;
                    }
                }
                return false;
            }
            default: {
                Object v = value(node);
                if (v instanceof Boolean b) {
                    return b;
                }
                throw new TemplateException("not a condition: " + node);
            }
        }
    }

    private static Object comparable(Object v) {
        return v instanceof String || v instanceof Number || v instanceof Boolean ? String.valueOf(v) : v;
    }

    private void validateParameter(String name, Map<String, Object> definition, String value) {
        Object allowedValues = definition.get("AllowedValues");
        if (allowedValues instanceof List<?> allowed && !allowed.stream().map(String::valueOf).toList().contains(value)) {
            throw new TemplateException("parameter " + name + " is '" + value + "', not one of its AllowedValues " + allowed);
        }
        Object pattern = definition.get("AllowedPattern");
        if (pattern != null && !Pattern.compile(String.valueOf(pattern)).matcher(value).matches()) {
            throw new TemplateException("parameter " + name + " is '" + value + "', which does not match its AllowedPattern " + pattern);
        }
    }

    private void guard(String what) {
        if (resolving.contains(what)) {
            throw new TemplateException("circular reference while resolving " + what + " (via " + String.join(" <- ", resolving) + ")");
        }
        resolving.push(what);
    }

    Map<String, Object> resource(String logicalId) {
        Map<String, Object> resource = resources.get(logicalId);
        if (resource == null) {
            throw new TemplateException("no resource " + logicalId + " in the template");
        }
        return resource;
    }

    static String type(String logicalId, Map<String, Object> resource) {
        Object type = resource.get("Type");
        if (type == null) {
            throw new TemplateException("resource " + logicalId + " has no Type");
        }
        return String.valueOf(type);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> properties(Map<String, Object> resource) {
        Object properties = resource.get("Properties");
        return properties instanceof Map<?, ?> ? (Map<String, Object>) properties : Map.of();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> section(String name) {
        Object section = document.get(name);
        return section instanceof Map<?, ?> ? (Map<String, Object>) section : Map.of();
    }

    private String arn(String service, String region, String account, String resource) {
        return "arn:" + ctx.partition() + ":" + service + ":" + region + ":" + account + ":" + resource;
    }

    private int index(Object v) {
        try {
            return Integer.parseInt(text(v, "Fn::Select index").trim());
        } catch (NumberFormatException e) {
            throw new TemplateException("Fn::Select index must be a whole number, got " + v);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object node, String what) {
        if (node instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new TemplateException(what + " must be a mapping, got " + node);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object node, String what, int expectedSize) {
        if (!(node instanceof List<?> list)) {
            throw new TemplateException(what + " takes a list, got " + node);
        }
        if (expectedSize >= 0 && list.size() != expectedSize) {
            throw new TemplateException(what + " takes " + expectedSize + " arguments, got " + list.size() + ": " + list);
        }
        return (List<Object>) list;
    }

    /** A resolved scalar as text, the way CloudFormation stringifies numbers and booleans. */
    static String text(Object v, String what) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Number || v instanceof Boolean) {
            return String.valueOf(v);
        }
        throw new TemplateException(what + " must resolve to a string, got " + (v == NO_VALUE ? "AWS::NoValue" : v));
    }
}

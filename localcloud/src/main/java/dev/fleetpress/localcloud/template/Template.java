package dev.fleetpress.localcloud.template;

import static dev.fleetpress.localcloud.template.Intrinsics.asMap;
import static dev.fleetpress.localcloud.template.Intrinsics.properties;
import static dev.fleetpress.localcloud.template.Intrinsics.text;

import dev.fleetpress.json.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * template.yaml as localcloud sees it: the SAM application with Globals applied, resources whose
 * {@code Condition} is false left out, and every intrinsic resolved for one local stack
 * ({@link StackContext}). Typed views give what localcloud wires ({@link #functions()},
 * {@link #buckets()}, {@link #codeBuildProjects()}, {@link #httpApis()}); raw access
 * ({@link #resource(String)}, {@link #resolved(Object)}) serves template checks.
 *
 * <p>Values are resolved lazily, field by field, so a parameter without a Default fails only the
 * view that needs it, with a message naming the parameter. Thread-safe.
 */
public final class Template {
    private static final Map<String, String> GLOBALS_SECTIONS = Map.of(
            "AWS::Serverless::Function", "Function",
            "AWS::Serverless::HttpApi", "HttpApi",
            "AWS::Serverless::Api", "Api",
            "AWS::Serverless::SimpleTable", "SimpleTable",
            "AWS::Serverless::StateMachine", "StateMachine");
    private static final String IMPLICIT_HTTP_API = "ServerlessHttpApi";

    private final Map<String, Object> document;
    private final Map<String, Map<String, Object>> resources;
    private final StackContext context;
    private final Intrinsics intrinsics;

    private Template(Map<String, Object> document, StackContext context) {
        this.document = document;
        this.context = Objects.requireNonNull(context, "context");
        Map<String, Map<String, Object>> all = withGlobals(document);
        addImplicitResources(all);
        this.intrinsics = new Intrinsics(document, all, context);
        Map<String, Map<String, Object>> present = new LinkedHashMap<>();
        all.forEach((id, resource) -> {
            Object condition = resource.get("Condition");
            if (condition == null || intrinsics.condition(String.valueOf(condition))) {
                present.put(id, resource);
            }
        });
        this.resources = Collections.unmodifiableMap(present);
    }

    /** Reads {@code templateYaml} (CloudFormation short-form tags included) for the stack {@code context}. */
    public static Template load(Path templateYaml, StackContext context) {
        return new Template(CfnYaml.read(templateYaml), context);
    }

    /** Reads a template given as text (small inline templates in tests and checks). */
    public static Template parse(String yaml, StackContext context) {
        return new Template(CfnYaml.read(yaml), context);
    }

    public StackContext context() {
        return context;
    }

    /** Logical ids of the resources that exist in this stack (conditions applied, SAM's implicit ones included). */
    public Set<String> resourceIds() {
        return resources.keySet();
    }

    /** The resource as written (Globals merged in), intrinsics unresolved; fails naming an unknown id. */
    public Map<String, Object> resource(String logicalId) {
        Map<String, Object> resource = resources.get(logicalId);
        if (resource == null) {
            throw new TemplateException("no resource " + logicalId + " in the template (or its Condition is false)");
        }
        return resource;
    }

    /** The resource's Type. */
    public String type(String logicalId) {
        return Intrinsics.type(logicalId, resource(logicalId));
    }

    /** {@code node} with every intrinsic resolved; {@code AWS::NoValue} entries dropped. */
    public synchronized Object resolved(Object node) {
        return intrinsics.resolve(node);
    }

    /** The resource's Properties, resolved. */
    public Map<String, Object> resolvedProperties(String logicalId) {
        return asMap(resolved(properties(resource(logicalId))), logicalId + ".Properties");
    }

    /** What {@code !Ref logicalId} gives locally (a parameter's value also works). */
    public synchronized String ref(String name) {
        return text(intrinsics.resolve(Map.of("Ref", name)), "Ref " + name);
    }

    /** The value of a named condition. */
    public synchronized boolean condition(String name) {
        return intrinsics.condition(name);
    }

    /** The stack's Outputs, resolved. */
    public Map<String, String> outputs() {
        Map<String, String> out = new LinkedHashMap<>();
        section("Outputs").forEach((name, definition) -> {
            Map<String, Object> output = asMap(definition, "output " + name);
            Object condition = output.get("Condition");
            if (condition == null || condition(String.valueOf(condition))) {
                out.put(name, text(resolved(output.get("Value")), "output " + name));
            }
        });
        return Collections.unmodifiableMap(out);
    }

    /** Every Lambda function of the stack, in template order. */
    public List<FunctionSpec> functions() {
        List<FunctionSpec> out = new ArrayList<>();
        for (String id : resources.keySet()) {
            String type = type(id);
            if (type.equals("AWS::Serverless::Function") || type.equals("AWS::Lambda::Function")) {
                out.add(function(id));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** The function with this logical id; fails naming it when there is none. */
    public FunctionSpec function(String logicalId) {
        return new FunctionReader(this, logicalId, resource(logicalId)).read();
    }

    /** The function whose Handler names {@code handlerClass}, if any. */
    public Optional<FunctionSpec> functionFor(String handlerClass) {
        return functions().stream().filter(f -> f.handlerClass().equals(handlerClass)).findFirst();
    }

    /** Every S3 bucket of the stack. */
    public List<BucketSpec> buckets() {
        List<BucketSpec> out = new ArrayList<>();
        for (String id : resourcesOfType("AWS::S3::Bucket")) {
            Object notifications = properties(resource(id)).get("NotificationConfiguration");
            out.add(new BucketSpec(id, ref(id),
                    notifications == null ? Map.of() : asMap(resolved(notifications), id + ".NotificationConfiguration")));
        }
        return Collections.unmodifiableList(out);
    }

    /** Every CodeBuild project of the stack. */
    public List<CodeBuildProjectSpec> codeBuildProjects() {
        List<CodeBuildProjectSpec> out = new ArrayList<>();
        for (String id : resourcesOfType("AWS::CodeBuild::Project")) {
            Map<String, Object> props = properties(resource(id));
            Map<String, Object> source = asMap(props.getOrDefault("Source", Map.of()), id + ".Source");
            Map<String, Object> artifacts = asMap(resolved(props.getOrDefault("Artifacts", Map.of())), id + ".Artifacts");
            Map<String, String> variables = new LinkedHashMap<>();
            Map<String, Object> environment = asMap(props.getOrDefault("Environment", Map.of()), id + ".Environment");
            Object declared = environment.get("EnvironmentVariables");
            if (declared != null) {
                for (Object item : (List<?>) resolved(declared)) {
                    Map<String, Object> variable = asMap(item, id + ".Environment.EnvironmentVariables[]");
                    if (String.valueOf(variable.getOrDefault("Type", "PLAINTEXT")).equals("PLAINTEXT")) {
                        variables.put(text(variable.get("Name"), "variable Name"), text(variable.get("Value"), "variable Value"));
                    }
                }
            }
            Object minutes = props.get("TimeoutInMinutes");
            out.add(new CodeBuildProjectSpec(id, ref(id),
                    source.containsKey("BuildSpec") ? text(resolved(source.get("BuildSpec")), id + ".Source.BuildSpec") : "",
                    new CodeBuildProjectSpec.Artifacts(
                            field(artifacts, "Type"), field(artifacts, "Location"), field(artifacts, "Path"),
                            field(artifacts, "Name"), field(artifacts, "NamespaceType"), field(artifacts, "Packaging"),
                            Boolean.parseBoolean(field(artifacts, "OverrideArtifactName"))),
                    Duration.ofMinutes(minutes == null ? 60 : Long.parseLong(text(resolved(minutes), id + ".TimeoutInMinutes"))),
                    variables));
        }
        return Collections.unmodifiableList(out);
    }

    /** Every CloudWatch alarm of the stack ({@code AWS::CloudWatch::Alarm} whose Condition holds), in template order. */
    public List<AlarmSpec> alarms() {
        return AlarmSpec.read(this);
    }

    /** Every HTTP API of the stack, the implicit {@code ServerlessHttpApi} included when a function uses it. */
    public List<HttpApiSpec> httpApis() {
        List<HttpApiSpec> out = new ArrayList<>();
        for (String id : resourcesOfType("AWS::Serverless::HttpApi")) {
            out.add(httpApi(id));
        }
        return Collections.unmodifiableList(out);
    }

    /** The HTTP API with this logical id. */
    public HttpApiSpec httpApi(String logicalId) {
        if (!type(logicalId).equals("AWS::Serverless::HttpApi")) {
            throw new TemplateException(logicalId + " is a " + type(logicalId) + ", not an AWS::Serverless::HttpApi");
        }
        Object settings = properties(resource(logicalId)).get("DefaultRouteSettings");
        HttpApiSpec.Throttling throttling = HttpApiSpec.Throttling.ACCOUNT_DEFAULT;
        if (settings != null) {
            Map<String, Object> resolvedSettings = asMap(resolved(settings), logicalId + ".DefaultRouteSettings");
            Object burst = resolvedSettings.get("ThrottlingBurstLimit");
            Object rate = resolvedSettings.get("ThrottlingRateLimit");
            throttling = new HttpApiSpec.Throttling(
                    burst == null ? throttling.burstLimit() : Integer.parseInt(text(burst, "ThrottlingBurstLimit")),
                    rate == null ? throttling.rateLimit() : Double.parseDouble(text(rate, "ThrottlingRateLimit")));
        }
        return new HttpApiSpec(logicalId, throttling);
    }

    /** Logical ids of the resources of {@code type}, in template order. */
    public List<String> resourcesOfType(String type) {
        return resources.keySet().stream().filter(id -> type(id).equals(type)).toList();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> section(String name) {
        Object section = document.get(name);
        return section instanceof Map<?, ?> ? (Map<String, Object>) section : Map.of();
    }

    private static String field(Map<String, Object> map, String name) {
        Object value = map.get(name);
        return value == null ? "" : text(value, name);
    }

    /** SAM applies Globals before anything else: maps merge (the resource wins), lists append, scalars are replaced. */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> withGlobals(Map<String, Object> document) {
        Object declared = document.get("Resources");
        if (!(declared instanceof Map<?, ?> declaredResources) || declaredResources.isEmpty()) {
            throw new TemplateException("the template has no Resources");
        }
        Map<String, Object> globals = document.get("Globals") instanceof Map<?, ?> g ? (Map<String, Object>) g : Map.of();
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        declaredResources.forEach((id, value) -> {
            Map<String, Object> resource = new LinkedHashMap<>(asMap(value, "resource " + id));
            String section = GLOBALS_SECTIONS.get(String.valueOf(resource.get("Type")));
            Object sectionGlobals = section == null ? null : globals.get(section);
            if (sectionGlobals instanceof Map<?, ?> defaults) {
                resource.put("Properties", merge((Map<String, Object>) defaults, properties(resource)));
            }
            out.put(String.valueOf(id), resource);
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> merge(Map<String, Object> global, Map<String, Object> local) {
        Map<String, Object> out = new LinkedHashMap<>(global);
        local.forEach((key, value) -> {
            Object inherited = out.get(key);
            if (inherited instanceof Map<?, ?> g && value instanceof Map<?, ?> l && !isIntrinsic(g) && !isIntrinsic(l)) {
                out.put(key, merge((Map<String, Object>) g, (Map<String, Object>) l));
            } else if (inherited instanceof List<?> g && value instanceof List<?> l) {
                List<Object> both = new ArrayList<>(g);
                both.addAll(l);
                out.put(key, both);
            } else {
                out.put(key, value);
            }
        });
        return out;
    }

    private static boolean isIntrinsic(Map<?, ?> map) {
        if (map.size() != 1) {
            return false;
        }
        String key = String.valueOf(map.keySet().iterator().next());
        return key.equals("Ref") || key.startsWith("Fn::");
    }

    /** The resources SAM generates and templates refer to: each function's role and the implicit HTTP API. */
    private static void addImplicitResources(Map<String, Map<String, Object>> resources) {
        Map<String, Map<String, Object>> implicit = new LinkedHashMap<>();
        resources.forEach((id, resource) -> {
            if (!"AWS::Serverless::Function".equals(resource.get("Type"))) {
                return;
            }
            Map<String, Object> props = properties(resource);
            if (!props.containsKey("Role")) {
                implicit.put(id + "Role", implicitResource("AWS::IAM::Role", resource));
            }
            Object events = props.get("Events");
            if (events instanceof Map<?, ?> eventMap) {
                for (Object event : eventMap.values()) {
                    Map<String, Object> e = asMap(event, id + ".Events");
                    if ("HttpApi".equals(e.get("Type")) && !properties(e).containsKey("ApiId")) {
                        implicit.putIfAbsent(IMPLICIT_HTTP_API, implicitResource("AWS::Serverless::HttpApi", Map.of()));
                    }
                }
            }
        });
        implicit.forEach(resources::putIfAbsent);
    }

    private static Map<String, Object> implicitResource(String type, Map<String, Object> owner) {
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("Type", type);
        resource.put("Properties", Map.of());
        if (owner.containsKey("Condition")) {
            resource.put("Condition", owner.get("Condition"));
        }
        return resource;
    }

    /** Writes a resolved value as JSON (patterns, conditions). */
    static String json(Object resolved) {
        return Json.write(resolved);
    }

    static String implicitHttpApi() {
        return IMPLICIT_HTTP_API;
    }
}

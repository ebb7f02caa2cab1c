package dev.fleetpress.localcloud.ssm.run;

import dev.fleetpress.localcloud.template.Template;
import dev.fleetpress.localcloud.template.TemplateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * An SSM Command document (schema 2.2) as Run Command executes it: its parameters and its
 * {@code aws:runShellScript} steps. Read from template.yaml so local runs use the deployed scripts.
 *
 * <p>Supported: parameters of type {@code String} with {@code default}, {@code allowedPattern} and
 * {@code description}; steps of action {@code aws:runShellScript} with {@code runCommand},
 * {@code timeoutSeconds} (default 3600, at most 172800, a parameter reference allowed) and
 * {@code workingDirectory} (relative to the instance root). Anything else a
 * document may hold (other actions, {@code StringList} parameters, {@code precondition},
 * {@code onFailure}, {@code onSuccess}, {@code finallyStep}) is refused when the document is read,
 * so a document never runs differently here than on AWS without saying so.
 */
public record CommandDocument(String name, String description, Map<String, Parameter> parameters, List<Step> steps) {
    private static final long DEFAULT_TIMEOUT_SECONDS = 3600;
    /** SSM's parameter reference: {@code {{ Name }}}, spaces optional. */
    private static final Pattern REFERENCE = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.-]+)\\s*\\}\\}");
    private static final long MAX_TIMEOUT_SECONDS = 172_800;
    private static final Set<String> UNSUPPORTED_STEP_KEYS = Set.of("precondition", "onFailure", "onSuccess", "finallyStep");

    public CommandDocument {
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("document " + name + " has no mainSteps");
        }
    }

    /**
     * A document parameter; {@code defaultValue} null means the caller must give a value, and
     * {@code allowedPattern} null means any value is accepted.
     */
    public record Parameter(String type, String defaultValue, String allowedPattern, String description) {
        public Parameter {
            Objects.requireNonNull(type, "type");
            description = description == null ? "" : description;
        }
    }

    /**
     * One {@code aws:runShellScript} step: its lines are joined by newlines into one script.
     * {@code timeoutSeconds} is kept as written, since it may refer to a parameter, as
     * AWS-RunShellScript's {@code {{ executionTimeout }}} does.
     */
    public record Step(String name, List<String> runCommand, String timeoutSeconds, String workingDirectory) {
        public Step {
            Objects.requireNonNull(name, "name");
            runCommand = List.copyOf(runCommand);
            timeoutSeconds = timeoutSeconds == null ? Long.toString(DEFAULT_TIMEOUT_SECONDS) : timeoutSeconds.trim();
            workingDirectory = workingDirectory == null ? "" : workingDirectory;
        }

        /** The script with {@code values} substituted. */
        public String script(Map<String, String> values) {
            return substitute(String.join("\n", runCommand) + "\n", values);
        }

        /** The execution timeout with {@code values} substituted; fails naming the step when it is not 1–172800 s. */
        public Duration timeout(Map<String, String> values) {
            String text = substitute(timeoutSeconds, values);
            long seconds;
            try {
                seconds = Long.parseLong(text);
            } catch (NumberFormatException e) {
                seconds = -1;
            }
            if (seconds < 1 || seconds > MAX_TIMEOUT_SECONDS) {
                throw new IllegalArgumentException("timeoutSeconds of step " + name + " must be a whole number from 1 to "
                        + MAX_TIMEOUT_SECONDS + ", got '" + text + "'");
            }
            return Duration.ofSeconds(seconds);
        }
    }

    /** Text substitution, as SSM does it: declared parameters only, any other {{ … }} left as written. */
    static String substitute(String text, Map<String, String> values) {
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Every {@code AWS::SSM::Document} of DocumentType {@code Command} in the stack, in template order. */
    public static List<CommandDocument> fromTemplate(Template template) {
        List<CommandDocument> out = new ArrayList<>();
        for (String id : template.resourcesOfType("AWS::SSM::Document")) {
            Map<String, Object> props = template.resolvedProperties(id);
            if (!"Command".equals(String.valueOf(props.getOrDefault("DocumentType", "Command")))) {
                continue;
            }
            out.add(fromContent(template.ref(id), content(id, props.get("Content")), id));
        }
        return List.copyOf(out);
    }

    /** Reads the document {@code name} from its content (already parsed YAML or JSON). */
    static CommandDocument fromContent(String name, Map<String, Object> content, String where) {
        String schema = String.valueOf(content.get("schemaVersion"));
        if (!schema.equals("2.2")) {
            throw new TemplateException(where + ": schemaVersion " + schema + " is not supported locally, use 2.2");
        }
        Map<String, Parameter> parameters = new LinkedHashMap<>();
        map(content.getOrDefault("parameters", Map.of()), where + ".parameters").forEach((pname, value) ->
                parameters.put(pname, parameter(map(value, where + ".parameters." + pname), where + ".parameters." + pname)));
        List<Step> steps = new ArrayList<>();
        Object mainSteps = content.get("mainSteps");
        if (!(mainSteps instanceof List<?> list) || list.isEmpty()) {
            throw new TemplateException(where + ": mainSteps must be a non-empty list");
        }
        for (Object s : list) {
            steps.add(step(map(s, where + ".mainSteps[]"), where));
        }
        Object description = content.get("description");
        return new CommandDocument(name, description == null ? "" : String.valueOf(description), parameters, steps);
    }

    private static Parameter parameter(Map<String, Object> p, String where) {
        String type = String.valueOf(p.getOrDefault("type", ""));
        if (!type.equals("String")) {
            throw new TemplateException(where + ": parameter type '" + type + "' is not supported locally (only String)");
        }
        String pattern = p.get("allowedPattern") == null ? null : String.valueOf(p.get("allowedPattern"));
        if (pattern != null) {
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw new TemplateException(where + ": allowedPattern is not a valid regular expression: " + e.getDescription());
            }
        }
        return new Parameter(type, p.get("default") == null ? null : String.valueOf(p.get("default")), pattern,
                p.get("description") == null ? null : String.valueOf(p.get("description")));
    }

    private static Step step(Map<String, Object> s, String where) {
        String name = String.valueOf(s.get("name"));
        String at = where + ".mainSteps." + name;
        if (!"aws:runShellScript".equals(s.get("action"))) {
            throw new TemplateException(at + ": action " + s.get("action") + " is not supported locally (only aws:runShellScript)");
        }
        for (String key : s.keySet()) {
            if (UNSUPPORTED_STEP_KEYS.contains(key)) {
                throw new TemplateException(at + ": " + key + " is not supported locally");
            }
        }
        Map<String, Object> inputs = map(s.getOrDefault("inputs", Map.of()), at + ".inputs");
        Object commands = inputs.get("runCommand");
        List<String> lines = new ArrayList<>();
        if (commands instanceof List<?> l) {
            l.forEach(line -> lines.add(String.valueOf(line)));
        } else if (commands != null) {
            lines.add(String.valueOf(commands));
        } else {
            throw new TemplateException(at + ": inputs.runCommand is missing");
        }
        Object timeout = inputs.get("timeoutSeconds");
        Step step = new Step(name, lines, timeout == null ? null : String.valueOf(timeout),
                inputs.get("workingDirectory") == null ? null : String.valueOf(inputs.get("workingDirectory")));
        if (!REFERENCE.matcher(step.timeoutSeconds()).find()) {
            try {
                step.timeout(Map.of());
            } catch (IllegalArgumentException e) {
                throw new TemplateException(at + ": " + e.getMessage());
            }
        }
        return step;
    }

    /** Content is YAML in template.yaml, but CloudFormation also accepts it as a JSON or YAML string. */
    private static Map<String, Object> content(String id, Object content) {
        if (content instanceof String text) {
            try {
                return map(new Load(LoadSettings.builder().build()).loadFromString(text), id + ".Content");
            } catch (YamlEngineException e) {
                throw new TemplateException(id + ".Content is neither YAML nor JSON: " + e.getMessage(), e);
            }
        }
        return map(content, id + ".Content");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node, String what) {
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<Object, Object>) m).forEach((k, v) -> out.put(String.valueOf(k), v));
            return out;
        }
        throw new TemplateException(what + " must be a mapping, got " + node);
    }
}

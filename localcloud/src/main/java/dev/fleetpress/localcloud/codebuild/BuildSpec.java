package dev.fleetpress.localcloud.codebuild;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import software.amazon.awssdk.services.codebuild.model.BuildPhaseType;

/**
 * The parts of a version 0.2 buildspec that localcloud runs: {@code env.variables} (and
 * {@code env.shell: bash}), the four command phases with {@code commands}, {@code finally} and
 * {@code on-failure}, and {@code artifacts} ({@code files}, {@code base-directory},
 * {@code discard-paths}, {@code name}). Anything else that would change the build's outcome
 * (parameter-store or secrets-manager variables, run-as, reports, secondary artifacts…) is refused
 * with a {@link BuildSpecException} rather than silently ignored.
 */
record BuildSpec(Map<String, String> variables, Map<BuildPhaseType, PhaseSpec> phases, ArtifactSpec artifacts) {
    static final List<BuildPhaseType> COMMAND_PHASES = List.of(BuildPhaseType.INSTALL, BuildPhaseType.PRE_BUILD,
            BuildPhaseType.BUILD, BuildPhaseType.POST_BUILD);
    private static final Set<String> RUN_TOP_LEVEL = Set.of("version", "env", "phases", "artifacts");
    // A cache or proxy changes how fast a build runs, not what it produces.
    private static final Set<String> IGNORED_TOP_LEVEL = Set.of("proxy", "cache");
    private static final Set<String> UNSUPPORTED_TOP_LEVEL = Set.of("run-as", "reports", "batch");

    /** One phase: commands run in order until one fails; {@code finally} commands run regardless. */
    record PhaseSpec(List<String> commands, List<String> finallyCommands, boolean continueOnFailure) {
        static final PhaseSpec EMPTY = new PhaseSpec(List.of(), List.of(), false);
    }

    /** The primary artifacts; {@link #NONE} when the buildspec declares none. */
    record ArtifactSpec(List<String> files, String baseDirectory, boolean discardPaths, String name) {
        static final ArtifactSpec NONE = new ArtifactSpec(List.of(), "", false, null);
    }

    PhaseSpec phase(BuildPhaseType type) {
        return phases.getOrDefault(type, PhaseSpec.EMPTY);
    }

    static BuildSpec parse(String yaml) {
        Object root;
        try {
            root = new Load(LoadSettings.builder().setLabel("buildspec").build()).loadFromString(yaml);
        } catch (YamlEngineException e) {
            throw new BuildSpecException("YAML_FILE_ERROR: " + firstLine(e.getMessage()));
        }
        Map<String, Object> top = map(root, "the buildspec");
        for (String key : top.keySet()) {
            if (UNSUPPORTED_TOP_LEVEL.contains(key)) {
                throw unsupported(key);
            }
            if (!RUN_TOP_LEVEL.contains(key) && !IGNORED_TOP_LEVEL.contains(key)) {
                throw new BuildSpecException("YAML_FILE_ERROR: Unknown top-level key '" + key + "' in the buildspec");
            }
        }
        if (!"0.2".equals(String.valueOf(top.get("version")))) {
            throw new BuildSpecException("YAML_FILE_ERROR: buildspec version must be 0.2, found " + top.get("version"));
        }
        return new BuildSpec(variables(top.get("env")), phases(top.get("phases")), artifacts(top.get("artifacts")));
    }

    private static Map<String, String> variables(Object env) {
        Map<String, String> variables = new LinkedHashMap<>();
        if (env == null) {
            return variables;
        }
        Map<String, Object> section = map(env, "env");
        for (Map.Entry<String, Object> entry : section.entrySet()) {
            switch (entry.getKey()) {
                case "variables" -> map(entry.getValue(), "env.variables")
                        .forEach((k, v) -> variables.put(k, v == null ? "" : String.valueOf(v)));
                case "shell" -> {
                    if (!"bash".equals(entry.getValue())) {
                        throw new BuildSpecException("YAML_FILE_ERROR: env.shell " + entry.getValue()
                                + " is not supported by localcloud; use bash");
                    }
                }
                case "exported-variables", "git-credential-helper" -> {
                    // Neither changes what the commands do or produce here.
                }
                default -> throw unsupported("env." + entry.getKey());
            }
        }
        return variables;
    }

    private static Map<BuildPhaseType, PhaseSpec> phases(Object phases) {
        Map<BuildPhaseType, PhaseSpec> result = new EnumMap<>(BuildPhaseType.class);
        if (phases == null) {
            return result;
        }
        for (Map.Entry<String, Object> entry : map(phases, "phases").entrySet()) {
            BuildPhaseType type = switch (entry.getKey()) {
                case "install" -> BuildPhaseType.INSTALL;
                case "pre_build" -> BuildPhaseType.PRE_BUILD;
                case "build" -> BuildPhaseType.BUILD;
                case "post_build" -> BuildPhaseType.POST_BUILD;
                default -> throw new BuildSpecException("YAML_FILE_ERROR: Unknown phase '" + entry.getKey() + "'");
            };
            String where = "phases." + entry.getKey();
            Map<String, Object> phase = entry.getValue() == null ? Map.of() : map(entry.getValue(), where);
            boolean continueOnFailure = false;
            for (String key : phase.keySet()) {
                switch (key) {
                    case "commands", "finally", "runtime-versions" -> {
                        // runtime-versions selects language versions of the CodeBuild image; here the host's are used.
                    }
                    case "on-failure" -> {
                        String mode = String.valueOf(phase.get(key));
                        if (!mode.equals("ABORT") && !mode.equals("CONTINUE")) {
                            throw new BuildSpecException("YAML_FILE_ERROR: " + where + ".on-failure must be ABORT or CONTINUE, found "
                                    + mode);
                        }
                        continueOnFailure = mode.equals("CONTINUE");
                    }
                    default -> throw unsupported(where + "." + key);
                }
            }
            result.put(type, new PhaseSpec(strings(phase.get("commands"), where + ".commands"),
                    strings(phase.get("finally"), where + ".finally"), continueOnFailure));
        }
        return result;
    }

    private static ArtifactSpec artifacts(Object artifacts) {
        if (artifacts == null) {
            return ArtifactSpec.NONE;
        }
        Map<String, Object> section = map(artifacts, "artifacts");
        for (String key : section.keySet()) {
            if (!Set.of("files", "base-directory", "discard-paths", "name").contains(key)) {
                throw unsupported("artifacts." + key);
            }
        }
        List<String> files = strings(section.get("files"), "artifacts.files");
        if (files.isEmpty()) {
            throw new BuildSpecException("YAML_FILE_ERROR: artifacts.files must list at least one path");
        }
        Object discard = section.get("discard-paths");
        boolean discardPaths = discard != null && (Boolean.TRUE.equals(discard) || "yes".equals(discard));
        if (discard != null && !discardPaths && !Boolean.FALSE.equals(discard) && !"no".equals(discard)) {
            throw new BuildSpecException("YAML_FILE_ERROR: artifacts.discard-paths must be yes or no, found " + discard);
        }
        Object base = section.get("base-directory");
        Object name = section.get("name");
        return new ArtifactSpec(files, base == null ? "" : String.valueOf(base), discardPaths,
                name == null ? null : String.valueOf(name));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String where) {
        if (!(value instanceof Map<?, ?> m)) {
            throw new BuildSpecException("YAML_FILE_ERROR: " + where + " must be a mapping");
        }
        for (Object key : m.keySet()) {
            if (!(key instanceof String)) {
                throw new BuildSpecException("YAML_FILE_ERROR: " + where + " has a non-string key " + key);
            }
        }
        return (Map<String, Object>) m;
    }

    private static List<String> strings(Object value, String where) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new BuildSpecException("YAML_FILE_ERROR: " + where + " must be a list");
        }
        List<String> out = new ArrayList<>();
        for (Object item : list) {
            if (item == null || item instanceof Map || item instanceof List) {
                throw new BuildSpecException("YAML_FILE_ERROR: every entry of " + where + " must be a string");
            }
            out.add(String.valueOf(item));
        }
        return List.copyOf(out);
    }

    private static BuildSpecException unsupported(String key) {
        return new BuildSpecException("YAML_FILE_ERROR: '" + key + "' is not supported by localcloud's CodeBuild");
    }

    private static String firstLine(String message) {
        return message == null ? "unreadable YAML" : message.lines().findFirst().orElse(message);
    }

    /** The buildspec cannot be run; the message is CodeBuild's phase context ("CODE: message"). */
    static final class BuildSpecException extends RuntimeException {
        BuildSpecException(String message) {
            super(message);
        }
    }
}

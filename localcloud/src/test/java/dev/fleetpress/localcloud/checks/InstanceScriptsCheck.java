package dev.fleetpress.localcloud.checks;

import dev.fleetpress.localcloud.template.Template;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The instance scripts: instance/bootstrap.sh, instance/drain.sh (which developers edit and
 * instance/test-instance-scripts.sh runs), instance/export-media.sh (run by
 * instance/test-export-media.sh), instance/capture-release.sh (run by
 * instance/test-capture-release.sh) and the others in {@link #SCRIPTS} are byte for byte the {@code runCommand} of the SSM documents that
 * run them on the fleet; every parameter of every SSM document declares an {@code allowedPattern}
 * (no untrusted string reaches a shell); and the harnesses pass. They need shellcheck and php-cli:
 * their absence is a finding, never a skip.
 */
final class InstanceScriptsCheck {
    /** Document logical id to the script file (relative to the repository root) it must inline. */
    static final Map<String, String> SCRIPTS = Map.of(
            "BootstrapDocument", "instance/bootstrap.sh",
            "CaptureReleaseDocument", "instance/capture-release.sh",
            "DrainDocument", "instance/drain.sh",
            "MediaExportDocument", "instance/export-media.sh",
            "RewriteUrlsDocument", "instance/rewrite-urls.sh",
            "UpgradeDocument", "instance/upgrade.sh");
    static final String HARNESS = "instance/test-instance-scripts.sh";
    static final String MEDIA_EXPORT_HARNESS = "instance/test-export-media.sh";
    static final String CAPTURE_HARNESS = "instance/test-capture-release.sh";
    static final List<String> TOOLS = List.of("bash", "shellcheck", "php", "tar", "gzip", "sha256sum", "flock");
    private static final int SCRIPT_INDENT = 18;

    private InstanceScriptsCheck() {
    }

    /** Compares each document's single runCommand entry with its script ({@code files}: path to content). */
    static List<String> inlined(Map<String, String> files, Template template) {
        List<String> findings = new ArrayList<>();
        SCRIPTS.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
            String document = entry.getKey();
            String file = entry.getValue();
            String howToFix = "copy " + file + " into template.yaml as " + document
                    + ".Properties.Content.mainSteps[0].inputs.runCommand (the one entry after 'runCommand:', written '- |'), "
                    + "indented " + SCRIPT_INDENT + " spaces";
            if (!template.resourceIds().contains(document) || !template.type(document).equals("AWS::SSM::Document")) {
                findings.add("template.yaml has no AWS::SSM::Document " + document + " to run " + file);
                return;
            }
            Object runCommand = path(template.resource(document), "Properties", "Content", "mainSteps", 0, "inputs", "runCommand");
            if (!(runCommand instanceof List<?> commands) || commands.size() != 1 || !(commands.get(0) instanceof String inline)) {
                findings.add(document + "'s runCommand is not a list of exactly one script: " + howToFix);
                return;
            }
            String script = files.get(file);
            if (inline.equals(script)) {
                return;
            }
            String[] fileLines = script.split("\n", -1);
            String[] inlineLines = inline.split("\n", -1);
            int line = 0;
            while (line < fileLines.length && line < inlineLines.length && fileLines[line].equals(inlineLines[line])) {
                line++;
            }
            findings.add(file + " and " + document + "'s runCommand in template.yaml differ first at line " + (line + 1)
                    + " of " + file + ":\n    " + file + ": " + lineOf(fileLines, line)
                    + "\n    template.yaml: " + lineOf(inlineLines, line) + "\n  " + howToFix);
        });
        return findings;
    }

    /** Every parameter of every AWS::SSM::Document must declare a non-empty allowedPattern that compiles. */
    static List<String> allowedPatterns(Template template) {
        List<String> findings = new ArrayList<>();
        for (String document : template.resourcesOfType("AWS::SSM::Document")) {
            Object parameters = path(template.resource(document), "Properties", "Content", "parameters");
            if (parameters == null) {
                continue;
            }
            if (!(parameters instanceof Map<?, ?> map)) {
                findings.add(document + ".Properties.Content.parameters is not a mapping; write the document's Content as YAML "
                        + "so its parameters can be checked");
                continue;
            }
            for (Map.Entry<?, ?> parameter : map.entrySet()) {
                Object pattern = parameter.getValue() instanceof Map<?, ?> spec ? spec.get("allowedPattern") : null;
                String where = document + " parameter " + parameter.getKey();
                if (!(pattern instanceof String regex) || regex.isBlank()) {
                    findings.add(where + " has no allowedPattern: SSM substitutes it into a shell script, so declare the "
                            + "strictest pattern its values need (anchored with ^ and $)");
                } else if (!regex.startsWith("^") || !regex.endsWith("$")) {
                    findings.add(where + " has allowedPattern " + regex + ", which is not anchored: start it with ^ and end it with $");
                }
            }
        }
        return findings;
    }

    /** Findings of {@code bash <script>} in {@code root} with {@code path} as PATH; empty when it passes. */
    static List<String> harness(Path root, String script, String path, Duration timeout) {
        return ShellHarness.run(root, script, TOOLS, "apt-get install shellcheck php-cli", path, timeout);
    }

    /** The value at {@code keys} (map keys and list indexes) under {@code node}, or null. */
    private static Object path(Object node, Object... keys) {
        Object current = node;
        for (Object key : keys) {
            if (key instanceof Integer index && current instanceof List<?> list) {
                current = index < list.size() ? list.get(index) : null;
            } else if (key instanceof String name && current instanceof Map<?, ?> map) {
                current = map.get(name);
            } else {
                return null;
            }
        }
        return current;
    }

    private static String lineOf(String[] lines, int index) {
        return index < lines.length ? "'" + lines[index] + "'" : "(ends before this line)";
    }
}

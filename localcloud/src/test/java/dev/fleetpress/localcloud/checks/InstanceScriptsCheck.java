package dev.fleetpress.localcloud.checks;

import dev.fleetpress.localcloud.template.Template;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The instance scripts: instance/bootstrap.sh and instance/drain.sh (which developers edit and
 * instance/test-instance-scripts.sh runs) are byte for byte the {@code runCommand} of the SSM
 * documents that run them on the fleet; every parameter of every SSM document declares an
 * {@code allowedPattern} (no untrusted string reaches a shell); and the harness passes. The harness
 * needs shellcheck and php-cli: their absence is a finding, never a skip.
 */
final class InstanceScriptsCheck {
    /** Document logical id to the script file (relative to the repository root) it must inline. */
    static final Map<String, String> SCRIPTS = Map.of(
            "BootstrapDocument", "instance/bootstrap.sh",
            "DrainDocument", "instance/drain.sh");
    static final String HARNESS = "instance/test-instance-scripts.sh";
    static final List<String> TOOLS = List.of("bash", "shellcheck", "php", "tar", "gzip", "sha256sum", "flock");
    static final int TAIL_LINES = 30;
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

    /** The {@link #TOOLS} that no directory of {@code path} (a PATH value) holds as an executable. */
    static List<String> missingTools(String path) {
        List<String> missing = new ArrayList<>();
        for (String tool : TOOLS) {
            boolean found = false;
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, tool);
                found |= Files.isRegularFile(candidate) && Files.isExecutable(candidate);
            }
            if (!found) {
                missing.add(tool);
            }
        }
        return missing;
    }

    /** Runs {@code bash <script>} in {@code root} with {@code path} as PATH; empty when it exits 0. */
    static List<String> harness(Path root, String script, String path, Duration timeout) {
        List<String> missing = missingTools(path);
        if (!missing.isEmpty()) {
            return List.of(script + " needs " + String.join(", ", TOOLS) + ", and " + missing + " is not on PATH: install them "
                    + "(Debian/Ubuntu: apt-get install shellcheck php-cli; CI installs them) and run the tests again");
        }
        try {
            Path log = Files.createTempFile("fleetpress-instance-test", ".log");
            try {
                ProcessBuilder builder = new ProcessBuilder("bash", script).directory(root.toFile())
                        .redirectErrorStream(true).redirectOutput(log.toFile());
                builder.environment().put("PATH", path);
                Process process = builder.start();
                boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!finished) {
                    process.destroyForcibly().waitFor();
                }
                if (finished && process.exitValue() == 0) {
                    return List.of();
                }
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                String tail = String.join("\n    ", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
                return List.of("bash " + script + (finished ? " exited " + process.exitValue() : " ran longer than " + timeout)
                        + "; run it from the repository root to see everything (KEEP_WORK=1 keeps its work folder). "
                        + "Last lines:\n    " + tail);
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run bash " + script + " in " + root, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script, e);
        }
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

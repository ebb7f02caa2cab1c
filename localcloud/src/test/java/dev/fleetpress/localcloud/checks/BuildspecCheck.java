package dev.fleetpress.localcloud.checks;

import dev.fleetpress.localcloud.template.CodeBuildProjectSpec;
import dev.fleetpress.localcloud.template.Template;
import java.util.List;
import java.util.Optional;

/**
 * buildspec.yml (which developers edit and examples/test-buildspec.sh runs) is byte for byte the
 * release build project's inline {@code Source.BuildSpec} (which CodeBuild and localcloud run).
 */
final class BuildspecCheck {
    static final String PROJECT = "ReleaseBuildProject";
    private static final String HOW_TO_FIX = "copy buildspec.yml into template.yaml as " + PROJECT
            + ".Properties.Source.BuildSpec (after 'BuildSpec: |'), indented 10 spaces";

    private BuildspecCheck() {
    }

    static List<String> check(String buildspecYml, Template template) {
        Optional<CodeBuildProjectSpec> project = template.codeBuildProjects().stream()
                .filter(p -> p.logicalId().equals(PROJECT)).findFirst();
        if (project.isEmpty()) {
            return List.of("template.yaml has no AWS::CodeBuild::Project " + PROJECT + " to run buildspec.yml");
        }
        String inline = project.get().buildSpec();
        if (inline.isEmpty()) {
            return List.of(PROJECT + " has no inline Source.BuildSpec: " + HOW_TO_FIX);
        }
        if (inline.equals(buildspecYml)) {
            return List.of();
        }
        String[] file = buildspecYml.split("\n", -1);
        String[] inlined = inline.split("\n", -1);
        int line = 0;
        while (line < file.length && line < inlined.length && file[line].equals(inlined[line])) {
            line++;
        }
        return List.of("buildspec.yml and " + PROJECT + "'s Source.BuildSpec in template.yaml differ first at line "
                + (line + 1) + " of buildspec.yml:\n    buildspec.yml: " + lineOf(file, line)
                + "\n    template.yaml: " + lineOf(inlined, line) + "\n  " + HOW_TO_FIX);
    }

    private static String lineOf(String[] lines, int index) {
        return index < lines.length ? "'" + lines[index] + "'" : "(ends before this line)";
    }
}

package dev.fleetpress.localcloud.ssm.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.localcloud.template.StackContext;
import dev.fleetpress.localcloud.template.Template;
import dev.fleetpress.localcloud.template.TemplateException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandDocumentTest {
    private static List<CommandDocument> parse(String yaml) {
        return CommandDocument.fromTemplate(Template.parse(yaml, StackContext.local()));
    }

    @Test
    void fromTemplate_onTheRealTemplate_readsTheBootstrapDocumentWithAPatternOnEveryParameter() {
        Template template = Template.load(Path.of(System.getProperty("fleetpress.root"), "template.yaml"),
                StackContext.local(Map.of("SourceLocation", "x")));

        List<CommandDocument> documents = CommandDocument.fromTemplate(template);

        CommandDocument bootstrap = documents.stream().filter(d -> d.name().equals("fleetpress-local-bootstrap"))
                .findFirst().orElseThrow();
        assertThat(bootstrap.parameters()).containsOnlyKeys("ReleaseId", "Environment", "ReleaseBucket", "ParameterPrefix");
        assertThat(bootstrap.parameters().values()).allSatisfy(p -> assertThat(p.allowedPattern()).isNotBlank());
        assertThat(bootstrap.steps()).isNotEmpty();
        assertThat(documents).extracting(CommandDocument::name).contains("fleetpress-local-drain");
    }

    @Test
    void script_substitutesDeclaredReferencesWithOrWithoutSpacesAndLeavesOthers() {
        CommandDocument.Step step = new CommandDocument.Step("s", List.of("echo {{ A }}-{{A}}-{{ other }}"), null, null);

        assertThat(step.script(Map.of("A", "x"))).isEqualTo("echo x-x-{{ other }}\n");
    }

    @Test
    void timeout_whenNotWritten_isAnHour() {
        CommandDocument.Step step = new CommandDocument.Step("s", List.of("true"), null, null);

        assertThat(step.timeout(Map.of())).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void fromTemplate_whenAStepUsesAnotherAction_failsNamingIt() {
        String yaml = """
                Resources:
                  Doc:
                    Type: AWS::SSM::Document
                    Properties:
                      Name: d
                      DocumentType: Command
                      Content:
                        schemaVersion: "2.2"
                        mainSteps:
                          - action: aws:runPowerShellScript
                            name: ps
                            inputs:
                              runCommand: [dir]
                """;

        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(TemplateException.class)
                .hasMessageContaining("aws:runPowerShellScript");
    }

    @Test
    void fromTemplate_whenContentIsAJsonString_readsIt() {
        String yaml = """
                Resources:
                  Doc:
                    Type: AWS::SSM::Document
                    Properties:
                      Name: d
                      DocumentType: Command
                      Content: '{"schemaVersion": "2.2", "mainSteps": [{"action": "aws:runShellScript", "name": "a", "inputs": {"runCommand": ["true"]}}]}'
                """;

        assertThat(parse(yaml)).singleElement().extracting(CommandDocument::name).isEqualTo("d");
    }
}

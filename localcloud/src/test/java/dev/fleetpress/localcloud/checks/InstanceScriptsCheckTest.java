package dev.fleetpress.localcloud.checks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.localcloud.template.Template;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceScriptsCheckTest {
    private static final String PATH = System.getenv("PATH");
    private static final String BOOTSTRAP = "#!/usr/bin/env bash\nrelease_id='{{ ReleaseId }}'\necho \"$release_id\"\n";
    private static final String DRAIN = "#!/usr/bin/env bash\necho drain\n";
    private static final String EXPORT = "#!/usr/bin/env bash\necho export\n";
    private static final String UPGRADE = "#!/usr/bin/env bash\necho upgrade\n";
    private static final String REWRITE = "#!/usr/bin/env bash\necho rewrite\n";
    private static final String CAPTURE = "#!/usr/bin/env bash\necho capture\n";
    private static final Map<String, String> FILES = Map.of("instance/bootstrap.sh", BOOTSTRAP, "instance/drain.sh", DRAIN,
            "instance/export-media.sh", EXPORT, "instance/upgrade.sh", UPGRADE, "instance/rewrite-urls.sh", REWRITE,
            "instance/capture-release.sh", CAPTURE);
    private static final Template INLINE = Template.parse("""
            Resources:
              BootstrapDocument:
                Type: AWS::SSM::Document
                Properties:
                  DocumentType: Command
                  Content:
                    schemaVersion: "2.2"
                    parameters:
                      ReleaseId:
                        type: String
                        allowedPattern: "^r-[0-9a-f]{12}$"
                    mainSteps:
                      - action: aws:runShellScript
                        name: bootstrap
                        inputs:
                          runCommand:
                            - |
                              #!/usr/bin/env bash
                              release_id='{{ ReleaseId }}'
                              echo "$release_id"
              DrainDocument:
                Type: AWS::SSM::Document
                Properties:
                  DocumentType: Command
                  Content:
                    schemaVersion: "2.2"
                    mainSteps:
                      - action: aws:runShellScript
                        name: drain
                        inputs:
                          runCommand:
                            - |
                              #!/usr/bin/env bash
                              echo drain
              MediaExportDocument:
                Type: AWS::SSM::Document
                Properties:
                  DocumentType: Command
                  Content:
                    schemaVersion: "2.2"
                    mainSteps:
                      - action: aws:runShellScript
                        name: export
                        inputs:
                          runCommand:
                            - |
                              #!/usr/bin/env bash
                              echo export
              UpgradeDocument:
                Type: AWS::SSM::Document
                Properties:
                  DocumentType: Command
                  Content:
                    schemaVersion: "2.2"
                    mainSteps:
                      - action: aws:runShellScript
                        name: upgrade
                        inputs:
                          runCommand:
                            - |
                              #!/usr/bin/env bash
                              echo upgrade
              RewriteUrlsDocument:
                Type: AWS::SSM::Document
                Properties:
                  DocumentType: Command
                  Content:
                    schemaVersion: "2.2"
                    mainSteps:
                      - action: aws:runShellScript
                        name: rewrite
                        inputs:
                          runCommand:
                            - |
                              #!/usr/bin/env bash
                              echo rewrite
              CaptureReleaseDocument:
                Type: AWS::SSM::Document
                Properties:
                  DocumentType: Command
                  Content:
                    schemaVersion: "2.2"
                    parameters:
                      CaptureId:
                        type: String
                        allowedPattern: "^c-[a-z0-9-]{4,60}$"
                    mainSteps:
                      - action: aws:runShellScript
                        name: capture
                        inputs:
                          runCommand:
                            - |
                              #!/usr/bin/env bash
                              echo capture
            """, Repo.STACK);

    private static Map<String, String> repoScripts() {
        return Map.of("instance/bootstrap.sh", Repo.read("instance/bootstrap.sh"), "instance/drain.sh", Repo.read("instance/drain.sh"),
                "instance/export-media.sh", Repo.read("instance/export-media.sh"), "instance/upgrade.sh", Repo.read("instance/upgrade.sh"),
                "instance/rewrite-urls.sh", Repo.read("instance/rewrite-urls.sh"),
                "instance/capture-release.sh", Repo.read("instance/capture-release.sh"));
    }

    @Test
    void inlined_whenRepoScriptsAndTemplate_findsNothing() {
        Repo.assertNoFindings(InstanceScriptsCheck.inlined(repoScripts(), Repo.template()));
    }

    @Test
    void inlined_whenIdentical_findsNothing() {
        assertThat(InstanceScriptsCheck.inlined(FILES, INLINE)).isEmpty();
    }

    @Test
    void inlined_whenLineDiffers_printsFirstDifferingLineAndFix() {
        Map<String, String> edited = Map.of("instance/bootstrap.sh", BOOTSTRAP.replace("echo", "printf '%s\\n'"), "instance/drain.sh", DRAIN,
                "instance/export-media.sh", EXPORT, "instance/upgrade.sh", UPGRADE, "instance/rewrite-urls.sh", REWRITE,
                "instance/capture-release.sh", CAPTURE);

        assertThat(InstanceScriptsCheck.inlined(edited, INLINE)).singleElement().asString()
                .contains("instance/bootstrap.sh and BootstrapDocument's runCommand in template.yaml differ first at line 3",
                        "instance/bootstrap.sh: 'printf '%s\\n' \"$release_id\"'", "template.yaml: 'echo \"$release_id\"'",
                        "copy instance/bootstrap.sh into template.yaml", "indented 18 spaces");
    }

    @Test
    void inlined_whenFileHasExtraLine_reportsWhereTemplateEnds() {
        Map<String, String> longer = Map.of("instance/bootstrap.sh", BOOTSTRAP, "instance/drain.sh", DRAIN + "exit 0\n",
                "instance/export-media.sh", EXPORT, "instance/upgrade.sh", UPGRADE, "instance/rewrite-urls.sh", REWRITE,
                "instance/capture-release.sh", CAPTURE);

        assertThat(InstanceScriptsCheck.inlined(longer, INLINE)).singleElement().asString()
                .contains("differ first at line 3", "instance/drain.sh: 'exit 0'", "template.yaml: ''");
    }

    @Test
    void inlined_whenDocumentIsMissing_reportsIt() {
        Template none = Template.parse("""
                Resources:
                  Bucket:
                    Type: AWS::S3::Bucket
                """, Repo.STACK);

        assertThat(InstanceScriptsCheck.inlined(FILES, none))
                .containsExactly("template.yaml has no AWS::SSM::Document BootstrapDocument to run instance/bootstrap.sh",
                        "template.yaml has no AWS::SSM::Document CaptureReleaseDocument to run instance/capture-release.sh",
                        "template.yaml has no AWS::SSM::Document DrainDocument to run instance/drain.sh",
                        "template.yaml has no AWS::SSM::Document MediaExportDocument to run instance/export-media.sh",
                        "template.yaml has no AWS::SSM::Document RewriteUrlsDocument to run instance/rewrite-urls.sh",
                        "template.yaml has no AWS::SSM::Document UpgradeDocument to run instance/upgrade.sh");
    }

    @Test
    void allowedPatterns_whenRepoTemplate_findsNothing() {
        Repo.assertNoFindings(InstanceScriptsCheck.allowedPatterns(Repo.template()));
    }

    @Test
    void allowedPatterns_whenEveryParameterHasOne_findsNothing() {
        assertThat(InstanceScriptsCheck.allowedPatterns(INLINE)).isEmpty();
    }

    @Test
    void allowedPatterns_whenParameterLacksOrLoosensIt_namesDocumentAndParameter() {
        Template loose = Template.parse("""
                Resources:
                  OtherDocument:
                    Type: AWS::SSM::Document
                    Properties:
                      Content:
                        schemaVersion: "2.2"
                        parameters:
                          Path:
                            type: String
                          Name:
                            type: String
                            allowedPattern: "[a-z]+"
                        mainSteps: []
                """, Repo.STACK);

        assertThat(InstanceScriptsCheck.allowedPatterns(loose)).satisfiesExactly(
                finding -> assertThat(finding).contains("OtherDocument parameter Path has no allowedPattern"),
                finding -> assertThat(finding).contains("OtherDocument parameter Name has allowedPattern [a-z]+", "not anchored"));
    }

    @Test
    void harness_whenRepoHarness_passes() {
        Repo.assertNoFindings(InstanceScriptsCheck.harness(Repo.root(), InstanceScriptsCheck.HARNESS, PATH, Duration.ofMinutes(2)));
    }

    @Test
    void harness_whenRepoMediaExportHarness_passes() {
        Repo.assertNoFindings(InstanceScriptsCheck.harness(Repo.root(), InstanceScriptsCheck.MEDIA_EXPORT_HARNESS, PATH,
                Duration.ofMinutes(2)));
    }

    @Test
    void harness_whenRepoCaptureHarness_passes() {
        Repo.assertNoFindings(InstanceScriptsCheck.harness(Repo.root(), InstanceScriptsCheck.CAPTURE_HARNESS, PATH,
                Duration.ofMinutes(2)));
    }

    @Test
    void inlined_whenCaptureScriptDiffers_namesItsDocument() {
        Map<String, String> edited = new java.util.HashMap<>(FILES);
        edited.put("instance/capture-release.sh", CAPTURE.replace("capture", "captured"));

        assertThat(InstanceScriptsCheck.inlined(edited, INLINE)).singleElement().asString()
                .contains("instance/capture-release.sh and CaptureReleaseDocument's runCommand in template.yaml differ first at line 2");
    }

    @Test
    void harness_whenScriptFails_reportsExitAndLastLines(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("failing.sh"), "echo 'ok    first'\necho 'FAIL  second' >&2\nexit 3\n");

        assertThat(InstanceScriptsCheck.harness(dir, "failing.sh", PATH, Duration.ofMinutes(1))).singleElement().asString()
                .contains("bash failing.sh exited 3", "ok    first", "FAIL  second");
    }

    @Test
    void harness_whenShellcheckIsNotOnPath_failsSayingToInstallIt(@TempDir Path emptyDir) {
        assertThat(InstanceScriptsCheck.harness(Repo.root(), InstanceScriptsCheck.HARNESS, emptyDir.toString(), Duration.ofMinutes(1)))
                .singleElement().asString().contains("is not on PATH", "shellcheck", "install them");
    }
}

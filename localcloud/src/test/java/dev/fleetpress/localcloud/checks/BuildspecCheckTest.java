package dev.fleetpress.localcloud.checks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.localcloud.template.Template;
import org.junit.jupiter.api.Test;

class BuildspecCheckTest {
    private static final Template INLINE = Template.parse("""
            Resources:
              ReleaseBuildProject:
                Type: AWS::CodeBuild::Project
                Properties:
                  Source:
                    Type: GITHUB
                    BuildSpec: |
                      version: 0.2
                      phases:
                        build:
                          commands:
                            - make release
            """, Repo.STACK);
    private static final String SAME = """
            version: 0.2
            phases:
              build:
                commands:
                  - make release
            """;

    @Test
    void check_whenRepoBuildspecAndTemplate_findsNothing() {
        Repo.assertNoFindings(BuildspecCheck.check(Repo.read("buildspec.yml"), Repo.template()));
    }

    @Test
    void check_whenIdentical_findsNothing() {
        assertThat(BuildspecCheck.check(SAME, INLINE)).isEmpty();
    }

    @Test
    void check_whenLineDiffers_printsFirstDifferingLineAndFix() {
        String edited = SAME.replace("make release", "make release-fast");

        assertThat(BuildspecCheck.check(edited, INLINE)).singleElement().asString()
                .contains("differ first at line 5", "buildspec.yml: '      - make release-fast'",
                        "template.yaml: '      - make release'", "copy buildspec.yml into template.yaml", "indented 10 spaces");
    }

    @Test
    void check_whenFileHasExtraLine_reportsWhereTemplateEnds() {
        assertThat(BuildspecCheck.check(SAME + "cache:\n", INLINE)).singleElement().asString()
                .contains("differ first at line 6", "buildspec.yml: 'cache:'", "template.yaml: ''");
    }

    @Test
    void check_whenProjectIsMissing_reportsIt() {
        Template none = Template.parse("""
                Resources:
                  Bucket:
                    Type: AWS::S3::Bucket
                """, Repo.STACK);

        assertThat(BuildspecCheck.check(SAME, none)).singleElement().asString().contains("no AWS::CodeBuild::Project ReleaseBuildProject");
    }
}

package dev.fleetpress.localcloud.checks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.localcloud.template.PolicyStatement;
import dev.fleetpress.localcloud.template.Template;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Who may write a release: bootstrap.sh installs whatever tarball matches the {@code manifest.json}
 * beside it, so a principal that can write under {@code releases/} chooses the code the whole fleet
 * runs. Fleet instances must not be one (the EFS exit plan's capture uploads under {@code captures/}
 * and EfsFunction copies a verified capture into {@code releases/<id>/}). Judged on the resolved
 * template, by matching each statement's resource patterns against concrete object ARNs.
 */
class ReleaseWritersTest {
    private static final Template TEMPLATE = Template.load(Repo.root().resolve("template.yaml"), Repo.STACK);
    private static final String BUCKET = "arn:aws:s3:::" + TEMPLATE.resolved(Map.of("Ref", "ReleaseBucket"));

    @ParameterizedTest
    @ValueSource(strings = {"releases/r-0123456789ab/release.tar.gz", "releases/r-0123456789ab/manifest.json",
            "releases/r-0123456789ab/release.json", "releases/environments/production.json", "releases/x"})
    void fleetInstanceRole_whenAnyKeyUnderReleases_cannotWriteIt(String key) {
        assertThat(allowed(instanceStatements(), "s3:PutObject", BUCKET + "/" + key)).isFalse();
        assertThat(allowed(instanceStatements(), "s3:DeleteObject", BUCKET + "/" + key)).isFalse();
    }

    @Test
    void fleetInstanceRole_whenCapturing_canWriteOnlyUnderCaptures() {
        List<PolicyStatement> statements = instanceStatements();

        assertThat(allowed(statements, "s3:PutObject", BUCKET + "/captures/c-2026-11-27-production/release.tar.gz")).isTrue();
        assertThat(allowed(statements, "s3:PutObject", BUCKET + "/captures/c-2026-11-27-production/manifest.json")).isTrue();
        assertThat(allowed(statements, "s3:PutObject", BUCKET + "/captures/c-2026-11-27-production.json")).isTrue();
        assertThat(allowed(statements, "s3:PutObject", BUCKET + "/efs/evacuations/production.json")).isFalse();
    }

    @Test
    void fleetInstanceRole_whenBootstrappingOrCapturing_canStillReadReleases() {
        List<PolicyStatement> statements = instanceStatements();

        assertThat(allowed(statements, "s3:GetObject", BUCKET + "/releases/r-0123456789ab/release.tar.gz")).isTrue();
        assertThat(allowed(statements, "s3:GetObject", BUCKET + "/releases/r-0123456789ab/manifest.json")).isTrue();
        assertThat(allowed(statements, "s3:ListBucket", BUCKET)).isTrue();
    }

    @Test
    void efsFunction_whenAcceptingACapture_canReadItAndCopyItIntoTheRelease() {
        List<PolicyStatement> statements = TEMPLATE.function("EfsFunction").policyStatements();

        assertThat(allowed(statements, "s3:GetObject", BUCKET + "/captures/c-2026-11-27-production/release.tar.gz")).isTrue();
        assertThat(allowed(statements, "s3:GetObject", BUCKET + "/captures/c-2026-11-27-production/manifest.json")).isTrue();
        assertThat(allowed(statements, "s3:PutObject", BUCKET + "/releases/r-0123456789ab/release.tar.gz")).isTrue();
        assertThat(allowed(statements, "s3:PutObject", BUCKET + "/releases/r-0123456789ab/manifest.json")).isTrue();
        assertThat(allowed(statements, "s3:PutObject", BUCKET + "/releases/r-0123456789ab/release.json")).isTrue();
    }

    /** FleetInstanceRole's inline policy statements, resolved. */
    private static List<PolicyStatement> instanceStatements() {
        Map<String, Object> properties = TEMPLATE.resolvedProperties("FleetInstanceRole");
        List<PolicyStatement> statements = new ArrayList<>();
        for (Object policy : (List<?>) properties.get("Policies")) {
            Object document = ((Map<?, ?>) policy).get("PolicyDocument");
            for (Object statement : (List<?>) ((Map<?, ?>) document).get("Statement")) {
                Map<?, ?> s = (Map<?, ?>) statement;
                statements.add(new PolicyStatement(String.valueOf(s.get("Sid")), String.valueOf(s.get("Effect")),
                        strings(s.get("Action")), strings(s.get("Resource")), ""));
            }
        }
        assertThat(statements).as("FleetInstanceRole's statements").isNotEmpty();
        return statements;
    }

    private static List<String> strings(Object value) {
        return value instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of(String.valueOf(value));
    }

    /** Some Allow statement grants {@code action} on {@code arn} (conditions aside: they only narrow). */
    private static boolean allowed(List<PolicyStatement> statements, String action, String arn) {
        return statements.stream().filter(s -> s.effect().equals("Allow"))
                .anyMatch(s -> s.actions().stream().anyMatch(a -> glob(a).matcher(action).matches())
                        && s.resources().stream().anyMatch(r -> glob(r).matcher(arn).matches()));
    }

    /** An IAM pattern ({@code *} any run of characters, {@code ?} one) as a regular expression, case as IAM compares ARNs. */
    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(switch (c) {
                case '*' -> ".*";
                case '?' -> ".";
                default -> Pattern.quote(String.valueOf(c));
            });
        }
        return Pattern.compile(regex.toString());
    }
}

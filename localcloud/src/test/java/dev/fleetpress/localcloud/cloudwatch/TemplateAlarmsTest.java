package dev.fleetpress.localcloud.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.localcloud.template.AlarmSpec;
import dev.fleetpress.localcloud.template.StackContext;
import dev.fleetpress.localcloud.template.Template;
import dev.fleetpress.localcloud.template.TemplateException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateAlarmsTest {
    private static final String FS = "fs-0123456789abcdef0";

    static Path templateYaml() {
        return Path.of(System.getProperty("fleetpress.root", "..")).resolve("template.yaml");
    }

    private static Template load(Map<String, String> parameters) {
        Map<String, String> all = new java.util.HashMap<>(parameters);
        all.putIfAbsent("SourceLocation", "/tmp/site");
        return Template.load(templateYaml(), StackContext.local(all));
    }

    @Test
    void alarms_whenNoFileSystemConfigured_hasNoCreditAlarmAndStillLoads() {
        Template template = load(Map.of());

        assertThat(template.alarms()).noneMatch(a -> a.name().contains("efs-credits"));
        assertThat(template.functions()).isNotEmpty();
    }

    @Test
    void alarms_whenProductionFileSystemConfigured_readsTheMetricMathAlarm() {
        Template template = load(Map.of("ProductionFileSystemId", FS));

        AlarmSpec alarm = template.alarms().stream().filter(a -> a.name().equals("fleetpress-local-efs-credits-production"))
                .findFirst().orElseThrow();

        assertThat(alarm.logicalId()).isEqualTo("ProductionEfsCreditAlarm");
        assertThat(alarm.description()).startsWith("Production's EFS burst credits");
        assertThat(alarm.comparisonOperator()).isEqualTo("LessThanThreshold");
        assertThat(alarm.threshold()).isEqualTo(3.0);
        assertThat(alarm.evaluationPeriods()).isEqualTo(3);
        assertThat(alarm.datapointsToAlarm()).isEqualTo(2);
        assertThat(alarm.treatMissingData()).isEqualTo("missing");
        assertThat(alarm.period()).isEqualTo(300);
        assertThat(alarm.isMetricMath()).isTrue();
        assertThat(alarm.metrics()).hasSize(2);
        AlarmSpec.MetricQuery credits = alarm.metrics().get(0);
        assertThat(credits.id()).isEqualTo("credits");
        assertThat(credits.returnData()).isFalse();
        assertThat(credits.metricStat()).isEqualTo(new AlarmSpec.MetricStat("AWS/EFS", "BurstCreditBalance",
                Map.of("FileSystemId", FS), 300, "Average"));
        AlarmSpec.MetricQuery hours = alarm.returned();
        assertThat(hours.id()).isEqualTo("hours");
        assertThat(hours.label()).isEqualTo("Hours until burst credits run out");
        assertThat(hours.expression()).isEqualTo("IF(credits <= 0, 0, IF(RATE(credits) < 0, credits / (-1 * RATE(credits)) / 3600, 1000))");
        assertThat(template.alarms()).noneMatch(a -> a.name().endsWith("efs-credits-staging"));
    }

    @Test
    void alarms_whenHoursParameterOverridden_usesItAsThreshold() {
        Template template = load(Map.of("StagingFileSystemId", FS, "EfsHoursToExhaustion", "12"));

        assertThat(template.alarms()).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo("fleetpress-local-efs-credits-staging");
            assertThat(a.threshold()).isEqualTo(12.0);
        });
    }

    @Test
    void alarms_whenSingleMetricAlarm_becomesOneReturningQuery() {
        Template template = Template.parse("""
                Resources:
                  Low:
                    Type: AWS::CloudWatch::Alarm
                    Properties:
                      AlarmName: low-credits
                      Namespace: AWS/EFS
                      MetricName: BurstCreditBalance
                      Dimensions:
                        - Name: FileSystemId
                          Value: fs-12345678
                      Period: 60
                      Statistic: Minimum
                      ComparisonOperator: LessThanOrEqualToThreshold
                      Threshold: 1000
                      EvaluationPeriods: 2
                """, StackContext.local());

        AlarmSpec alarm = template.alarms().get(0);

        assertThat(alarm.isMetricMath()).isFalse();
        assertThat(alarm.datapointsToAlarm()).isEqualTo(2);
        assertThat(alarm.returned().metricStat().stat()).isEqualTo("Minimum");
        assertThat(alarm.returned().id()).matches("[0-9a-f-]{36}");
        assertThat(alarm.period()).isEqualTo(60);
    }

    @Test
    void alarms_whenUnsupportedSettings_failNamingThem() {
        String yaml = """
                Resources:
                  Odd:
                    Type: AWS::CloudWatch::Alarm
                    Properties:
                      AlarmName: odd
                      Namespace: X
                      MetricName: Y
                      Period: 60
                      Statistic: Average
                      ComparisonOperator: %s
                      Threshold: 1
                      EvaluationPeriods: 1
                      TreatMissingData: %s
                """;

        assertThatThrownBy(() -> Template.parse(yaml.formatted("LessThanThreshold", "breaching"), StackContext.local()).alarms())
                .isInstanceOf(TemplateException.class).hasMessageContaining("TreatMissingData breaching");
        assertThatThrownBy(() -> Template.parse(yaml.formatted("LessThanLowerThreshold", "missing"), StackContext.local()).alarms())
                .isInstanceOf(TemplateException.class).hasMessageContaining("LessThanLowerThreshold");
    }
}

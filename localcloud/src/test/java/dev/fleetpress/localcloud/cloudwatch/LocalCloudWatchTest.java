package dev.fleetpress.localcloud.cloudwatch;

import static dev.fleetpress.localcloud.efs.CreditModel.GIB;
import static dev.fleetpress.localcloud.efs.CreditModel.KIB;
import static dev.fleetpress.localcloud.efs.CreditModel.MIB;
import static dev.fleetpress.localcloud.efs.CreditModel.TIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.efs.LocalEfs;
import dev.fleetpress.localcloud.template.AlarmSpec;
import dev.fleetpress.localcloud.template.StackContext;
import dev.fleetpress.localcloud.template.Template;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.efs.model.ThroughputMode;

class LocalCloudWatchTest {
    private static final Instant START = Instant.parse("2026-11-27T20:00:00Z");
    private static final String FS = "fs-0123456789abcdef0";
    private static final long HUNDRED_GIB = 100 * GIB;
    private static final double DRAIN = 100.0 * MIB - 5000.0 * KIB;
    private static final String ALARM = "fleetpress-local-efs-credits-production";
    private static final MetricKey TEST_METRIC = new MetricKey("Test", "Value", Map.of("Id", "a"));

    @TempDir
    Path dir;
    private SimulatedClock clock;
    private MetricStore metrics;
    private final List<String> events = new CopyOnWriteArrayList<>();
    private LocalCloudWatch cloudWatch;
    private LocalEfs efs;

    @BeforeEach
    void setUp() {
        clock = SimulatedClock.at(START);
        metrics = new MetricStore();
        cloudWatch = LocalCloudWatch.create(clock, metrics, "us-east-1", "000000000000", events::add);
        efs = LocalEfs.create(dir.resolve("efs"), clock, metrics, "us-east-1", "000000000000");
        cloudWatch.addSource(efs);
    }

    private static AlarmSpec templateAlarm() {
        Template template = Template.load(TemplateAlarmsTest.templateYaml(),
                StackContext.local(Map.of("SourceLocation", "/tmp/site", "ProductionFileSystemId", FS)));
        return template.alarms().stream().filter(a -> a.name().equals(ALARM)).findFirst().orElseThrow();
    }

    /** GreaterThanThreshold 10 on TEST_METRIC, Maximum over 60 s, M of N. */
    private static AlarmSpec testAlarm(int n, int m) {
        return AlarmSpec.singleMetric("test", "a test alarm",
                new AlarmSpec.MetricStat("Test", "Value", Map.of("Id", "a"), 60, "Maximum"),
                "GreaterThanThreshold", 10, n, m);
    }

    /** One sample in each of the next minutes (NaN: none), then time moves past them. */
    private void feed(double... perMinute) {
        Instant t = clock.instant();
        for (int i = 0; i < perMinute.length; i++) {
            if (!Double.isNaN(perMinute[i])) {
                metrics.put(TEST_METRIC, t.plusSeconds(60L * i), perMinute[i]);
            }
        }
        cloudWatch.advance(Duration.ofMinutes(perMinute.length));
    }

    @Test
    void addAlarm_whenNew_startsInsufficientDataUnchecked() {
        cloudWatch.addAlarm(templateAlarm());

        AlarmState state = cloudWatch.state(ALARM);
        assertThat(state.value()).isEqualTo("INSUFFICIENT_DATA");
        assertThat(state.reason()).isEqualTo("Unchecked: Initial alarm creation");
        assertThat(state.timestamp()).isEqualTo(START);
    }

    @Test
    void advance_whenNoData_staysInsufficientDataWithoutEvents() {
        cloudWatch.addAlarm(templateAlarm());

        cloudWatch.advance(Duration.ofHours(2));

        assertThat(cloudWatch.state(ALARM).value()).isEqualTo("INSUFFICIENT_DATA");
        assertThat(events).isEmpty();
        assertThat(clock.instant()).isEqualTo(START.plus(Duration.ofHours(2)));
    }

    @Test
    void advance_whenOneOfThreeBreaching_staysOk() {
        cloudWatch.addAlarm(testAlarm(3, 2));

        feed(1, 20, 1, 1);

        assertThat(cloudWatch.history("test")).extracting(StateChange::value).containsExactly("OK");
    }

    @Test
    void advance_whenTwoOfThreeBreaching_goesToAlarmAtTheSecond() {
        cloudWatch.addAlarm(testAlarm(3, 2));

        feed(1, 20, 1, 30);

        List<StateChange> history = cloudWatch.history("test");
        assertThat(history).extracting(StateChange::value).containsExactly("OK", "ALARM");
        assertThat(history.get(1).at()).isEqualTo(START.plus(Duration.ofMinutes(4)));
        assertThat(history.get(1).current().reason()).isEqualTo("Threshold Crossed: 2 out of the last 3 datapoints "
                + "[30.0 (27/11/26 20:03:00), 20.0 (27/11/26 20:01:00)] were greater than the threshold (10.0) "
                + "(minimum 2 datapoints for OK -> ALARM transition).");
    }

    @Test
    void advance_whenBreachesStop_returnsToOkOnceFewerThanMRemain() {
        cloudWatch.addAlarm(testAlarm(3, 2));

        feed(20, 20, 1, 1);

        assertThat(cloudWatch.history("test")).extracting(StateChange::value).containsExactly("ALARM", "OK");
        assertThat(cloudWatch.history("test").get(1).current().reason()).contains("were not greater than the threshold (10.0)")
                .contains("(minimum 2 datapoints for ALARM -> OK transition)");
    }

    @Test
    void advance_whenFewerDatapointsThanMAllBreaching_goesToAlarm() {
        cloudWatch.addAlarm(testAlarm(3, 2));

        feed(20);

        assertThat(cloudWatch.state("test").value()).isEqualTo("ALARM");
        assertThat(cloudWatch.state("test").reason()).startsWith("Threshold Crossed: 1 out of the last 3 datapoints [20.0 (27/11/26 20:00:00)] was greater");
    }

    @Test
    void advance_whenDataStopsForAllPeriods_goesToInsufficientData() {
        cloudWatch.addAlarm(testAlarm(3, 2));

        feed(1, Double.NaN, Double.NaN, Double.NaN);

        List<StateChange> history = cloudWatch.history("test");
        assertThat(history).extracting(StateChange::value).containsExactly("OK", "INSUFFICIENT_DATA");
        assertThat(history.get(1).at()).isEqualTo(START.plus(Duration.ofMinutes(4)));
        assertThat(history.get(1).current().reason()).isEqualTo("Insufficient Data: 3 datapoints were unknown.");
    }

    @Test
    void advance_whenOnlySomePeriodsMissing_evaluatesThosePresent() {
        cloudWatch.addAlarm(testAlarm(3, 2));

        feed(20, Double.NaN, 20);

        assertThat(cloudWatch.history("test")).extracting(StateChange::value).containsExactly("ALARM");
    }

    @Test
    void advance_whenStateUnchanged_putsNoMoreEvents() {
        cloudWatch.addAlarm(testAlarm(1, 1));

        feed(1, 2, 3, 4, 5);

        assertThat(events).hasSize(1);
    }

    @Test
    void advance_whenCreditsDrain_templateAlarmFiresAboutThreeHoursBeforeExhaustion() {
        cloudWatch.addAlarm(templateAlarm());
        efs.create(FS, HUNDRED_GIB, ThroughputMode.BURSTING);
        efs.load(FS, 100.0 * MIB);
        Instant exhaustion = START.plusSeconds((long) (2.1 * TIB / DRAIN));

        cloudWatch.advance(Duration.between(START, exhaustion));

        List<StateChange> history = cloudWatch.history(ALARM);
        assertThat(history).extracting(StateChange::value).containsExactly("OK", "ALARM");
        assertThat(history.get(0).at()).isEqualTo(START.plus(Duration.ofMinutes(10)));
        Instant firesAt = history.get(1).at();
        assertThat(firesAt).isBetween(exhaustion.minus(Duration.ofHours(3)), exhaustion.minus(Duration.ofHours(3)).plus(Duration.ofMinutes(15)));
    }

    @Test
    void advance_whenCreditsStayAtZero_templateAlarmStaysInAlarm() {
        // A flat balance has a rate of 0; the template's expression reads a balance at zero as 0 hours
        // left, so a throttled file system does not look like one that "never runs out".
        cloudWatch.addAlarm(templateAlarm());
        efs.create(FS, HUNDRED_GIB, ThroughputMode.BURSTING);
        efs.load(FS, 100.0 * MIB);

        cloudWatch.advance(Duration.ofHours(10));

        assertThat(efs.creditBalance(FS)).isZero();
        assertThat(cloudWatch.history(ALARM)).extracting(StateChange::value).containsExactly("OK", "ALARM");
    }

    @Test
    void advance_whenSwitchedToElastic_alarmReturnsToOk() {
        cloudWatch.addAlarm(templateAlarm());
        efs.create(FS, HUNDRED_GIB, ThroughputMode.BURSTING);
        efs.load(FS, 100.0 * MIB);
        cloudWatch.advance(Duration.ofHours(4));
        assertThat(cloudWatch.state(ALARM).value()).isEqualTo("ALARM");

        efs.updateFileSystem(r -> r.fileSystemId(FS).throughputMode(ThroughputMode.ELASTIC));
        cloudWatch.advance(Duration.ofMinutes(30));

        assertThat(cloudWatch.state(ALARM).value()).isEqualTo("OK");
        assertThat(cloudWatch.state(ALARM).reason()).contains("were not less than the threshold (3.0)");
    }

    @Test
    void advance_whenAlarmChanges_putsAwsShapedEvent() {
        cloudWatch.addAlarm(templateAlarm());
        efs.create(FS, HUNDRED_GIB, ThroughputMode.BURSTING);
        efs.load(FS, 100.0 * MIB);

        cloudWatch.advance(Duration.ofHours(5));

        assertThat(events).hasSize(2);
        Json.Node event = Json.parse(events.get(1));
        assertThat(event.fields().keySet()).containsExactly("version", "id", "detail-type", "source", "account", "time",
                "region", "resources", "detail");
        assertThat(event.text("version")).isEqualTo("0");
        assertThat(event.text("id")).matches("[0-9a-f-]{36}");
        assertThat(event.text("detail-type")).isEqualTo("CloudWatch Alarm State Change");
        assertThat(event.text("source")).isEqualTo("aws.cloudwatch");
        assertThat(event.text("account")).isEqualTo("000000000000");
        assertThat(event.text("region")).isEqualTo("us-east-1");
        assertThat(event.text("time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(event.get("resources").elements()).extracting(Json.Node::asText)
                .containsExactly("arn:aws:cloudwatch:us-east-1:000000000000:alarm:" + ALARM);
        Json.Node detail = event.get("detail");
        assertThat(detail.fields().keySet()).containsExactly("alarmName", "configuration", "previousState", "state");
        assertThat(detail.text("alarmName")).isEqualTo(ALARM);
        Json.Node state = detail.get("state");
        assertThat(state.fields().keySet()).containsExactly("reason", "reasonData", "timestamp", "value");
        assertThat(state.text("value")).isEqualTo("ALARM");
        assertThat(state.text("timestamp")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.000\\+0000");
        assertThat(state.text("timestamp")).startsWith(event.text("time").substring(0, 19));
        assertThat(state.text("reason")).startsWith("Threshold Crossed: 2 out of the last 3 datapoints [")
                .endsWith("were less than the threshold (3.0) (minimum 2 datapoints for OK -> ALARM transition).");
        Json.Node reasonData = Json.parse(state.text("reasonData"));
        assertThat(reasonData.fields().keySet()).containsExactly("version", "queryDate", "startDate", "period",
                "recentDatapoints", "threshold", "evaluatedDatapoints");
        assertThat(reasonData.get("evaluatedDatapoints").elements()).hasSize(3).allSatisfy(p ->
                assertThat(p.fields().keySet()).containsExactly("timestamp", "value"));
        assertThat(reasonData.text("version")).isEqualTo("1.0");
        assertThat(reasonData.text("queryDate")).isEqualTo(state.text("timestamp"));
        assertThat(reasonData.get("period").asLong()).isEqualTo(300);
        assertThat(reasonData.get("recentDatapoints").elements()).hasSize(3);
        Json.Node previous = detail.get("previousState");
        assertThat(previous.text("value")).isEqualTo("OK");
        assertThat(previous.fields().keySet()).containsExactly("reason", "reasonData", "timestamp", "value");
        Json.Node configuration = detail.get("configuration");
        assertThat(configuration.text("description")).startsWith("Production's EFS burst credits");
        List<Json.Node> metricsJson = configuration.get("metrics").elements();
        assertThat(metricsJson).hasSize(2);
        Json.Node credits = metricsJson.get(0);
        assertThat(credits.fields().keySet()).containsExactly("id", "metricStat", "returnData");
        assertThat(credits.text("id")).isEqualTo("credits");
        assertThat(credits.get("returnData").asBoolean()).isFalse();
        assertThat(credits.get("metricStat").fields().keySet()).containsExactly("metric", "period", "stat");
        assertThat(credits.get("metricStat").get("period").asLong()).isEqualTo(300);
        assertThat(credits.get("metricStat").text("stat")).isEqualTo("Average");
        Json.Node metric = credits.get("metricStat").get("metric");
        assertThat(metric.fields().keySet()).containsExactly("dimensions", "name", "namespace");
        assertThat(metric.get("dimensions").text("FileSystemId")).isEqualTo(FS);
        assertThat(metric.text("name")).isEqualTo("BurstCreditBalance");
        assertThat(metric.text("namespace")).isEqualTo("AWS/EFS");
        Json.Node hours = metricsJson.get(1);
        assertThat(hours.fields().keySet()).containsExactly("expression", "id", "label", "returnData");
        assertThat(hours.text("expression")).isEqualTo("IF(credits <= 0, 0, IF(RATE(credits) < 0, credits / (-1 * RATE(credits)) / 3600, 1000))");
        assertThat(hours.text("label")).isEqualTo("Hours until burst credits run out");
        assertThat(hours.get("returnData").asBoolean()).isTrue();
    }

    @Test
    void advance_whenFirstChange_previousStateIsTheUncheckedInitialOne() {
        cloudWatch.addAlarm(testAlarm(1, 1));

        feed(1);

        Json.Node previous = Json.parse(events.get(0)).get("detail", "previousState");
        assertThat(previous.fields().keySet()).containsExactly("reason", "timestamp", "value");
        assertThat(previous.text("reason")).isEqualTo("Unchecked: Initial alarm creation");
        assertThat(previous.text("value")).isEqualTo("INSUFFICIENT_DATA");
        assertThat(previous.text("timestamp")).isEqualTo("2026-11-27T20:00:00.000+0000");
    }

    @Test
    void advance_whenSingleMetricAlarm_reasonDataNamesTheStatistic() {
        cloudWatch.addAlarm(testAlarm(1, 1));

        feed(1);

        Json.Node reasonData = Json.parse(Json.parse(events.get(0)).get("detail", "state").text("reasonData"));
        assertThat(reasonData.text("statistic")).isEqualTo("Maximum");
        assertThat(reasonData.text("startDate")).isEqualTo("2026-11-27T20:00:00.000+0000");
        assertThat(reasonData.text("queryDate")).isEqualTo("2026-11-27T20:01:00.000+0000");
        assertThat(reasonData.get("evaluatedDatapoints").elements()).singleElement().satisfies(p -> {
            assertThat(p.fields().keySet()).containsExactly("timestamp", "sampleCount", "value");
            assertThat(p.text("timestamp")).isEqualTo("2026-11-27T20:00:00.000+0000");
            assertThat(p.text("sampleCount")).isEqualTo("1.0");
        });
    }

    @Test
    void addAlarm_whenExtraFixedThreshold_evaluatesBesideTheTemplatesAndTellsWhenEachChanged() {
        cloudWatch.addAlarm(templateAlarm());
        cloudWatch.addAlarm(AlarmSpec.singleMetric("fixed-20-percent", "credits under 20% of the maximum",
                new AlarmSpec.MetricStat("AWS/EFS", "BurstCreditBalance", Map.of("FileSystemId", FS), 300, "Average"),
                "LessThanThreshold", 0.2 * 2.1 * TIB, 1, 1));
        efs.create(FS, HUNDRED_GIB, ThroughputMode.BURSTING);
        efs.load(FS, 100.0 * MIB);

        cloudWatch.advance(Duration.ofHours(8));

        Instant mathAlarm = cloudWatch.history(ALARM).stream().filter(c -> c.value().equals("ALARM")).findFirst().orElseThrow().at();
        Instant fixedAlarm = cloudWatch.history("fixed-20-percent").stream().filter(c -> c.value().equals("ALARM")).findFirst().orElseThrow().at();
        Instant exhaustion = START.plusSeconds((long) (2.1 * TIB / DRAIN));
        assertThat(Duration.between(fixedAlarm, exhaustion).toMinutes()).isBetween(70L, 80L);
        assertThat(mathAlarm).isBefore(fixedAlarm);
        assertThat(cloudWatch.history()).extracting(StateChange::alarmName).contains(ALARM, "fixed-20-percent");
        assertThat(cloudWatch.history()).isSortedAccordingTo((a, b) -> a.at().compareTo(b.at()));
    }

    @Test
    void addAlarm_whenUnsupportedExpression_failsAtOnce() {
        AlarmSpec odd = new AlarmSpec("Odd", "odd", "", List.of(
                AlarmSpec.MetricQuery.metric("m", false, new AlarmSpec.MetricStat("X", "Y", Map.of(), 60, "Average")),
                AlarmSpec.MetricQuery.expression("e", null, true, "ANOMALY_DETECTION_BAND(m, 2)")),
                "GreaterThanThreshold", 1, 1, 1, "missing");

        assertThatThrownBy(() -> cloudWatch.addAlarm(odd))
                .hasMessageContaining("alarm odd, metric e")
                .hasMessageContaining("ANOMALY_DETECTION_BAND");
    }

    @Test
    void describeAlarms_whenFiltered_answersStateAndWhenItChanged() {
        cloudWatch.addAlarm(templateAlarm());
        cloudWatch.addAlarm(testAlarm(1, 1));
        feed(20);

        List<MetricAlarm> byPrefix = cloudWatch.describeAlarms(r -> r.alarmNamePrefix("fleetpress-local-efs-credits-")).metricAlarms();
        List<MetricAlarm> inAlarm = cloudWatch.describeAlarms(r -> r.stateValue(StateValue.ALARM)).metricAlarms();

        assertThat(byPrefix).singleElement().satisfies(a -> {
            assertThat(a.alarmName()).isEqualTo(ALARM);
            assertThat(a.stateValue()).isEqualTo(StateValue.INSUFFICIENT_DATA);
            assertThat(a.metrics()).extracting(q -> q.id()).containsExactly("credits", "hours");
            assertThat(a.threshold()).isEqualTo(3.0);
        });
        assertThat(inAlarm).singleElement().satisfies(a -> {
            assertThat(a.alarmName()).isEqualTo("test");
            assertThat(a.stateUpdatedTimestamp()).isEqualTo(START.plus(Duration.ofMinutes(1)));
            assertThat(a.metricName()).isEqualTo("Value");
            assertThat(a.stateReasonData()).contains("\"recentDatapoints\":[20.0]");
        });
        assertThat(cloudWatch.describeAlarms(r -> r.alarmNames("test")).metricAlarms()).hasSize(1);
    }

    @Test
    void getMetricData_whenCreditsDrain_answersFiveMinuteAveragesNewestFirst() {
        efs.create(FS, HUNDRED_GIB, ThroughputMode.BURSTING);
        efs.load(FS, 100.0 * MIB);
        cloudWatch.advance(Duration.ofMinutes(15));

        var response = cloudWatch.getMetricData(r -> r.startTime(START).endTime(clock.instant())
                .metricDataQueries(q -> q.id("credits").metricStat(s -> s.period(300).stat("Average")
                        .metric(m -> m.namespace("AWS/EFS").metricName("BurstCreditBalance")
                                .dimensions(d -> d.name("FileSystemId").value(FS))))));

        MetricDataResult result = response.metricDataResults().get(0);
        assertThat(result.id()).isEqualTo("credits");
        assertThat(result.statusCodeAsString()).isEqualTo("Complete");
        assertThat(result.timestamps()).containsExactly(START.plusSeconds(600), START.plusSeconds(300), START);
        assertThat(result.values().get(2)).isCloseTo(2.1 * TIB - DRAIN * 120, within(1.0));
        assertThat(result.values().get(0) - result.values().get(1)).isCloseTo(-DRAIN * 300, within(1.0));
    }

    @Test
    void getMetricData_whenExpressionAndAscending_evaluatesItInOrder() {
        efs.create(FS, HUNDRED_GIB, ThroughputMode.BURSTING);
        efs.load(FS, 100.0 * MIB);
        cloudWatch.advance(Duration.ofMinutes(15));

        var response = cloudWatch.getMetricData(r -> r.startTime(START).endTime(clock.instant()).scanBy(ScanBy.TIMESTAMP_ASCENDING)
                .metricDataQueries(
                        q -> q.id("credits").returnData(false).metricStat(s -> s.period(300).stat("Average")
                                .metric(m -> m.namespace("AWS/EFS").metricName("BurstCreditBalance")
                                        .dimensions(d -> d.name("FileSystemId").value(FS)))),
                        q -> q.id("rate").expression("RATE(credits)")));

        assertThat(response.metricDataResults()).singleElement().satisfies(result -> {
            assertThat(result.id()).isEqualTo("rate");
            assertThat(result.timestamps()).containsExactly(START.plusSeconds(300), START.plusSeconds(600));
            assertThat(result.values().get(0)).isCloseTo(-DRAIN, within(1e-6));
        });
    }

    @Test
    void getMetricData_whenInvalid_answersCloudWatchsErrors() {
        assertThatThrownBy(() -> cloudWatch.getMetricData(r -> r.startTime(START).endTime(START)
                .metricDataQueries(q -> q.id("x").expression("RATE(y)"))))
                .isInstanceOfSatisfying(software.amazon.awssdk.services.cloudwatch.model.InvalidParameterValueException.class,
                        e -> assertThat(e.statusCode()).isEqualTo(400));
        assertThatThrownBy(() -> cloudWatch.getMetricData(r -> r.startTime(START).endTime(START.plusSeconds(60))
                .metricDataQueries(q -> q.id("x").expression("SUM(METRICS())"))))
                .isInstanceOf(software.amazon.awssdk.services.cloudwatch.model.InvalidParameterValueException.class)
                .hasMessageContaining("function SUM");
        assertThatThrownBy(() -> cloudWatch.getMetricData(r -> r.endTime(START)))
                .isInstanceOf(software.amazon.awssdk.services.cloudwatch.model.MissingRequiredParameterException.class);
    }

    @Test
    void failNext_whenSet_failsThatManyCallsWith500() {
        cloudWatch.addAlarm(testAlarm(1, 1));
        cloudWatch.failNext(2);

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> cloudWatch.describeAlarms(r -> r.alarmNames("test")))
                    .isInstanceOfSatisfying(software.amazon.awssdk.services.cloudwatch.model.InternalServiceException.class,
                            e -> assertThat(e.statusCode()).isEqualTo(500));
        }
        assertThat(cloudWatch.describeAlarms(r -> r.alarmNames("test")).metricAlarms()).hasSize(1);
    }

    @Test
    void every_whenTimePasses_runsAtEachMultipleAndSettles() {
        List<Instant> ticks = new ArrayList<>();
        int[] settled = {0};
        cloudWatch.every(Duration.ofMinutes(5), ticks::add);
        cloudWatch.onSettle(() -> settled[0]++);

        cloudWatch.advance(Duration.ofMinutes(16));

        assertThat(ticks).containsExactly(START.plusSeconds(300), START.plusSeconds(600), START.plusSeconds(900));
        assertThat(settled[0]).isEqualTo(3);
    }

    @Test
    void advance_whenAlarmChangesAndTickerDueSameMinute_settlesTheEventBeforeTheTicker() {
        List<String> order = new CopyOnWriteArrayList<>();
        LocalCloudWatch ordered = LocalCloudWatch.create(clock, metrics, "us-east-1", "000000000000", e -> order.add("event"));
        ordered.addAlarm(testAlarm(1, 1));
        ordered.every(Duration.ofMinutes(1), t -> order.add("tick"));
        ordered.onSettle(() -> order.add("settle"));
        metrics.put(TEST_METRIC, START, 20);
        metrics.put(TEST_METRIC, START.plusSeconds(60), 20);

        ordered.advance(Duration.ofMinutes(2));

        assertThat(order).containsExactly("event", "settle", "tick", "settle", "tick", "settle");
    }

    @Test
    void advance_whenADayPasses_coversEveryMinute() {
        cloudWatch.addAlarm(templateAlarm());
        efs.create(FS, HUNDRED_GIB, ThroughputMode.BURSTING);
        efs.load(FS, 10.0 * MIB);

        cloudWatch.advance(Duration.ofDays(1).plusSeconds(30));

        assertThat(clock.instant()).isEqualTo(START.plus(Duration.ofDays(1)).plusSeconds(30));
        assertThat(metrics.series(MetricKey.burstCreditBalance(FS), "SampleCount", 60, START, clock.instant()))
                .hasSize(1441)
                .allSatisfy((minute, count) -> assertThat(count).isEqualTo(1.0));
    }

    @Test
    void advance_whenNegative_refuses() {
        assertThatThrownBy(() -> cloudWatch.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}

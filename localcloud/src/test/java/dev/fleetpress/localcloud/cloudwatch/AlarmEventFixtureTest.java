package dev.fleetpress.localcloud.cloudwatch;

import static dev.fleetpress.localcloud.efs.CreditModel.GIB;
import static dev.fleetpress.localcloud.efs.CreditModel.MIB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.efs.LocalEfs;
import dev.fleetpress.localcloud.template.AlarmSpec;
import dev.fleetpress.localcloud.template.StackContext;
import dev.fleetpress.localcloud.template.Template;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.efs.model.ThroughputMode;

/**
 * The events localcloud's CloudWatch puts on the bus against the fixtures in events/efs/ (written
 * from AWS's documented shape): the same fields at the same places, and the same configuration for
 * the template's production alarm. Key order does not matter in JSON and is not compared.
 */
class AlarmEventFixtureTest {
    private static final Instant START = Instant.parse("2026-11-27T20:00:00Z");
    private static final String FS = "fs-0123456789abcdef0";
    private static final String ALARM = "fleetpress-local-efs-credits-production";

    @TempDir
    Path dir;
    private final List<String> events = new CopyOnWriteArrayList<>();
    private LocalCloudWatch cloudWatch;
    private LocalEfs efs;
    private AlarmSpec alarm;

    @BeforeEach
    void setUp() {
        SimulatedClock clock = SimulatedClock.at(START);
        MetricStore metrics = new MetricStore();
        cloudWatch = LocalCloudWatch.create(clock, metrics, "us-east-1", "000000000000", events::add);
        efs = LocalEfs.create(dir.resolve("efs"), clock, metrics, "us-east-1", "000000000000");
        cloudWatch.addSource(efs);
        Template template = Template.load(TemplateAlarmsTest.templateYaml(),
                StackContext.local(Map.of("SourceLocation", "/tmp/site", "ProductionFileSystemId", FS)));
        alarm = template.alarms().stream().filter(a -> a.name().equals(ALARM)).findFirst().orElseThrow();
        cloudWatch.addAlarm(alarm);
        efs.create(FS, 100 * GIB, ThroughputMode.BURSTING);
        efs.load(FS, 100.0 * MIB);
    }

    private static Json.Node fixture(String name) throws Exception {
        return Json.parse(Files.readString(TemplateAlarmsTest.templateYaml().resolveSibling("events/efs/" + name)));
    }

    private Json.Node eventWithState(String value) {
        return events.stream().map(Json::parse).filter(e -> e.get("detail", "state").text("value").equals(value))
                .findFirst().orElseThrow(() -> new AssertionError("no " + value + " event among " + events));
    }

    @Test
    void alarmEvent_whenCreditsRunLow_hasTheFixturesFieldsAndConfiguration() throws Exception {
        cloudWatch.advance(Duration.ofHours(5));
        Json.Node ours = eventWithState("ALARM");
        Json.Node theirs = fixture("alarm-state-alarm.json");

        assertThat(paths(ours)).isEqualTo(paths(theirs));
        assertThat(canonical(ours.get("detail", "configuration"))).isEqualTo(canonical(theirs.get("detail", "configuration")));
        assertThat(ours.get("resources").elements()).extracting(Json.Node::asText)
                .containsExactlyElementsOf(theirs.get("resources").elements().stream().map(Json.Node::asText).toList());
        assertThat(ours.text("detail", "alarmName")).isEqualTo(theirs.text("detail", "alarmName"));
    }

    @Test
    void okEvent_whenFirstDatapoint_hasTheFixturesFields() throws Exception {
        cloudWatch.advance(Duration.ofMinutes(10));
        Json.Node ours = eventWithState("OK");
        Json.Node theirs = fixture("alarm-state-ok.json");

        assertThat(pathsWithoutPreviousState(ours)).isEqualTo(pathsWithoutPreviousState(theirs));
    }

    @Test
    void insufficientDataEvent_whenMetricStops_hasTheFixturesFields() throws Exception {
        // The template's alarm over a balance that is reported for ten minutes, then no more (a deleted file system).
        List<String> own = new ArrayList<>();
        LocalCloudWatch alone = LocalCloudWatch.create(SimulatedClock.at(START), new MetricStore(), "us-east-1",
                "000000000000", own::add);
        alone.addAlarm(alarm);
        for (int minute = 0; minute < 10; minute++) {
            alone.metrics().put(MetricKey.burstCreditBalance(FS), START.plusSeconds(60L * minute), 1e12 - minute * 1e9);
        }
        alone.advance(Duration.ofMinutes(30));
        Json.Node ours = own.stream().map(Json::parse)
                .filter(e -> e.get("detail", "state").text("value").equals("INSUFFICIENT_DATA")).findFirst().orElseThrow();
        Json.Node theirs = fixture("alarm-state-insufficient-data.json");

        assertThat(alone.history(ALARM)).extracting(StateChange::value).containsExactly("OK", "INSUFFICIENT_DATA");
        assertThat(paths(ours.get("detail", "state"))).isEqualTo(paths(theirs.get("detail", "state")));
    }

    /** Every field path (arrays as [], reasonData parsed as the JSON it carries), values left out. */
    private static TreeSet<String> paths(Json.Node node) {
        TreeSet<String> out = new TreeSet<>();
        collect(node, "$", out);
        return out;
    }

    private static TreeSet<String> pathsWithoutPreviousState(Json.Node node) {
        TreeSet<String> out = paths(node);
        out.removeIf(p -> p.startsWith("$.detail.previousState"));
        return out;
    }

    private static void collect(Json.Node node, String path, TreeSet<String> out) {
        out.add(path);
        if (node.isObject()) {
            node.fields().forEach((k, v) -> {
                if (k.equals("reasonData")) {
                    collect(Json.parse(v.asText()), path + "." + k + "(json)", out);
                } else {
                    collect(v, path + "." + k, out);
                }
            });
        } else if (node.isArray()) {
            node.elements().forEach(e -> collect(e, path + "[]", out));
        }
    }

    private static Object canonical(Json.Node node) {
        if (node.isObject()) {
            Map<String, Object> out = new TreeMap<>();
            node.fields().forEach((k, v) -> out.put(k, canonical(v)));
            return out;
        }
        if (node.isArray()) {
            return node.elements().stream().map(AlarmEventFixtureTest::canonical).toList();
        }
        return node.asText();
    }
}

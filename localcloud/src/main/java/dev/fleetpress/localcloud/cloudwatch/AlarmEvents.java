package dev.fleetpress.localcloud.cloudwatch;

import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.template.AlarmSpec;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The EventBridge event CloudWatch sends when an alarm changes state ({@code source} aws.cloudwatch,
 * {@code detail-type} CloudWatch Alarm State Change), shaped as AWS's documented examples: the alarm
 * ARN in {@code resources}, {@code detail} with alarmName, configuration (description and the
 * metrics as CloudWatch writes them: id, metricStat.metric {namespace, name, dimensions}, period,
 * stat; expression; label; returnData), previousState and state (reason, reasonData as a JSON string,
 * timestamp like {@code 2026-11-27T20:00:00.000+0000}, value). Times are simulated time; the event id
 * is derived from the alarm and the transition time, so a replayed run gives the same ids.
 */
final class AlarmEvents {
    private static final DateTimeFormatter EVENT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private AlarmEvents() {
    }

    static String stateChange(AlarmSpec spec, String alarmArn, String region, String accountId,
                              AlarmState previous, AlarmState current) {
        Map<String, Object> configuration = new LinkedHashMap<>();
        if (!spec.description().isEmpty()) {
            configuration.put("description", spec.description());
        }
        configuration.put("metrics", metrics(spec));
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("alarmName", spec.name());
        detail.put("configuration", configuration);
        detail.put("previousState", state(previous));
        detail.put("state", state(current));
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "0");
        event.put("id", UUID.nameUUIDFromBytes((alarmArn + "|" + current.timestamp() + "|" + current.value())
                .getBytes(StandardCharsets.UTF_8)).toString());
        event.put("detail-type", "CloudWatch Alarm State Change");
        event.put("source", "aws.cloudwatch");
        event.put("account", accountId);
        event.put("time", EVENT_TIME.format(current.timestamp()));
        event.put("region", region);
        event.put("resources", List.of(alarmArn));
        event.put("detail", detail);
        return Json.write(event);
    }

    /** The alarm's metrics as CloudWatch writes them in events. */
    static List<Object> metrics(AlarmSpec spec) {
        List<Object> out = new ArrayList<>();
        for (AlarmSpec.MetricQuery q : spec.metrics()) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (q.expression() != null) {
                m.put("expression", q.expression());
            }
            m.put("id", q.id());
            if (q.label() != null) {
                m.put("label", q.label());
            }
            if (q.metricStat() != null) {
                AlarmSpec.MetricStat s = q.metricStat();
                Map<String, Object> metric = new LinkedHashMap<>();
                metric.put("dimensions", new LinkedHashMap<>(s.dimensions()));
                metric.put("name", s.metricName());
                metric.put("namespace", s.namespace());
                Map<String, Object> stat = new LinkedHashMap<>();
                stat.put("metric", metric);
                stat.put("period", s.period());
                stat.put("stat", s.stat());
                m.put("metricStat", stat);
            }
            m.put("returnData", q.returnData());
            out.add(m);
        }
        return out;
    }

    private static Map<String, Object> state(AlarmState s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("reason", s.reason());
        if (!s.reasonData().isEmpty()) {
            out.put("reasonData", s.reasonData());
        }
        out.put("timestamp", AlarmEvaluation.AWS_TIMESTAMP.format(s.timestamp()));
        out.put("value", s.value());
        return out;
    }
}

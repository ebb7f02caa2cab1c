package dev.fleetpress.localcloud.cloudwatch;

import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.template.AlarmSpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;

/**
 * One evaluation of an alarm at the end of a period, as CloudWatch makes it: the returned query's
 * datapoints in the last {@code EvaluationPeriods} periods, each breaching or not, and the state they
 * call for with TreatMissingData {@code missing}:
 * <ul>
 *   <li>no datapoint at all: INSUFFICIENT_DATA;</li>
 *   <li>at least {@code DatapointsToAlarm} breaching: ALARM;</li>
 *   <li>fewer datapoints than {@code DatapointsToAlarm}, all of them breaching: ALARM (CloudWatch
 *       evaluates the datapoints present);</li>
 *   <li>otherwise OK.</li>
 * </ul>
 * Metric queries are read one period further back than the window so that {@code RATE} has a point
 * before the window's first. Reasons and reasonData are worded as CloudWatch words them (reasonData:
 * version, queryDate, startDate, statistic for single-metric alarms, period, recentDatapoints oldest
 * first, threshold, and evaluatedDatapoints newest first when there are any).
 */
final class AlarmEvaluation {
    static final DateTimeFormatter AWS_TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxx").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter REASON_TIME = DateTimeFormatter.ofPattern("dd/MM/yy HH:mm:ss").withZone(ZoneOffset.UTC);

    /** A datapoint of the evaluation window: its period's start, value, and whether it breaches. */
    record Datapoint(Instant timestamp, double value, boolean breaching) {
    }

    /** What the evaluation found and the state it calls for. */
    record Outcome(String stateValue, String reason, String reasonData, List<Datapoint> window) {
    }

    private AlarmEvaluation() {
    }

    /** Evaluates {@code spec} over the periods that ended by {@code end} (a period boundary), at query time {@code end}. */
    static Outcome evaluate(AlarmSpec spec, Map<String, MetricExpression> expressions, MetricStore store, Instant end) {
        long period = spec.period();
        int n = spec.evaluationPeriods();
        int m = spec.datapointsToAlarm();
        Instant windowStart = end.minusSeconds(period * n);
        NavigableMap<Instant, Double> returned = series(spec, expressions, store, windowStart.minusSeconds(period), end);
        List<Datapoint> window = new ArrayList<>();
        for (var e : returned.subMap(windowStart, true, end, false).entrySet()) {
            window.add(new Datapoint(e.getKey(), e.getValue(), breaches(spec, e.getValue())));
        }
        int present = window.size();
        long breaching = window.stream().filter(Datapoint::breaching).count();
        String state;
        if (present == 0) {
            state = AlarmState.INSUFFICIENT_DATA;
        } else if (breaching >= m || (present < m && breaching == present)) {
            state = AlarmState.ALARM;
        } else {
            state = AlarmState.OK;
        }
        Instant startDate = window.isEmpty() ? windowStart : window.get(0).timestamp();
        Map<Instant, Double> sampleCounts = spec.isMetricMath() ? Map.of() : sampleCounts(spec, store, windowStart, end);
        return new Outcome(state, reason(spec, state, window), reasonData(spec, end, startDate, window, sampleCounts),
                List.copyOf(window));
    }

    /** The returned query's series between {@code start} and {@code end}. */
    static NavigableMap<Instant, Double> series(AlarmSpec spec, Map<String, MetricExpression> expressions, MetricStore store,
                                                Instant start, Instant end) {
        Map<String, NavigableMap<Instant, Double>> values = new HashMap<>();
        for (AlarmSpec.MetricQuery q : spec.metrics()) {
            if (q.metricStat() != null) {
                AlarmSpec.MetricStat s = q.metricStat();
                values.put(q.id(), store.series(new MetricKey(s.namespace(), s.metricName(), s.dimensions()), s.stat(),
                        s.period(), start, end));
            }
        }
        return resolve(spec.returned().id(), spec, expressions, values, new HashSet<>());
    }

    private static NavigableMap<Instant, Double> resolve(String id, AlarmSpec spec, Map<String, MetricExpression> expressions,
                                                         Map<String, NavigableMap<Instant, Double>> values, Set<String> visiting) {
        NavigableMap<Instant, Double> known = values.get(id);
        if (known != null) {
            return known;
        }
        MetricExpression expression = expressions.get(id);
        if (expression == null) {
            throw new IllegalArgumentException("alarm " + spec.name() + " has no metric query " + id);
        }
        if (!visiting.add(id)) {
            throw new IllegalArgumentException("alarm " + spec.name() + ": expression " + id + " depends on itself");
        }
        for (String ref : expression.references()) {
            resolve(ref, spec, expressions, values, visiting);
        }
        NavigableMap<Instant, Double> result = expression.evaluate(values);
        values.put(id, result);
        return result;
    }

    static boolean breaches(AlarmSpec spec, double value) {
        double t = spec.threshold();
        return switch (spec.comparisonOperator()) {
            case "GreaterThanThreshold" -> value > t;
            case "GreaterThanOrEqualToThreshold" -> value >= t;
            case "LessThanThreshold" -> value < t;
            case "LessThanOrEqualToThreshold" -> value <= t;
            default -> throw new IllegalStateException("unsupported comparison " + spec.comparisonOperator());
        };
    }

    private static String reason(AlarmSpec spec, String state, List<Datapoint> window) {
        int n = spec.evaluationPeriods();
        if (state.equals(AlarmState.INSUFFICIENT_DATA)) {
            return "Insufficient Data: " + n + " datapoint" + (n == 1 ? " was" : "s were") + " unknown.";
        }
        boolean alarm = state.equals(AlarmState.ALARM);
        List<Datapoint> listed = new ArrayList<>();
        for (int i = window.size() - 1; i >= 0; i--) {
            if (window.get(i).breaching() == alarm) {
                listed.add(window.get(i));
            }
        }
        List<String> points = listed.stream()
                .map(d -> d.value() + " (" + REASON_TIME.format(d.timestamp()) + ")").toList();
        int minimum = alarm ? spec.datapointsToAlarm() : n - spec.datapointsToAlarm() + 1;
        String comparison = switch (spec.comparisonOperator()) {
            case "GreaterThanThreshold" -> "greater than";
            case "GreaterThanOrEqualToThreshold" -> "greater than or equal to";
            case "LessThanThreshold" -> "less than";
            default -> "less than or equal to";
        };
        return "Threshold Crossed: " + listed.size() + " out of the last " + n + " datapoint" + (n == 1 ? "" : "s")
                + " [" + String.join(", ", points) + "] " + (listed.size() == 1 ? "was " : "were ") + (alarm ? "" : "not ")
                + comparison + " the threshold (" + spec.threshold() + ") (minimum " + minimum + " datapoint"
                + (minimum == 1 ? "" : "s") + " for " + (alarm ? "OK -> ALARM" : "ALARM -> OK") + " transition).";
    }

    private static Map<Instant, Double> sampleCounts(AlarmSpec spec, MetricStore store, Instant start, Instant end) {
        AlarmSpec.MetricStat s = spec.returned().metricStat();
        return store.series(new MetricKey(s.namespace(), s.metricName(), s.dimensions()), "SampleCount", s.period(), start, end);
    }

    private static String reasonData(AlarmSpec spec, Instant queryDate, Instant startDate, List<Datapoint> window,
                                     Map<Instant, Double> sampleCounts) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("version", "1.0");
        data.put("queryDate", AWS_TIMESTAMP.format(queryDate));
        data.put("startDate", AWS_TIMESTAMP.format(startDate));
        if (!spec.isMetricMath()) {
            data.put("statistic", spec.returned().metricStat().stat());
        }
        data.put("period", spec.period());
        data.put("recentDatapoints", window.stream().map(Datapoint::value).toList());
        data.put("threshold", spec.threshold());
        if (!window.isEmpty()) {
            // Newest first, as CloudWatch lists them; single-metric alarms add each period's sample count.
            List<Object> evaluated = new ArrayList<>();
            for (int i = window.size() - 1; i >= 0; i--) {
                Datapoint d = window.get(i);
                Map<String, Object> point = new LinkedHashMap<>();
                point.put("timestamp", AWS_TIMESTAMP.format(d.timestamp()));
                if (sampleCounts.containsKey(d.timestamp())) {
                    point.put("sampleCount", sampleCounts.get(d.timestamp()));
                }
                point.put("value", d.value());
                evaluated.add(point);
            }
            data.put("evaluatedDatapoints", evaluated);
        }
        return Json.write(data);
    }
}

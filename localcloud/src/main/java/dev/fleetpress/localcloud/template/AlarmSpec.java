package dev.fleetpress.localcloud.template;

import static dev.fleetpress.localcloud.template.Intrinsics.asMap;
import static dev.fleetpress.localcloud.template.Intrinsics.text;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * A CloudWatch metric alarm as {@code AWS::CloudWatch::Alarm} declares it, resolved for the local
 * stack: either metric math ({@code Metrics}: metric queries and expressions, exactly one returning
 * data) or a single metric ({@code Namespace}, {@code MetricName}, {@code Dimensions},
 * {@code Period}, {@code Statistic}), which becomes one metric query as CloudWatch reports it.
 *
 * @param logicalId         the resource's logical id (or a name of the caller's for alarms not in the template)
 * @param name              AlarmName
 * @param description       AlarmDescription, empty when none
 * @param metrics           the metric queries, in template order
 * @param comparisonOperator GreaterThanThreshold, GreaterThanOrEqualToThreshold, LessThanThreshold or LessThanOrEqualToThreshold
 * @param threshold         Threshold
 * @param evaluationPeriods EvaluationPeriods (N)
 * @param datapointsToAlarm DatapointsToAlarm (M), N when not given
 * @param treatMissingData  TreatMissingData, {@code missing} when not given
 */
public record AlarmSpec(String logicalId, String name, String description, List<MetricQuery> metrics,
                        String comparisonOperator, double threshold, int evaluationPeriods, int datapointsToAlarm,
                        String treatMissingData) {
    private static final Set<String> OPERATORS = Set.of("GreaterThanThreshold", "GreaterThanOrEqualToThreshold",
            "LessThanThreshold", "LessThanOrEqualToThreshold");

    public AlarmSpec {
        Objects.requireNonNull(logicalId, "logicalId");
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
        metrics = List.copyOf(metrics);
        if (!OPERATORS.contains(comparisonOperator)) {
            throw new TemplateException("alarm " + name + ": ComparisonOperator " + comparisonOperator
                    + " is not supported locally (" + String.join(", ", OPERATORS.stream().sorted().toList()) + " are)");
        }
        if (evaluationPeriods < 1 || datapointsToAlarm < 1 || datapointsToAlarm > evaluationPeriods) {
            throw new TemplateException("alarm " + name + ": DatapointsToAlarm (" + datapointsToAlarm
                    + ") must be between 1 and EvaluationPeriods (" + evaluationPeriods + ")");
        }
        if (!treatMissingData.equals("missing")) {
            throw new TemplateException("alarm " + name + ": TreatMissingData " + treatMissingData
                    + " is not supported locally (missing is)");
        }
        if (metrics.stream().filter(MetricQuery::returnData).count() != 1) {
            throw new TemplateException("alarm " + name + ": exactly one metric query must have ReturnData true");
        }
        int period = -1;
        for (MetricQuery q : metrics) {
            if (q.metricStat() != null) {
                if (period != -1 && period != q.metricStat().period()) {
                    throw new TemplateException("alarm " + name + ": every metric of an alarm has the same Period locally");
                }
                period = q.metricStat().period();
            }
        }
        if (period == -1) {
            throw new TemplateException("alarm " + name + " has no metric to read");
        }
    }

    /** One entry of an alarm's Metrics: a metric (metricStat) or an expression over others, never both. */
    public record MetricQuery(String id, String label, boolean returnData, MetricStat metricStat, String expression) {
        public MetricQuery {
            Objects.requireNonNull(id, "id");
            if ((metricStat == null) == (expression == null)) {
                throw new TemplateException("metric query " + id + " needs exactly one of MetricStat and Expression");
            }
        }

        /** A metric query. */
        public static MetricQuery metric(String id, boolean returnData, MetricStat stat) {
            return new MetricQuery(id, null, returnData, stat, null);
        }

        /** An expression query. */
        public static MetricQuery expression(String id, String label, boolean returnData, String expression) {
            return new MetricQuery(id, label, returnData, null, expression);
        }
    }

    /** A metric and how to aggregate it: Period in seconds (a multiple of 60), Stat such as Average. */
    public record MetricStat(String namespace, String metricName, Map<String, String> dimensions, int period, String stat) {
        public MetricStat {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(metricName, "metricName");
            Objects.requireNonNull(stat, "stat");
            dimensions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(dimensions));
            if (period <= 0 || period % 60 != 0) {
                throw new TemplateException("Period must be a positive multiple of 60 seconds locally, got " + period);
            }
        }
    }

    /** The period, in seconds, of the alarm's metrics (all the same). */
    public int period() {
        return metrics.stream().filter(q -> q.metricStat() != null).findFirst().orElseThrow().metricStat().period();
    }

    /** The query whose values the alarm compares with its threshold. */
    public MetricQuery returned() {
        return metrics.stream().filter(MetricQuery::returnData).findFirst().orElseThrow();
    }

    /** Whether the alarm is on metric math (its event then has no {@code statistic} in reasonData). */
    public boolean isMetricMath() {
        return metrics.stream().anyMatch(q -> q.expression() != null);
    }

    /** A single-metric alarm, as {@code PutMetricAlarm} with MetricName makes one (for alarms not in the template). */
    public static AlarmSpec singleMetric(String name, String description, MetricStat stat, String comparisonOperator,
                                         double threshold, int evaluationPeriods, int datapointsToAlarm) {
        return new AlarmSpec(name, name, description, List.of(MetricQuery.metric(singleMetricId(name), true, stat)),
                comparisonOperator, threshold, evaluationPeriods, datapointsToAlarm, "missing");
    }

    /** Every {@code AWS::CloudWatch::Alarm} of the template whose Condition holds, in template order. */
    static List<AlarmSpec> read(Template template) {
        List<AlarmSpec> out = new ArrayList<>();
        for (String id : template.resourcesOfType("AWS::CloudWatch::Alarm")) {
            out.add(fromProperties(id, template.resolvedProperties(id)));
        }
        return List.copyOf(out);
    }

    /** An alarm from resolved {@code AWS::CloudWatch::Alarm} properties. */
    static AlarmSpec fromProperties(String logicalId, Map<String, Object> p) {
        String name = p.containsKey("AlarmName") ? text(p.get("AlarmName"), logicalId + ".AlarmName") : logicalId;
        String description = p.containsKey("AlarmDescription") ? text(p.get("AlarmDescription"), logicalId + ".AlarmDescription") : "";
        int periods = integer(p, "EvaluationPeriods", logicalId, null);
        List<MetricQuery> queries = new ArrayList<>();
        if (p.containsKey("Metrics")) {
            if (!(p.get("Metrics") instanceof List<?> list)) {
                throw new TemplateException(logicalId + ".Metrics must be a list");
            }
            for (Object item : list) {
                Map<String, Object> q = asMap(item, logicalId + ".Metrics[]");
                String id = text(q.get("Id"), logicalId + ".Metrics[].Id");
                boolean returnData = !q.containsKey("ReturnData") || Boolean.parseBoolean(text(q.get("ReturnData"), "ReturnData"));
                String label = q.containsKey("Label") ? text(q.get("Label"), "Label") : null;
                if (q.containsKey("Expression")) {
                    queries.add(new MetricQuery(id, label, returnData, null, text(q.get("Expression"), id + ".Expression")));
                } else {
                    Map<String, Object> ms = asMap(q.get("MetricStat"), logicalId + ".Metrics." + id + ".MetricStat");
                    Map<String, Object> metric = asMap(ms.get("Metric"), id + ".MetricStat.Metric");
                    queries.add(new MetricQuery(id, label, returnData, new MetricStat(
                            text(metric.get("Namespace"), id + ".Namespace"), text(metric.get("MetricName"), id + ".MetricName"),
                            dimensions(metric.get("Dimensions"), logicalId),
                            integer(ms, "Period", id, null), text(ms.get("Stat"), id + ".Stat")), null));
                }
            }
        } else {
            MetricStat stat = new MetricStat(text(p.get("Namespace"), logicalId + ".Namespace"),
                    text(p.get("MetricName"), logicalId + ".MetricName"), dimensions(p.get("Dimensions"), logicalId),
                    integer(p, "Period", logicalId, null), text(p.get("Statistic"), logicalId + ".Statistic"));
            queries.add(MetricQuery.metric(singleMetricId(name), true, stat));
        }
        return new AlarmSpec(logicalId, name, description, queries,
                text(p.get("ComparisonOperator"), logicalId + ".ComparisonOperator"),
                Double.parseDouble(text(p.get("Threshold"), logicalId + ".Threshold")),
                periods, integer(p, "DatapointsToAlarm", logicalId, periods),
                p.containsKey("TreatMissingData") ? text(p.get("TreatMissingData"), "TreatMissingData") : "missing");
    }

    /** CloudWatch names a single-metric alarm's one query with an id of its own; this one is stable per alarm name. */
    private static String singleMetricId(String alarmName) {
        return UUID.nameUUIDFromBytes(alarmName.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static Map<String, String> dimensions(Object node, String logicalId) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null) {
            return out;
        }
        if (!(node instanceof List<?> list)) {
            throw new TemplateException(logicalId + ": Dimensions must be a list of Name/Value");
        }
        for (Object item : list) {
            Map<String, Object> d = asMap(item, logicalId + ".Dimensions[]");
            out.put(text(d.get("Name"), "Dimension Name"), text(d.get("Value"), "Dimension Value"));
        }
        return out;
    }

    private static int integer(Map<String, Object> map, String key, String owner, Integer fallback) {
        Object v = map.get(key);
        if (v == null) {
            if (fallback == null) {
                throw new TemplateException(owner + " has no " + key);
            }
            return fallback;
        }
        try {
            return Integer.parseInt(text(v, owner + "." + key));
        } catch (NumberFormatException e) {
            throw new TemplateException(owner + "." + key + " must be a whole number, got " + v);
        }
    }
}

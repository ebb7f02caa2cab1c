package dev.fleetpress.localcloud.cloudwatch;

import dev.fleetpress.localcloud.template.AlarmSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsRequest;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.MetricStat;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;
import software.amazon.awssdk.services.cloudwatch.model.StatusCode;

/**
 * CloudWatch for one machine, behind the SDK's own {@link CloudWatchClient} interface, and the owner
 * of localcloud's simulated time: {@link #advance} moves the {@link SimulatedClock} minute by minute,
 * has every {@link MetricSource} publish what is due (EFS credit balances), evaluates each alarm at
 * the end of each of its periods ({@link AlarmEvaluation}: metric math or a single metric, M out of
 * N, TreatMissingData missing) and, on every state change, puts AWS's
 * {@code CloudWatch Alarm State Change} event on the event bus ({@link AlarmEvents}), then waits for
 * the bus to settle (so functions handle the event at the simulated time it happened).
 *
 * <p>Alarms come from template.yaml; {@link #addAlarm} evaluates one more (a comparison alarm in a
 * benchmark). {@link #history} tells when each alarm changed state. Implemented operations:
 * {@code GetMetricData} (MetricStat queries of any stat the store knows, periods that are multiples of
 * 60, expressions as the alarms support them; results newest first unless ScanBy says otherwise) and
 * {@code DescribeAlarms} (by names, prefix, state); invalid requests answer CloudWatch's modeled
 * exceptions ({@code InvalidParameterValue}, {@code MissingParameter}), and {@link #failNext} makes calls
 * answer its internal error. Every other operation is the SDK's default, which throws
 * {@link UnsupportedOperationException}. Thread-safe; {@link #advance} runs one at a time.
 */
public final class LocalCloudWatch implements CloudWatchClient {
    private final SimulatedClock clock;
    private final MetricStore metrics;
    private final String region;
    private final String accountId;
    private final Consumer<String> eventBus;
    private final List<MetricSource> sources = new CopyOnWriteArrayList<>();
    private final List<Ticker> tickers = new CopyOnWriteArrayList<>();
    private final Map<String, Alarm> alarms = new LinkedHashMap<>();
    private final Object advancing = new Object();
    private volatile Runnable settle = () -> { };
    private int failuresToInject;

    private record Ticker(long everySeconds, Consumer<Instant> action) {
    }

    /** An alarm's definition, parsed expressions, state and transitions; guarded by the LocalCloudWatch monitor. */
    private static final class Alarm {
        final AlarmSpec spec;
        final String arn;
        final Map<String, MetricExpression> expressions;
        final List<StateChange> history = new ArrayList<>();
        AlarmState state;

        Alarm(AlarmSpec spec, String arn, Map<String, MetricExpression> expressions, AlarmState state) {
            this.spec = spec;
            this.arn = arn;
            this.expressions = expressions;
            this.state = state;
        }
    }

    private LocalCloudWatch(SimulatedClock clock, MetricStore metrics, String region, String accountId, Consumer<String> eventBus) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.region = Objects.requireNonNull(region, "region");
        this.accountId = Objects.requireNonNull(accountId, "accountId");
        this.eventBus = Objects.requireNonNull(eventBus, "eventBus");
    }

    /**
     * CloudWatch on {@code clock} over {@code metrics}, putting alarm events on {@code eventBus} (the
     * event JSON); {@code region} and {@code accountId} make alarm ARNs and event envelopes.
     */
    public static LocalCloudWatch create(SimulatedClock clock, MetricStore metrics, String region, String accountId,
                                         Consumer<String> eventBus) {
        return new LocalCloudWatch(clock, metrics, region, accountId, eventBus);
    }

    @Override
    public String serviceName() {
        return CloudWatchClient.SERVICE_NAME;
    }

    @Override
    public void close() {
        // Nothing to release: the metrics and alarms live as long as the local cloud.
    }

    // ------------------------------------------------------------------ simulated time

    /** The simulated clock this CloudWatch moves. */
    public SimulatedClock clock() {
        return clock;
    }

    /** The metric samples. */
    public MetricStore metrics() {
        return metrics;
    }

    /** Adds a publisher of metrics that {@link #advance} and reads keep up to date. */
    public void addSource(MetricSource source) {
        sources.add(Objects.requireNonNull(source, "source"));
    }

    /**
     * What {@link #advance} runs after putting a minute's alarm events and after running a minute's
     * tickers: localcloud waits there until the event bus and the functions it invoked are idle.
     */
    public void onSettle(Runnable settle) {
        this.settle = Objects.requireNonNull(settle, "settle");
    }

    /**
     * Runs {@code action} with the simulated instant at every multiple of {@code every} (a whole
     * number of minutes) since the epoch that {@link #advance} passes, after the alarms of that minute
     * (for scheduled functions that should follow simulated time).
     */
    public void every(Duration every, Consumer<Instant> action) {
        if (every.isZero() || every.isNegative() || every.getSeconds() % 60 != 0 || every.getNano() != 0) {
            throw new IllegalArgumentException("a ticker runs every whole number of minutes, not " + every);
        }
        tickers.add(new Ticker(every.getSeconds(), Objects.requireNonNull(action, "action")));
    }

    /**
     * Moves simulated time forward by {@code amount}, one minute boundary at a time: sources publish,
     * alarms whose period ends there are evaluated (state changes put their events on the bus and the
     * settle hook waits for the functions), then tickers run (and the functions settle again). Returns
     * the new instant.
     * A simulated day takes well under a second of CPU when nothing reacts.
     */
    public Instant advance(Duration amount) {
        if (amount.isNegative()) {
            throw new IllegalArgumentException("simulated time cannot go backwards (asked to move by " + amount + ")");
        }
        synchronized (advancing) {
            Instant target = clock.instant().plus(amount);
            while (clock.instant().isBefore(target)) {
                Instant nextMinute = clock.instant().truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
                Instant step = nextMinute.isBefore(target) ? nextMinute : target;
                clock.moveTo(step);
                for (MetricSource source : sources) {
                    source.publishUntil(step);
                }
                if (step.equals(nextMinute)) {
                    onMinute(step);
                }
            }
            return clock.instant();
        }
    }

    /**
     * One minute boundary: alarms whose period ends here are evaluated and their events put, then the
     * functions settle; then tickers run, and the functions settle again. Events are handled before
     * the schedules of the same minute, so a simulated run is repeatable.
     */
    private void onMinute(Instant minute) {
        long epochSecond = minute.getEpochSecond();
        List<String> events = new ArrayList<>();
        synchronized (this) {
            for (Alarm alarm : alarms.values()) {
                if (epochSecond % alarm.spec.period() == 0) {
                    String event = evaluate(alarm, minute);
                    if (event != null) {
                        events.add(event);
                    }
                }
            }
        }
        if (!events.isEmpty()) {
            events.forEach(eventBus);
            settle.run();
        }
        boolean ticked = false;
        for (Ticker ticker : tickers) {
            if (epochSecond % ticker.everySeconds() == 0) {
                ticker.action().accept(minute);
                ticked = true;
            }
        }
        if (ticked) {
            settle.run();
        }
    }

    /** Evaluates one alarm; returns the event to put when its state changed, else null. */
    private String evaluate(Alarm alarm, Instant now) {
        AlarmEvaluation.Outcome outcome = AlarmEvaluation.evaluate(alarm.spec, alarm.expressions, metrics, now);
        if (outcome.stateValue().equals(alarm.state.value())) {
            return null;
        }
        AlarmState next = new AlarmState(outcome.stateValue(), outcome.reason(), outcome.reasonData(), now);
        String event = AlarmEvents.stateChange(alarm.spec, alarm.arn, region, accountId, alarm.state, next);
        alarm.history.add(new StateChange(alarm.spec.name(), alarm.state, next, event));
        alarm.state = next;
        return event;
    }

    // ------------------------------------------------------------------ alarms

    /**
     * Adds an alarm (the template's, or one more to compare with them); it starts in INSUFFICIENT_DATA
     * ("Unchecked: Initial alarm creation") now and is first evaluated at the end of its next period.
     * Its expressions are parsed here, so an unsupported one fails at once.
     */
    public synchronized void addAlarm(AlarmSpec spec) {
        if (alarms.containsKey(spec.name())) {
            throw new IllegalArgumentException("an alarm named " + spec.name() + " already exists");
        }
        Map<String, MetricExpression> expressions = new HashMap<>();
        for (AlarmSpec.MetricQuery q : spec.metrics()) {
            if (q.expression() != null) {
                try {
                    expressions.put(q.id(), MetricExpression.parse(q.expression()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("alarm " + spec.name() + ", metric " + q.id() + ": " + e.getMessage(), e);
                }
            }
        }
        alarms.put(spec.name(), new Alarm(spec, alarmArn(spec.name()), expressions, AlarmState.initial(clock.instant())));
    }

    /** The names of every alarm, in the order they were added. */
    public synchronized List<String> alarmNames() {
        return List.copyOf(alarms.keySet());
    }

    /** The alarm's current state; fails naming an unknown alarm. */
    public synchronized AlarmState state(String alarmName) {
        return alarm(alarmName).state;
    }

    /** Every state change of the alarm, oldest first (the initial state is not a change). */
    public synchronized List<StateChange> history(String alarmName) {
        return List.copyOf(alarm(alarmName).history);
    }

    /** Every state change of every alarm, in time order (alarms in the order added within a minute). */
    public synchronized List<StateChange> history() {
        List<StateChange> all = new ArrayList<>();
        alarms.values().forEach(a -> all.addAll(a.history));
        all.sort((a, b) -> a.at().compareTo(b.at()));
        return Collections.unmodifiableList(all);
    }

    /** The alarm's ARN as CloudWatch forms it. */
    public String alarmArn(String alarmName) {
        return "arn:aws:cloudwatch:" + region + ":" + accountId + ":alarm:" + alarmName;
    }

    private Alarm alarm(String name) {
        Alarm alarm = alarms.get(name);
        if (alarm == null) {
            throw new IllegalArgumentException("no alarm named " + name + " (alarms: " + alarms.keySet() + ")");
        }
        return alarm;
    }

    // ------------------------------------------------------------------ the API

    /**
     * The next {@code calls} API calls (GetMetricData, DescribeAlarms) answer CloudWatch's internal
     * error (500), so callers' error paths can be exercised. Alarm evaluation is not affected.
     */
    public synchronized void failNext(int calls) {
        if (calls < 0) {
            throw new IllegalArgumentException("calls cannot be negative, got " + calls);
        }
        failuresToInject = calls;
    }

    private synchronized void injectedFault(String operation) {
        if (failuresToInject > 0) {
            failuresToInject--;
            throw CloudWatchErrors.internalFailure("localcloud injected an internal error into " + operation
                    + " (" + failuresToInject + " more to come)");
        }
    }

    @Override
    public synchronized DescribeAlarmsResponse describeAlarms(DescribeAlarmsRequest request) {
        injectedFault("DescribeAlarms");
        List<MetricAlarm> out = new ArrayList<>();
        for (Alarm alarm : alarms.values()) {
            String name = alarm.spec.name();
            if (request.hasAlarmNames() && !request.alarmNames().contains(name)) {
                continue;
            }
            if (request.alarmNamePrefix() != null && !name.startsWith(request.alarmNamePrefix())) {
                continue;
            }
            if (request.stateValue() != null && !request.stateValueAsString().equals(alarm.state.value())) {
                continue;
            }
            out.add(describe(alarm));
        }
        return DescribeAlarmsResponse.builder().metricAlarms(out).build();
    }

    private MetricAlarm describe(Alarm alarm) {
        AlarmSpec spec = alarm.spec;
        MetricAlarm.Builder b = MetricAlarm.builder()
                .alarmName(spec.name())
                .alarmArn(alarm.arn)
                .alarmDescription(spec.description().isEmpty() ? null : spec.description())
                .actionsEnabled(true)
                .stateValue(alarm.state.value())
                .stateReason(alarm.state.reason())
                .stateReasonData(alarm.state.reasonData().isEmpty() ? null : alarm.state.reasonData())
                .stateUpdatedTimestamp(alarm.state.timestamp())
                .stateTransitionedTimestamp(alarm.state.timestamp())
                .comparisonOperator(spec.comparisonOperator())
                .threshold(spec.threshold())
                .evaluationPeriods(spec.evaluationPeriods())
                .datapointsToAlarm(spec.datapointsToAlarm())
                .treatMissingData(spec.treatMissingData());
        if (spec.isMetricMath()) {
            List<MetricDataQuery> queries = new ArrayList<>();
            for (AlarmSpec.MetricQuery q : spec.metrics()) {
                MetricDataQuery.Builder qb = MetricDataQuery.builder().id(q.id()).label(q.label()).returnData(q.returnData());
                if (q.expression() != null) {
                    qb.expression(q.expression());
                } else {
                    qb.metricStat(sdkStat(q.metricStat()));
                }
                queries.add(qb.build());
            }
            b.metrics(queries);
        } else {
            AlarmSpec.MetricStat s = spec.returned().metricStat();
            b.namespace(s.namespace()).metricName(s.metricName()).dimensions(sdkDimensions(s.dimensions()))
                    .period(s.period()).statistic(s.stat());
        }
        return b.build();
    }

    @Override
    public GetMetricDataResponse getMetricData(GetMetricDataRequest request) {
        injectedFault("GetMetricData");
        if (request.startTime() == null || request.endTime() == null) {
            throw CloudWatchErrors.missingParameter("GetMetricData needs StartTime and EndTime");
        }
        if (!request.startTime().isBefore(request.endTime())) {
            throw CloudWatchErrors.invalidParameterValue("The parameter StartTime must be less than the parameter EndTime.");
        }
        try {
            return metricData(request);
        } catch (IllegalArgumentException e) {
            throw CloudWatchErrors.invalidParameterValue(e.getMessage());
        }
    }

    private GetMetricDataResponse metricData(GetMetricDataRequest request) {
        Instant now = clock.instant();
        for (MetricSource source : sources) {
            source.publishUntil(now);
        }
        Map<String, NavigableMap<Instant, Double>> values = new HashMap<>();
        Map<String, MetricExpression> expressions = new LinkedHashMap<>();
        for (MetricDataQuery q : request.metricDataQueries()) {
            if (q.metricStat() != null) {
                MetricStat s = q.metricStat();
                Map<String, String> dimensions = new LinkedHashMap<>();
                s.metric().dimensions().forEach(d -> dimensions.put(d.name(), d.value()));
                values.put(q.id(), metrics.series(new MetricKey(s.metric().namespace(), s.metric().metricName(), dimensions),
                        s.stat(), s.period(), request.startTime(), request.endTime()));
            } else if (q.expression() != null) {
                expressions.put(q.id(), MetricExpression.parse(q.expression()));
            } else {
                throw new IllegalArgumentException("metric data query " + q.id() + " has neither MetricStat nor Expression");
            }
        }
        expressions.forEach((id, e) -> values.put(id, e.evaluate(values)));
        boolean ascending = request.scanBy() == ScanBy.TIMESTAMP_ASCENDING;
        List<MetricDataResult> results = new ArrayList<>();
        for (MetricDataQuery q : request.metricDataQueries()) {
            if (Boolean.FALSE.equals(q.returnData())) {
                continue;
            }
            NavigableMap<Instant, Double> series = ascending ? values.get(q.id()) : values.get(q.id()).descendingMap();
            String label = q.label() != null ? q.label() : q.metricStat() != null ? q.metricStat().metric().metricName() : q.id();
            results.add(MetricDataResult.builder().id(q.id()).label(label)
                    .timestamps(new ArrayList<>(series.keySet())).values(new ArrayList<>(series.values()))
                    .statusCode(StatusCode.COMPLETE).build());
        }
        return GetMetricDataResponse.builder().metricDataResults(results).build();
    }

    private static MetricStat sdkStat(AlarmSpec.MetricStat s) {
        return MetricStat.builder()
                .metric(Metric.builder().namespace(s.namespace()).metricName(s.metricName()).dimensions(sdkDimensions(s.dimensions())).build())
                .period(s.period()).stat(s.stat()).build();
    }

    private static List<Dimension> sdkDimensions(Map<String, String> dimensions) {
        return dimensions.entrySet().stream().map(e -> Dimension.builder().name(e.getKey()).value(e.getValue()).build()).toList();
    }
}

package dev.fleetpress.localcloud.schedule;

import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.template.FunctionSpec;
import dev.fleetpress.localcloud.template.ScheduleTrigger;
import dev.fleetpress.localcloud.template.StackContext;
import dev.fleetpress.localcloud.template.Template;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The EventBridge schedule rules of template.yaml for one machine: every function's {@code Schedule}
 * event fires the function with EventBridge's Scheduled Event (or the event's constant
 * {@code Input}), on its {@code rate(...)} or {@code cron(...)} in UTC once {@link #start()} is
 * called, and at once on {@link #tick(String)}.
 *
 * <p>Time runs {@code secondLength} per EventBridge second: one second is real time; one millisecond
 * makes {@code rate(2 minutes)} fire every 120 ms. Schedules run on a virtual clock that starts at the
 * real time and advances at that speed, so cron expressions keep their meaning; the event's
 * {@code time} is the real time it fired, which handlers compare with their own clocks. Disabled
 * schedules never fire on their own. Every expression is parsed when the scheduler is created, so an
 * invalid or unsupported one fails at once, naming the function and event.
 *
 * <p>{@code invoke} takes the function's logical id and the payload; it should hand the payload to an
 * asynchronous invocation, as EventBridge does. When it throws, the failure is kept in
 * {@link #failures()}. Thread-safe.
 */
public final class LocalScheduler implements AutoCloseable {
    private static final DateTimeFormatter EVENT_TIME = DateTimeFormatter.ISO_INSTANT;
    private static final int MAX_RULE_NAME = 64;

    private final List<ScheduledRule> rules;
    private final StackContext stack;
    private final BiConsumer<String, String> invoke;
    private final Duration secondLength;
    private final Clock clock = Clock.systemUTC();
    private final ScheduledThreadPoolExecutor executor;
    private final AtomicLong fired = new AtomicLong();
    private final List<ScheduleFailure> failures = new CopyOnWriteArrayList<>();
    private volatile Instant virtualOrigin;
    private volatile long startNanos;

    private LocalScheduler(List<ScheduledRule> rules, StackContext stack, BiConsumer<String, String> invoke,
                           Duration secondLength) {
        this.rules = List.copyOf(rules);
        this.stack = stack;
        this.invoke = Objects.requireNonNull(invoke, "invoke");
        this.secondLength = Objects.requireNonNull(secondLength, "secondLength");
        if (secondLength.isNegative() || secondLength.isZero()) {
            throw new IllegalArgumentException("secondLength must be positive, got " + secondLength);
        }
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "localcloud-scheduler-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
    }

    /**
     * The schedules of every function of {@code template}; nothing fires before {@link #start()}.
     *
     * @param secondLength how long one EventBridge second lasts here
     * @throws IllegalArgumentException when a schedule expression is invalid or unsupported
     */
    public static LocalScheduler create(Template template, BiConsumer<String, String> invoke, Duration secondLength) {
        StackContext stack = template.context();
        List<ScheduledRule> rules = new ArrayList<>();
        for (FunctionSpec function : template.functions()) {
            for (ScheduleTrigger trigger : function.schedules()) {
                ScheduleExpression expression;
                try {
                    expression = ScheduleExpression.parse(trigger.expression());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(function.logicalId() + ".Events." + trigger.eventName() + ": "
                            + e.getMessage(), e);
                }
                String name = stack.stackName() + "-" + function.logicalId() + trigger.eventName();
                name = name.length() > MAX_RULE_NAME ? name.substring(0, MAX_RULE_NAME) : name;
                String arn = "arn:" + stack.partition() + ":events:" + stack.region() + ":" + stack.accountId() + ":rule/" + name;
                rules.add(new ScheduledRule(function.logicalId(), trigger.eventName(), name, arn, expression,
                        trigger.input(), trigger.enabled()));
            }
        }
        return new LocalScheduler(rules, stack, invoke, secondLength);
    }

    /** Every schedule rule, in template order. */
    public List<ScheduledRule> rules() {
        return rules;
    }

    /** Starts the timers of the enabled schedules; calling it again does nothing. */
    public synchronized void start() {
        if (virtualOrigin != null) {
            return;
        }
        virtualOrigin = clock.instant();
        startNanos = System.nanoTime();
        for (ScheduledRule rule : rules) {
            if (rule.enabled()) {
                scheduleAfter(rule, virtualOrigin);
            }
        }
    }

    /**
     * Fires every enabled schedule of the function now, as if its time had come, and returns the
     * payloads it was invoked with.
     *
     * @throws IllegalArgumentException when the function has no schedule
     * @throws IllegalStateException    when all its schedules are disabled
     */
    public List<String> tick(String functionLogicalId) {
        List<ScheduledRule> own = rules.stream().filter(r -> r.functionLogicalId().equals(functionLogicalId)).toList();
        if (own.isEmpty()) {
            throw new IllegalArgumentException(functionLogicalId + " has no Schedule event; functions with one: "
                    + rules.stream().map(ScheduledRule::functionLogicalId).distinct().toList());
        }
        List<String> payloads = new ArrayList<>();
        for (ScheduledRule rule : own) {
            if (rule.enabled()) {
                payloads.add(fire(rule));
            }
        }
        if (payloads.isEmpty()) {
            throw new IllegalStateException("every Schedule event of " + functionLogicalId + " is disabled in template.yaml");
        }
        return Collections.unmodifiableList(payloads);
    }

    /** How many times schedules have fired (timers and ticks). */
    public long fired() {
        return fired.get();
    }

    /** Invocations whose invoke call threw, oldest first. */
    public List<ScheduleFailure> failures() {
        return Collections.unmodifiableList(new ArrayList<>(failures));
    }

    /** Stops the timers; a running invocation finishes. */
    @Override
    public void close() {
        executor.shutdownNow();
    }

    /** EventBridge's Scheduled Event for {@code rule}, with a fresh id and the current time. */
    private String scheduledEvent(ScheduledRule rule) {
        return Json.write(Json.object(
                "version", "0",
                "id", UUID.randomUUID().toString(),
                "detail-type", "Scheduled Event",
                "source", "aws.events",
                "account", stack.accountId(),
                "time", EVENT_TIME.format(clock.instant().truncatedTo(ChronoUnit.SECONDS)),
                "region", stack.region(),
                "resources", List.of(rule.ruleArn()),
                "detail", Json.object()));
    }

    private String fire(ScheduledRule rule) {
        String payload = rule.input().isEmpty() ? scheduledEvent(rule) : rule.input();
        fired.incrementAndGet();
        try {
            invoke.accept(rule.functionLogicalId(), payload);
        } catch (RuntimeException e) {
            failures.add(new ScheduleFailure(rule.ruleName(), payload, e));
        }
        return payload;
    }

    /** Schedules the rule's next firing after the virtual instant {@code after}. */
    private void scheduleAfter(ScheduledRule rule, Instant after) {
        Optional<Instant> next = rule.expression().next(after);
        if (next.isEmpty()) {
            return;
        }
        Duration wait = Duration.between(virtualNow(), next.get());
        long delayNanos = Math.max(0, (long) (wait.toNanos() / 1e9 * secondLength.toNanos()));
        try {
            executor.schedule(() -> {
                try {
                    fire(rule);
                } finally {
                    // Even an Error from invoke must not end the rule: EventBridge keeps firing regardless.
                    scheduleAfter(rule, next.get());
                }
            }, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            // close() was called: the rule stops, as a deleted EventBridge rule does.
        }
    }

    private Instant virtualNow() {
        double elapsedSeconds = (System.nanoTime() - startNanos) / (double) secondLength.toNanos();
        return virtualOrigin.plusNanos((long) (elapsedSeconds * 1e9));
    }
}

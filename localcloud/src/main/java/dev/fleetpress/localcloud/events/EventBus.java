package dev.fleetpress.localcloud.events;

import dev.fleetpress.json.Json;
import dev.fleetpress.json.JsonException;
import dev.fleetpress.localcloud.template.EventRule;
import dev.fleetpress.localcloud.template.FunctionSpec;
import dev.fleetpress.localcloud.template.RetryPolicy;
import dev.fleetpress.localcloud.template.StackContext;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.event.ruler.Machine;

/**
 * EventBridge's default bus for localcloud. Its rules are every function's {@code EventBridgeRule}
 * events in template.yaml, matched by AWS's own engine (event-ruler), so an event reaches locally
 * exactly the functions it would reach on AWS.
 *
 * <p>{@link #put} validates the envelope, applies the {@link FaultPlan} of the event's source (drop,
 * duplicate, delay), matches, and returns at once; deliveries run on a bounded pool of threads. A
 * delivery whose target throws is retried, with exponential backoff compressed to local time:
 * function errors as Lambda's asynchronous invocation retries them (the function's
 * {@code EventInvokeConfig}, 2 retries by default), {@link TargetUnavailableException} as
 * EventBridge retries an undeliverable event (the rule's {@code RetryPolicy}). After the last retry
 * the delivery lands in {@link #deadLetters()}. Maximum event ages are not enforced: local time is
 * compressed, so they would never expire anyway.
 */
public final class EventBus implements AutoCloseable {
    private static final int DECISIONS_KEPT = 1000;
    private final Machine machine = new Machine();
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    private final Target target;
    private final FaultPlan faults;
    private final Random dice;
    private final StackContext stack;
    private final Duration retryBackoff;
    private final int maxPending;
    private final ScheduledThreadPoolExecutor executor;

    private final Object idle = new Object();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong matched = new AtomicLong();
    private final AtomicLong duplicated = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
    /** The latest decisions only: a long CLI session must not grow without bound. */
    private final Deque<FaultDecision> decisions = new ConcurrentLinkedDeque<>();

    private EventBus(Builder b) {
        this.target = Objects.requireNonNull(b.target, "target");
        this.faults = b.faults;
        this.dice = new Random(b.faults.seed());
        this.stack = b.stack;
        this.retryBackoff = b.retryBackoff;
        this.maxPending = b.maxPending;
        for (FunctionSpec function : b.functions) {
            for (EventRule rule : function.eventRules()) {
                Subscription s = new Subscription(function.logicalId(), function.logicalId() + "." + rule.name(), rule,
                        function.asyncInvoke());
                try {
                    machine.addRule(s.ruleName(), rule.patternJson());
                } catch (Exception e) {
                    throw new IllegalArgumentException("event pattern of " + s.ruleName() + " is not a valid EventBridge pattern: "
                            + e.getMessage() + " (pattern " + rule.patternJson() + ")", e);
                }
                subscriptions.put(s.ruleName(), s);
            }
        }
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = new ScheduledThreadPoolExecutor(b.threads, r -> {
            Thread t = new Thread(r, "localcloud-eventbus-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
    }

    /** A bus delivering to {@code target}; add the functions whose rules it routes with {@link Builder#functions}. */
    public static Builder builder(Target target) {
        return new Builder(target);
    }

    /**
     * Accepts one event (the JSON EventBridge delivers, or at least {@code source}, {@code detail-type}
     * and an object {@code detail}; missing {@code version}, {@code id}, {@code account}, {@code time},
     * {@code region} and {@code resources} are filled in as PutEvents does) and returns its id.
     *
     * @throws IllegalArgumentException when the envelope is invalid
     * @throws IllegalStateException    when too many deliveries are pending
     */
    public String put(String eventJson) {
        Envelope event = envelope(eventJson);
        if (pending.get() >= maxPending) {
            throw new IllegalStateException("event bus backlog is full (" + maxPending + " deliveries pending): "
                    + "a target is slower than the events arrive");
        }
        received.incrementAndGet();
        FaultDecision decision = decide(event);
        decisions.addLast(decision);
        while (decisions.size() > DECISIONS_KEPT) {
            decisions.pollFirst();
        }
        if (decision.dropped()) {
            dropped.incrementAndGet();
            return event.id();
        }
        duplicated.addAndGet(decision.copies() - 1L);
        for (String ruleName : match(event.json())) {
            matched.incrementAndGet();
            Subscription s = subscriptions.get(ruleName);
            for (Duration delay : decision.delays()) {
                schedule(new Delivery(s, event.json(), 1, 0), delay);
            }
        }
        return event.id();
    }

    /** The functions an event would reach, in rule order, without delivering it (for template checks). */
    public List<String> matchingFunctions(String eventJson) {
        Envelope event = envelope(eventJson);
        LinkedHashSet<String> functions = new LinkedHashSet<>();
        for (String ruleName : match(event.json())) {
            functions.add(subscriptions.get(ruleName).functionLogicalId());
        }
        return List.copyOf(functions);
    }

    /**
     * Waits until nothing is queued, delayed, retrying or in flight.
     *
     * @return true when the bus went idle, false when {@code timeout} passed first
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (pending.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
            return true;
        }
    }

    public BusCounters counters() {
        return new BusCounters(received.get(), dropped.get(), matched.get(), duplicated.get(), delivered.get(),
                retried.get(), deadLettered.get());
    }

    /** Deliveries given up after their retries, oldest first. */
    public List<DeadLetter> deadLetters() {
        return Collections.unmodifiableList(new ArrayList<>(deadLetters));
    }

    /** The fault plan's decisions for the latest put events (up to 1,000), in put order. */
    public List<FaultDecision> faultDecisions() {
        return Collections.unmodifiableList(new ArrayList<>(decisions));
    }

    /** Stops delivering; pending deliveries are abandoned. */
    @Override
    public void close() {
        executor.shutdownNow();
        synchronized (idle) {
            pending.set(0);
            idle.notifyAll();
        }
    }

    private List<String> match(String eventJson) {
        try {
            return machine.rulesForJSONEvent(eventJson);
        } catch (Exception e) {
            throw new IllegalArgumentException("event-ruler cannot read the event: " + e.getMessage(), e);
        }
    }

    /** Rolls the dice in put order on the caller's thread, which keeps a seeded plan deterministic. */
    private FaultDecision decide(Envelope event) {
        SourceFaults f = faults.forSource(event.source());
        synchronized (dice) {
            if (f.dropProbability() > 0 && dice.nextDouble() < f.dropProbability()) {
                return new FaultDecision(event.id(), event.source(), true, 0, List.of());
            }
            int copies = f.duplicateProbability() > 0 && dice.nextDouble() < f.duplicateProbability() ? 2 : 1;
            List<Duration> delays = new ArrayList<>(copies);
            long spread = f.maxDelay().toMillis() - f.minDelay().toMillis();
            for (int i = 0; i < copies; i++) {
                long extra = spread > 0 ? (long) (dice.nextDouble() * (spread + 1)) : 0;
                delays.add(f.minDelay().plusMillis(extra));
            }
            return new FaultDecision(event.id(), event.source(), false, copies, delays);
        }
    }

    private void schedule(Delivery delivery, Duration delay) {
        pending.incrementAndGet();
        try {
            executor.schedule(() -> run(delivery), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            finished();
        }
    }

    private void run(Delivery d) {
        try {
            target.invoke(d.subscription().functionLogicalId(), d.eventJson());
            delivered.incrementAndGet();
        } catch (TargetUnavailableException e) {
            retryOrDeadLetter(d, e, d.subscription().rule().retryPolicy(), true);
        } catch (Exception | Error e) {
            retryOrDeadLetter(d, e, d.subscription().asyncInvoke(), false);
        } finally {
            finished();
        }
    }

    private void retryOrDeadLetter(Delivery d, Throwable error, RetryPolicy policy, boolean undeliverable) {
        int retriesSoFar = undeliverable ? d.deliveryRetries() : d.attempt() - 1 - d.deliveryRetries();
        if (retriesSoFar < policy.maximumRetryAttempts()) {
            retried.incrementAndGet();
            int attempt = d.attempt() + 1;
            long factor = 1L << Math.min(retriesSoFar, 4);
            schedule(new Delivery(d.subscription(), d.eventJson(), attempt,
                    d.deliveryRetries() + (undeliverable ? 1 : 0)), retryBackoff.multipliedBy(factor));
            return;
        }
        deadLettered.incrementAndGet();
        String reason = undeliverable
                ? "EventBridge could not deliver to " + d.subscription().functionLogicalId() + " after "
                        + d.attempt() + " attempts: " + error.getMessage()
                : d.subscription().functionLogicalId() + " failed " + d.attempt()
                        + " times (Lambda asynchronous invocation: 1 attempt + " + policy.maximumRetryAttempts()
                        + " retries): " + error;
        deadLetters.add(new DeadLetter(d.subscription().functionLogicalId(), d.subscription().ruleName(), d.eventJson(),
                d.attempt(), reason, error, undeliverable && d.subscription().rule().deadLetterQueue()));
    }

    private void finished() {
        if (pending.decrementAndGet() <= 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    private Envelope envelope(String eventJson) {
        Json.Node node;
        try {
            node = Json.parse(eventJson);
        } catch (JsonException e) {
            throw new IllegalArgumentException("event is not JSON: " + e.getMessage(), e);
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("event must be a JSON object, got " + eventJson);
        }
        String source = requiredText(node, "source");
        requiredText(node, "detail-type");
        if (node.find("detail").filter(Json.Node::isObject).isEmpty()) {
            throw new IllegalArgumentException("event has no detail object: EventBridge requires detail to be a JSON object");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Json.Node> fields = node.fields();
        String id = fields.containsKey("id") ? fields.get("id").asText() : UUID.randomUUID().toString();
        out.put("version", fields.containsKey("version") ? fields.get("version") : "0");
        out.put("id", id);
        out.put("detail-type", fields.get("detail-type"));
        out.put("source", source);
        out.put("account", fields.containsKey("account") ? fields.get("account") : stack.accountId());
        out.put("time", fields.containsKey("time") ? fields.get("time")
                : Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        out.put("region", fields.containsKey("region") ? fields.get("region") : stack.region());
        out.put("resources", fields.containsKey("resources") ? fields.get("resources") : List.of());
        fields.forEach(out::putIfAbsent);
        return new Envelope(id, source, Json.write(out));
    }

    private static String requiredText(Json.Node node, String field) {
        return node.find(field).filter(Json.Node::isString).map(Json.Node::asText).filter(s -> !s.isBlank())
                .orElseThrow(() -> new IllegalArgumentException("event has no " + field
                        + ": EventBridge requires source, detail-type and detail"));
    }

    private record Envelope(String id, String source, String json) {
    }

    private record Subscription(String functionLogicalId, String ruleName, EventRule rule, RetryPolicy asyncInvoke) {
    }

    /**
     * One attempt at one delivery.
     *
     * @param attempt         1 for the first try
     * @param deliveryRetries how many of the earlier attempts failed as undeliverable (EventBridge's retries)
     */
    private record Delivery(Subscription subscription, String eventJson, int attempt, int deliveryRetries) {
    }

    /** Configures an {@link EventBus}. */
    public static final class Builder {
        private final Target target;
        private final List<FunctionSpec> functions = new ArrayList<>();
        private FaultPlan faults = FaultPlan.none();
        private StackContext stack = StackContext.local();
        private Duration retryBackoff = Duration.ofMillis(10);
        private int threads = 4;
        private int maxPending = 10_000;

        private Builder(Target target) {
            this.target = Objects.requireNonNull(target, "target");
        }

        /** Routes the EventBridgeRule events of these functions. */
        public Builder functions(List<FunctionSpec> functions) {
            this.functions.addAll(functions);
            return this;
        }

        public Builder faults(FaultPlan faults) {
            this.faults = Objects.requireNonNull(faults, "faults");
            return this;
        }

        /** Account and region filled into events that lack them. */
        public Builder stack(StackContext stack) {
            this.stack = Objects.requireNonNull(stack, "stack");
            return this;
        }

        /** First retry delay, doubled per retry up to 16 times this (AWS waits minutes; locally time is compressed). */
        public Builder retryBackoff(Duration retryBackoff) {
            if (retryBackoff.isNegative()) {
                throw new IllegalArgumentException("retryBackoff must be >= 0, got " + retryBackoff);
            }
            this.retryBackoff = retryBackoff;
            return this;
        }

        /** Delivery threads (default 4). */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Deliveries that may wait at once before {@code put} refuses more (default 10,000). */
        public Builder maxPending(int maxPending) {
            if (maxPending < 1) {
                throw new IllegalArgumentException("maxPending must be >= 1, got " + maxPending);
            }
            this.maxPending = maxPending;
            return this;
        }

        public EventBus build() {
            return new EventBus(this);
        }
    }
}

package dev.fleetpress.localcloud.ssm.run;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.ssm.model.CommandInvocationStatus;
import software.amazon.awssdk.services.ssm.model.CommandStatus;
import software.amazon.awssdk.services.ssm.model.Target;

/**
 * One SendCommand: the document, the parameters as sent (echoed back by the API and the events) and
 * as substituted, how the instances were named (InstanceIds or Targets, echoed as sent), the
 * instances it resolved to, its rate controls, and one {@link Invocation} per instance. Its status
 * is derived from theirs; it decides which invocations may start ({@link #dispatch()}).
 */
final class SentCommand {
    final String id;
    final CommandDocument document;
    final Map<String, List<String>> sentParameters;
    final Map<String, String> values;
    final List<String> instanceIds;
    final List<Target> targets;
    final Instant requested;
    final String comment;
    final Duration deliveryTimeout;
    final Instant expiresAfter;
    final RateControls rates;
    private final Map<String, Invocation> invocations = new LinkedHashMap<>();
    private final Deque<Invocation> waiting = new ArrayDeque<>();
    private final Set<Invocation> dispatched = new HashSet<>();
    private boolean halted;
    private int reported;
    private boolean inProgressPublished;
    private boolean finalPublished;

    SentCommand(String id, CommandDocument document, Map<String, List<String>> sentParameters, Map<String, String> values,
            List<String> instanceIds, List<Target> targets, RateControls rates, Instant requested, String comment,
            Duration deliveryTimeout) {
        this.id = id;
        this.document = document;
        this.sentParameters = Collections.unmodifiableMap(new LinkedHashMap<>(sentParameters));
        this.values = Map.copyOf(values);
        this.instanceIds = List.copyOf(instanceIds);
        this.targets = List.copyOf(targets);
        this.rates = rates;
        this.requested = requested;
        this.comment = comment;
        this.deliveryTimeout = deliveryTimeout;
        // As AWS computes it: the delivery timeout plus every step's execution timeout.
        Duration execution = document.steps().stream().map(s -> s.timeout(values)).reduce(Duration.ZERO, Duration::plus);
        this.expiresAfter = requested.plus(deliveryTimeout).plus(execution);
    }

    /** Adds the invocation for one targeted instance; it waits until {@link #dispatch()} starts it. */
    synchronized void add(Invocation invocation) {
        invocations.put(invocation.instance.id(), invocation);
        waiting.add(invocation);
    }

    synchronized Invocation invocation(String instanceId) {
        return invocations.get(instanceId);
    }

    synchronized List<Invocation> invocations() {
        return new ArrayList<>(invocations.values());
    }

    /** The instances the command resolved to, in the order their invocations were created. */
    synchronized List<String> targetedInstanceIds() {
        return new ArrayList<>(invocations.keySet());
    }

    /** What to do after a change: invocations to start now, or (past MaxErrors) ones that must not start. */
    record Dispatch(List<Invocation> start, List<Invocation> cancel) {
    }

    /**
     * Once the failures exceed MaxErrors, every invocation that has not started is to be cancelled
     * (and none started again); otherwise waiting invocations start while fewer than MaxConcurrency run.
     */
    synchronized Dispatch dispatch() {
        if (!halted && errors() > rates.errorLimit()) {
            halted = true;
            waiting.clear();
        }
        if (halted) {
            List<Invocation> notStarted = invocations.values().stream().filter(i -> !i.view().isFinal()).toList();
            return new Dispatch(List.of(), notStarted);
        }
        long running = dispatched.stream().filter(i -> !i.view().isFinal()).count();
        List<Invocation> start = new ArrayList<>();
        while (running < rates.concurrencyLimit() && !waiting.isEmpty()) {
            Invocation next = waiting.poll();
            if (next.view().isFinal()) {
                continue; // cancelled while it waited
            }
            dispatched.add(next);
            start.add(next);
            running++;
        }
        return new Dispatch(start, List.of());
    }

    /** Failed and ExecutionTimedOut invocations: the ones that count against MaxErrors. */
    private int errors() {
        int errors = 0;
        for (Invocation invocation : invocations.values()) {
            Invocation.View v = invocation.view();
            if (v.status() == CommandInvocationStatus.FAILED
                    || (v.status() == CommandInvocationStatus.TIMED_OUT && !v.details().equals("DeliveryTimedOut"))) {
                errors++;
            }
        }
        return errors;
    }

    /**
     * The aggregate as AWS reports it: Failed (or ExecutionTimedOut) once the errors exceed MaxErrors,
     * DeliveryTimedOut once delivery timeouts do, Cancelled if any invocation was cancelled,
     * Success with details Incomplete when some did not succeed within those limits, else Success.
     */
    record Summary(CommandStatus status, String details, int completed, int errors, int deliveryTimedOut) {
        boolean isFinal() {
            return status != CommandStatus.PENDING && status != CommandStatus.IN_PROGRESS;
        }
    }

    Summary summary() {
        List<Invocation.View> views = invocations().stream().map(Invocation::view).toList();
        int completed = 0;
        int failed = 0;
        int executionTimedOut = 0;
        int deliveryTimedOut = 0;
        int cancelled = 0;
        boolean started = false;
        for (Invocation.View v : views) {
            started |= v.status() != CommandInvocationStatus.PENDING;
            if (!v.isFinal()) {
                continue;
            }
            completed++;
            switch (v.status()) {
                case FAILED -> failed++;
                case TIMED_OUT -> {
                    if (v.details().equals("DeliveryTimedOut")) {
                        deliveryTimedOut++;
                    } else {
                        executionTimedOut++;
                    }
                }
                case CANCELLED -> cancelled++;
                default -> {
                }
            }
        }
        int errors = failed + executionTimedOut;
        if (completed < views.size()) {
            CommandStatus s = started ? CommandStatus.IN_PROGRESS : CommandStatus.PENDING;
            return new Summary(s, s.toString(), completed, errors, deliveryTimedOut);
        }
        if (errors > rates.errorLimit()) {
            return failed > 0
                    ? new Summary(CommandStatus.FAILED, "Failed", completed, errors, deliveryTimedOut)
                    : new Summary(CommandStatus.TIMED_OUT, "ExecutionTimedOut", completed, errors, deliveryTimedOut);
        }
        if (deliveryTimedOut > rates.errorLimit()) {
            return new Summary(CommandStatus.TIMED_OUT, "DeliveryTimedOut", completed, errors, deliveryTimedOut);
        }
        if (cancelled > 0) {
            return new Summary(CommandStatus.CANCELLED, "Cancelled", completed, errors, deliveryTimedOut);
        }
        if (errors + deliveryTimedOut > 0) {
            return new Summary(CommandStatus.SUCCESS, "Incomplete", completed, errors, deliveryTimedOut);
        }
        return new Summary(CommandStatus.SUCCESS, "Success", completed, errors, deliveryTimedOut);
    }

    /** True exactly once: for the first invocation that starts. */
    synchronized boolean claimInProgressEvent() {
        if (inProgressPublished) {
            return false;
        }
        inProgressPublished = true;
        return true;
    }

    /** Counts one invocation whose final event has been published. */
    synchronized void reported() {
        reported++;
    }

    /**
     * True exactly once: when every invocation's final event has been published, so the command's
     * final event always follows them (for a command with no targets: at once).
     */
    synchronized boolean claimFinalEvent() {
        if (finalPublished || reported < invocations.size()) {
            return false;
        }
        finalPublished = true;
        return true;
    }
}

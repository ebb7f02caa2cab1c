package dev.fleetpress.localcloud.ssm.run;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ssm.model.CommandInvocationStatus;
import software.amazon.awssdk.services.ssm.model.CommandStatus;

/**
 * One SendCommand: the document, the parameters as sent (echoed back by the API and the events) and
 * as substituted, and one {@link Invocation} per instance. Its status is derived from theirs.
 */
final class SentCommand {
    final String id;
    final CommandDocument document;
    final Map<String, List<String>> sentParameters;
    final Map<String, String> values;
    final List<String> instanceIds;
    final Instant requested;
    final String comment;
    final Duration deliveryTimeout;
    final Instant expiresAfter;
    private final Map<String, Invocation> invocations = new LinkedHashMap<>();
    private boolean inProgressPublished;
    private boolean finalPublished;

    SentCommand(String id, CommandDocument document, Map<String, List<String>> sentParameters, Map<String, String> values,
            List<String> instanceIds, Instant requested, String comment, Duration deliveryTimeout) {
        this.id = id;
        this.document = document;
        this.sentParameters = Collections.unmodifiableMap(new LinkedHashMap<>(sentParameters));
        this.values = Map.copyOf(values);
        this.instanceIds = List.copyOf(instanceIds);
        this.requested = requested;
        this.comment = comment;
        this.deliveryTimeout = deliveryTimeout;
        // As AWS computes it: the delivery timeout plus every step's execution timeout.
        Duration execution = document.steps().stream().map(s -> s.timeout(values)).reduce(Duration.ZERO, Duration::plus);
        this.expiresAfter = requested.plus(deliveryTimeout).plus(execution);
    }

    synchronized void add(Invocation invocation) {
        invocations.put(invocation.instance.id(), invocation);
    }

    synchronized Invocation invocation(String instanceId) {
        return invocations.get(instanceId);
    }

    synchronized List<Invocation> invocations() {
        return new ArrayList<>(invocations.values());
    }

    /** The aggregate as AWS reports it with MaxErrors 0: one failure fails the command. */
    record Summary(CommandStatus status, String details, int completed, int errors, int deliveryTimedOut) {
        boolean isFinal() {
            return status != CommandStatus.PENDING && status != CommandStatus.IN_PROGRESS;
        }
    }

    Summary summary() {
        List<Invocation.View> views = invocations().stream().map(Invocation::view).toList();
        int completed = 0;
        int errors = 0;
        int deliveryTimedOut = 0;
        boolean started = false;
        boolean failed = false;
        boolean timedOut = false;
        boolean cancelled = false;
        for (Invocation.View v : views) {
            started |= v.status() != CommandInvocationStatus.PENDING;
            if (!v.isFinal()) {
                continue;
            }
            completed++;
            switch (v.status()) {
                case FAILED -> {
                    failed = true;
                    errors++;
                }
                case TIMED_OUT -> {
                    if (v.details().equals("DeliveryTimedOut")) {
                        deliveryTimedOut++;
                    } else {
                        errors++;
                    }
                    timedOut = true;
                }
                case CANCELLED -> cancelled = true;
                default -> {
                }
            }
        }
        if (completed < views.size()) {
            CommandStatus s = started ? CommandStatus.IN_PROGRESS : CommandStatus.PENDING;
            return new Summary(s, s.toString(), completed, errors, deliveryTimedOut);
        }
        if (failed) {
            return new Summary(CommandStatus.FAILED, "Failed", completed, errors, deliveryTimedOut);
        }
        if (timedOut) {
            return new Summary(CommandStatus.TIMED_OUT, errors > 0 ? "ExecutionTimedOut" : "DeliveryTimedOut",
                    completed, errors, deliveryTimedOut);
        }
        if (cancelled) {
            return new Summary(CommandStatus.CANCELLED, "Cancelled", completed, errors, deliveryTimedOut);
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

    /** True exactly once: when every invocation has ended. */
    synchronized boolean claimFinalEvent() {
        if (finalPublished || !summary().isFinal()) {
            return false;
        }
        finalPublished = true;
        return true;
    }
}

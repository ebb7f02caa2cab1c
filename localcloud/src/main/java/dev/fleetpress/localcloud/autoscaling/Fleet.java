package dev.fleetpress.localcloud.autoscaling;

import static software.amazon.awssdk.services.autoscaling.model.LifecycleState.IN_SERVICE;
import static software.amazon.awssdk.services.autoscaling.model.LifecycleState.PENDING;
import static software.amazon.awssdk.services.autoscaling.model.LifecycleState.PENDING_PROCEED;
import static software.amazon.awssdk.services.autoscaling.model.LifecycleState.PENDING_WAIT;
import static software.amazon.awssdk.services.autoscaling.model.LifecycleState.TERMINATED;
import static software.amazon.awssdk.services.autoscaling.model.LifecycleState.TERMINATING;
import static software.amazon.awssdk.services.autoscaling.model.LifecycleState.TERMINATING_PROCEED;
import static software.amazon.awssdk.services.autoscaling.model.LifecycleState.TERMINATING_WAIT;
import static software.amazon.awssdk.services.autoscaling.model.LifecycleState.WARMED_PENDING;
import static software.amazon.awssdk.services.autoscaling.model.LifecycleState.WARMED_PENDING_PROCEED;
import static software.amazon.awssdk.services.autoscaling.model.LifecycleState.WARMED_PENDING_WAIT;
import static software.amazon.awssdk.services.autoscaling.model.LifecycleState.WARMED_STOPPED;
import static software.amazon.awssdk.services.autoscaling.model.LifecycleState.WARMED_TERMINATED;
import static software.amazon.awssdk.services.autoscaling.model.LifecycleState.WARMED_TERMINATING;
import static software.amazon.awssdk.services.autoscaling.model.LifecycleState.WARMED_TERMINATING_PROCEED;
import static software.amazon.awssdk.services.autoscaling.model.LifecycleState.WARMED_TERMINATING_WAIT;

import dev.fleetpress.localcloud.ec2.Instances;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;

/**
 * The instance lifecycle of every group, as Auto Scaling runs it (see {@link LocalAutoScaling} for
 * the states). One lock (this object's monitor) guards all state; one scheduler thread runs the
 * transitions, the hook timers and the event deliveries, so no thread ever polls. Events are handed
 * to the sink on that thread without the lock held: a sink may call back into Auto Scaling.
 */
final class Fleet {
    private static final int MAX_BACKOFF_DOUBLINGS = 5;

    /** A member as the API reports it. */
    record MemberView(String id, String groupName, LifecycleState state, Path root) {
    }

    /** A group as the API reports it; members in launch order, warm pool included. */
    record GroupView(GroupSpec spec, String arn, Instant createdTime, int minSize, int maxSize, int desired,
            List<MemberView> members) {
    }

    /** What a TerminateInstanceInAutoScalingGroup did. */
    record Termination(String groupName, String groupArn, int desiredBefore, int desiredAfter) {
    }

    private final Instances instances;
    private final Consumer<String> eventSink;
    private final Settings settings;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final Map<String, Action> openActions = new HashMap<>();
    private final ScheduledThreadPoolExecutor scheduler;
    private long launched;
    private long abandoned;
    private long terminated;
    private long timeouts;
    private boolean closed;

    Fleet(Instances instances, Consumer<String> eventSink, List<GroupSpec> specs, Settings settings) {
        this.instances = instances;
        this.eventSink = eventSink;
        this.settings = settings;
        for (GroupSpec spec : specs) {
            if (groups.putIfAbsent(spec.name(), new Group(spec, settings.maxSize(), clock.instant())) != null) {
                throw new IllegalArgumentException("group " + spec.name() + " is defined twice");
            }
        }
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "localcloud-autoscaling");
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
    }

    /** Starts filling the warm pools, as AWS does once a WarmPool resource exists. */
    synchronized void start() {
        later(Duration.ZERO, () -> groups.values().forEach(this::reconcile));
    }

    // ---- reading

    synchronized List<GroupView> groups() {
        return groups.values().stream().map(this::view).toList();
    }

    synchronized GroupView group(String name) {
        return view(require(name));
    }

    synchronized Counters counters() {
        return new Counters(launched, abandoned, terminated, timeouts);
    }

    /**
     * Waits until the group is steady: as many InService instances as desired, a full warm pool,
     * and nothing else. False when that does not happen within {@code timeout} (or on interrupt,
     * with the interrupt flag kept).
     */
    synchronized boolean awaitSteady(String name, Duration timeout) {
        Group g = require(name);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!steady(g)) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed) {
                return false;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    // ---- changing

    synchronized void setDesired(String name, int desired) {
        Group g = require(name);
        if (desired > g.maxSize) {
            throw AutoScalingErrors.validation("New SetDesiredCapacity value " + desired + " is above max value "
                    + g.maxSize + " for the AutoScalingGroup.");
        }
        if (desired < g.minSize) {
            throw AutoScalingErrors.validation("New SetDesiredCapacity value " + desired + " is below min value "
                    + g.minSize + " for the AutoScalingGroup.");
        }
        g.desired = desired;
        changed(g);
    }

    /** UpdateAutoScalingGroup's capacity fields; null leaves a value as it is. */
    synchronized void update(String name, Integer minSize, Integer maxSize, Integer desired) {
        Group g = require(name);
        int min = minSize == null ? g.minSize : minSize;
        int max = maxSize == null ? g.maxSize : maxSize;
        if (min < 0 || max < 0) {
            throw AutoScalingErrors.validation("MinSize and MaxSize must not be negative");
        }
        if (max < min) {
            throw AutoScalingErrors.validation("Max bound, " + max + ", must be greater than or equal to min bound, " + min);
        }
        int want;
        if (desired != null) {
            if (desired < min || desired > max) {
                throw AutoScalingErrors.validation("Desired capacity:" + desired + " must be between the specified min size:"
                        + min + " and max size:" + max);
            }
            want = desired;
        } else {
            // AWS moves the desired capacity inside new bounds rather than refusing them.
            want = Math.max(min, Math.min(max, g.desired));
        }
        g.minSize = min;
        g.maxSize = max;
        g.desired = want;
        changed(g);
    }

    synchronized Termination terminate(String instanceId, boolean decrement) {
        Member m = member(instanceId);
        if (m == null) {
            throw AutoScalingErrors.validation("Instance Id not found - No managed instance found for instance ID: "
                    + instanceId);
        }
        Group g = m.group;
        int before = g.desired;
        if (m.inGroup() && decrement) {
            if (g.desired - 1 < g.minSize) {
                throw AutoScalingErrors.validation("Currently, desiredCapacity (" + g.desired + ") and minSize ("
                        + g.minSize + ") are equal. Terminating instance without replacement will violate group's min "
                        + "size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's "
                        + "min size.");
            }
            g.desired--;
        }
        if (m.inGroup() || m.inPool()) {
            beginTermination(m);
        }
        changed(g);
        return new Termination(g.name(), g.arn, before, g.desired);
    }

    synchronized void complete(String groupName, String hookName, String token, String instanceId, String result) {
        if (!HookSpec.CONTINUE.equals(result) && !HookSpec.ABANDON.equals(result)) {
            throw AutoScalingErrors.validation("Invalid LifecycleActionResult " + result
                    + ": it must be CONTINUE or ABANDON");
        }
        Action a = find(groupName, hookName, token, instanceId);
        finish(a, result);
        notifyAll();
    }

    synchronized void heartbeat(String groupName, String hookName, String token, String instanceId) {
        Action a = find(groupName, hookName, token, instanceId);
        a.timer.cancel(false);
        arm(a);
    }

    synchronized void close() {
        closed = true;
        scheduler.shutdownNow();
        notifyAll();
    }

    // ---- the lifecycle

    /** Brings a group to its desired capacity and its warm pool to MinSize; runs after every change. */
    private void reconcile(Group g) {
        while (g.inGroup() > g.desired) {
            beginTermination(victim(g));
        }
        while (g.inGroup() < g.desired) {
            Member warmed = g.members.values().stream().filter(m -> m.state == WARMED_STOPPED).findFirst().orElse(null);
            if (warmed != null) {
                warmed.state = PENDING;
                warmed.origin = LifecycleEvents.WARM_POOL;
                later(settings.transitionDelay(), () -> enterLaunchWait(warmed));
            } else if (mayLaunch(g)) {
                launch(g, PENDING);
            } else {
                return;
            }
        }
        while (g.inPool() < g.spec.warmPoolMinSize() && mayLaunch(g)) {
            launch(g, WARMED_PENDING);
        }
    }

    /** Scale-in takes instances still launching first (newest first), then the oldest in service. */
    private Member victim(Group g) {
        List<Member> inGroup = g.members.values().stream().filter(Member::inGroup).toList();
        for (int i = inGroup.size() - 1; i >= 0; i--) {
            if (inGroup.get(i).state != IN_SERVICE) {
                return inGroup.get(i);
            }
        }
        return inGroup.get(0);
    }

    private boolean mayLaunch(Group g) {
        long wait = g.launchNotBefore - System.nanoTime();
        if (wait <= 0) {
            return true;
        }
        if (!g.launchRetryScheduled) {
            g.launchRetryScheduled = true;
            later(Duration.ofNanos(wait), () -> {
                g.launchRetryScheduled = false;
                reconcile(g);
            });
        }
        return false;
    }

    private void launch(Group g, LifecycleState first) {
        Member m = new Member(instances.launch(g.name()), g, first, LifecycleEvents.EC2);
        g.members.put(m.id(), m);
        launched++;
        later(settings.transitionDelay(), () -> enterLaunchWait(m));
    }

    private void enterLaunchWait(Member m) {
        if (m.state != PENDING && m.state != WARMED_PENDING) {
            return; // scaled in or terminated while booting
        }
        List<HookSpec> hooks = m.group.spec.hooks(HookSpec.LAUNCHING);
        if (hooks.isEmpty()) {
            proceedLaunch(m);
            return;
        }
        boolean pool = m.state == WARMED_PENDING;
        m.state = pool ? WARMED_PENDING_WAIT : PENDING_WAIT;
        open(m, hooks, m.origin, pool ? LifecycleEvents.WARM_POOL : LifecycleEvents.GROUP);
    }

    private void proceedLaunch(Member m) {
        boolean pool = m.warmed();
        LifecycleState proceed = pool ? WARMED_PENDING_PROCEED : PENDING_PROCEED;
        m.state = proceed;
        later(Duration.ZERO, () -> {
            if (m.state == proceed) {
                m.state = pool ? WARMED_STOPPED : IN_SERVICE;
                m.group.failedLaunches = 0;
                m.group.launchNotBefore = 0;
                reconcile(m.group);
            }
        });
    }

    /** Into Terminating: open launch actions end (their tokens stop working) and the terminate hooks run. */
    private void beginTermination(Member m) {
        closeActions(m);
        m.state = m.warmed() ? WARMED_TERMINATING : TERMINATING;
        later(settings.transitionDelay(), () -> enterTerminateWait(m));
    }

    private void enterTerminateWait(Member m) {
        boolean pool = m.state == WARMED_TERMINATING;
        if (!pool && m.state != TERMINATING) {
            return;
        }
        List<HookSpec> hooks = m.group.spec.hooks(HookSpec.TERMINATING);
        if (hooks.isEmpty()) {
            proceedTermination(m);
            return;
        }
        m.state = pool ? WARMED_TERMINATING_WAIT : TERMINATING_WAIT;
        open(m, hooks, pool ? LifecycleEvents.WARM_POOL : LifecycleEvents.GROUP, LifecycleEvents.EC2);
    }

    private void proceedTermination(Member m) {
        boolean pool = m.warmed();
        LifecycleState proceed = pool ? WARMED_TERMINATING_PROCEED : TERMINATING_PROCEED;
        m.state = proceed;
        later(Duration.ZERO, () -> {
            if (m.state == proceed) {
                m.state = pool ? WARMED_TERMINATED : TERMINATED;
                instances.terminate(m.id());
                terminated++;
                m.group.members.remove(m.id());
                reconcile(m.group);
            }
        });
    }

    // ---- lifecycle actions

    private void open(Member m, List<HookSpec> hooks, String origin, String destination) {
        for (HookSpec hook : hooks) {
            Action a = new Action(m, hook, settings.heartbeatOf(hook));
            m.actions.add(a);
            openActions.put(a.token, a);
            arm(a);
            emit(LifecycleEvents.action(m.group.name(), hook, m.id(), a.token, origin, destination, clock.instant()));
        }
    }

    private void arm(Action a) {
        long generation = ++a.generation;
        a.timer = scheduler.schedule(() -> locked(() -> {
            if (openActions.containsKey(a.token) && a.generation == generation) {
                timeouts++;
                finish(a, a.hook.defaultResult());
            }
        }), a.untilTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Ends one action. On launch, ABANDON terminates the instance (through Terminating and its
     * hooks, as any termination) and a replacement follows; CONTINUE proceeds once every launch
     * hook has continued. On terminate, both results terminate: CONTINUE once every terminate hook
     * is done, ABANDON at once, cutting the other hooks short.
     */
    private void finish(Action a, String result) {
        Member m = a.member;
        Group g = m.group;
        close(a);
        boolean abandon = HookSpec.ABANDON.equals(result);
        if (a.hook.launching()) {
            if (abandon) {
                abandoned++;
                g.failedLaunches++;
                long backoff = settings.failedLaunchBackoff()
                        .multipliedBy(1L << Math.min(g.failedLaunches - 1, MAX_BACKOFF_DOUBLINGS)).toNanos();
                g.launchNotBefore = System.nanoTime() + backoff;
                beginTermination(m);
            } else if (m.actions.isEmpty()) {
                proceedLaunch(m);
            }
        } else if (abandon || m.actions.isEmpty()) {
            closeActions(m);
            proceedTermination(m);
        }
        reconcile(g);
    }

    private void close(Action a) {
        a.timer.cancel(false);
        openActions.remove(a.token);
        a.member.actions.remove(a);
    }

    private void closeActions(Member m) {
        for (Action a : new ArrayList<>(m.actions)) {
            close(a);
        }
    }

    private Action find(String groupName, String hookName, String token, String instanceId) {
        Group g = require(groupName);
        if (token != null) {
            Action a = openActions.get(token);
            if (a == null || a.member.group != g || !a.hook.name().equals(hookName)
                    || (instanceId != null && !a.member.id().equals(instanceId))) {
                throw AutoScalingErrors.noActiveActionForToken(token);
            }
            return a;
        }
        if (instanceId == null) {
            throw AutoScalingErrors.validation("Either LifecycleActionToken or InstanceId must be specified");
        }
        Member m = g.members.get(instanceId);
        if (m != null) {
            for (Action a : m.actions) {
                if (a.hook.name().equals(hookName)) {
                    return a;
                }
            }
        }
        throw AutoScalingErrors.noActiveActionForInstance(instanceId);
    }

    // ---- plumbing

    private Group require(String name) {
        if (closed) {
            throw new IllegalStateException("LocalAutoScaling is closed");
        }
        Group g = name == null ? null : groups.get(name);
        if (g == null) {
            throw AutoScalingErrors.groupNotFound(name);
        }
        return g;
    }

    private Member member(String instanceId) {
        if (closed) {
            throw new IllegalStateException("LocalAutoScaling is closed");
        }
        for (Group g : groups.values()) {
            Member m = g.members.get(instanceId);
            if (m != null) {
                return m;
            }
        }
        return null;
    }

    private boolean steady(Group g) {
        boolean settled = g.members.values().stream().allMatch(m -> m.state == IN_SERVICE || m.state == WARMED_STOPPED);
        return settled && g.count(IN_SERVICE) == g.desired && g.count(WARMED_STOPPED) == g.spec.warmPoolMinSize();
    }

    private void changed(Group g) {
        reconcile(g);
        notifyAll();
    }

    private GroupView view(Group g) {
        List<MemberView> members = g.members.values().stream()
                .map(m -> new MemberView(m.id(), g.name(), m.state, m.instance.root())).toList();
        return new GroupView(g.spec, g.arn, g.createdTime, g.minSize, g.maxSize, g.desired, members);
    }

    private void later(Duration delay, Runnable task) {
        if (!closed) {
            scheduler.schedule(() -> locked(task), delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private synchronized void locked(Runnable task) {
        if (closed) {
            return;
        }
        try {
            task.run();
        } catch (RuntimeException e) {
            // A failed transition (say, no disk for a sandbox) must not stop the scheduler thread.
            System.err.println("localcloud autoscaling: a lifecycle transition failed: " + e);
        }
        notifyAll();
    }

    /** Queued behind the current task on the scheduler thread, so events keep their order and the lock is free. */
    private void emit(String event) {
        scheduler.execute(() -> {
            try {
                eventSink.accept(event);
            } catch (RuntimeException e) {
                // Delivery is best effort, as on AWS; the reconciliation FleetPress runs is what heals it.
                System.err.println("localcloud autoscaling: the event sink failed: " + e);
            }
        });
    }
}

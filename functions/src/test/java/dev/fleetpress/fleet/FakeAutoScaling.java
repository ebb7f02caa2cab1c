package dev.fleetpress.fleet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Auto Scaling's lifecycle hooks for a test: each instance has a lifecycle state and at most one
 * active action (with its token). Completing or heartbeating an action that is not active, or with a
 * token that is not the active one, answers NOT_ACTIVE, as Auto Scaling's "No active Lifecycle Action"
 * does. Every effective completion is recorded.
 */
final class FakeAutoScaling implements LifecycleActions, FleetInventory {
    record Completion(String instanceId, Phase phase, LifecycleResult result) {
    }

    private static final class Instance {
        final String group;
        String state;
        String token;
        Phase phase;

        Instance(String group) {
            this.group = group;
        }
    }

    private final Map<String, Instance> instances = new LinkedHashMap<>();
    private final List<Completion> completions = new ArrayList<>();
    private final List<String> heartbeats = new ArrayList<>();
    private int tokens = 1;
    private boolean failing;

    /** Starts a lifecycle action of {@code phase} on {@code instanceId}; returns it as its event carries it. */
    LifecycleAction begin(String instanceId, String group, Phase phase) {
        return begin(instanceId, group, phase, String.format("10000000-0000-4000-8000-%012d", tokens++));
    }

    /** Like {@link #begin(String, String, Phase)} with the token a fixture carries. */
    LifecycleAction begin(String instanceId, String group, Phase phase, String token) {
        Instance i = instances.computeIfAbsent(instanceId, id -> new Instance(group));
        i.state = phase.waitState();
        i.phase = phase;
        i.token = token;
        return new LifecycleAction(instanceId, group,
                phase == Phase.TERMINATE ? "fleetpress-drain" : "fleetpress-launch", phase, i.token,
                group.endsWith("staging") ? "staging" : "production");
    }

    /** Lets the active action of {@code instanceId} time out, as a hook's heartbeat timeout does. */
    void expire(String instanceId) {
        Instance i = instances.get(instanceId);
        i.state = "Terminated";
        i.token = null;
    }

    /** Makes CompleteLifecycleAction fail as an Auto Scaling outage would. */
    void failCompletions(boolean on) {
        failing = on;
    }

    String state(String instanceId) {
        return instances.get(instanceId).state;
    }

    List<Completion> completions() {
        return List.copyOf(completions);
    }

    List<Completion> completionsOf(String instanceId) {
        return completions.stream().filter(c -> c.instanceId().equals(instanceId)).toList();
    }

    List<String> heartbeats() {
        return List.copyOf(heartbeats);
    }

    @Override
    public Answer complete(LifecycleAction action, LifecycleResult result) {
        if (failing) {
            throw new FleetBackendException("Auto Scaling CompleteLifecycleAction failed: test outage", null);
        }
        Instance i = active(action);
        if (i == null) {
            return Answer.NOT_ACTIVE;
        }
        completions.add(new Completion(action.instanceId(), i.phase, result));
        i.token = null;
        if (i.phase == Phase.TERMINATE || result == LifecycleResult.ABANDON) {
            i.state = "Terminated";
        } else {
            i.state = i.phase == Phase.WARM_POOL_ENTER ? "Warmed:Stopped" : "InService";
        }
        return Answer.DONE;
    }

    @Override
    public Answer heartbeat(LifecycleAction action) {
        if (active(action) == null) {
            return Answer.NOT_ACTIVE;
        }
        heartbeats.add(action.instanceId());
        return Answer.DONE;
    }

    @Override
    public List<WaitingInstance> waiting(Set<String> groups) {
        List<WaitingInstance> out = new ArrayList<>();
        instances.forEach((id, i) -> {
            if (groups.contains(i.group) && i.state.endsWith(":Wait")) {
                out.add(new WaitingInstance(id, i.group, i.state));
            }
        });
        return out;
    }

    private Instance active(LifecycleAction action) {
        Instance i = instances.get(action.instanceId());
        if (i == null || i.token == null || !i.group.equals(action.group())) {
            return null;
        }
        boolean tokenMatches = action.token().isEmpty() || action.token().equals(i.token);
        String hook = i.phase == Phase.TERMINATE ? "fleetpress-drain" : "fleetpress-launch";
        return tokenMatches && hook.equals(action.hook()) ? i : null;
    }
}

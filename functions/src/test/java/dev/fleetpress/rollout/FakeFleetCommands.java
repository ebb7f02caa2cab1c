package dev.fleetpress.rollout;

import dev.fleetpress.fleet.CommandRunner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SSM Run Command and Auto Scaling over a few pretend instances: group commands (activations) that
 * the test finishes, single-instance commands (upgrades) that the test finishes, and group membership.
 */
final class FakeFleetCommands implements GroupCommands, GroupMembers, CommandRunner {
    private final Map<String, Set<String>> groups = new ConcurrentHashMap<>();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final Set<String> notReady = ConcurrentHashMap.newKeySet();
    private final Map<String, GroupCommand> groupCommands = new LinkedHashMap<>();
    private final Map<String, CommandReport> reports = new ConcurrentHashMap<>();
    private final List<Command> upgrades = new ArrayList<>();
    private final Map<String, String> upgradeStatus = new ConcurrentHashMap<>();
    private final List<String> cancelled = new ArrayList<>();
    private final java.util.Deque<String> presetIds = new java.util.ArrayDeque<>();

    /** The next command (of either kind) gets {@code commandId}, as the fixtures name it. */
    synchronized void nextCommandId(String commandId) {
        presetIds.add(commandId);
    }

    private String newId() {
        return presetIds.isEmpty() ? UUID.randomUUID().toString() : presetIds.poll();
    }

    void inService(String group, String... instances) {
        groups.put(group, new TreeSet<>(List.of(instances)));
    }

    void remove(String group, String instance) {
        groups.get(group).remove(instance);
    }

    void failActivationOn(String instance) {
        failing.add(instance);
    }

    void agentNotReadyOn(String instance) {
        notReady.add(instance);
    }

    @Override
    public synchronized String send(GroupCommand command) {
        String id = newId();
        groupCommands.put(id, command);
        Map<String, String> pending = new TreeMap<>();
        groups.getOrDefault(command.group(), Set.of()).forEach(i -> pending.put(i, "Pending"));
        reports.put(id, new CommandReport("InProgress", pending));
        return id;
    }

    /** Every targeted instance ends Success, except those set to fail; returns the command's status. */
    synchronized String finishActivation(String commandId) {
        Map<String, String> done = new TreeMap<>();
        reports.get(commandId).instances().keySet().forEach(i -> done.put(i, failing.contains(i) ? "Failed" : "Success"));
        String status = done.containsValue("Failed") ? "Failed" : "Success";
        reports.put(commandId, new CommandReport(status, done));
        return status;
    }

    /** The command ends with exactly these per-instance statuses and overall {@code status}. */
    synchronized void finishActivationWith(String commandId, String status, Map<String, String> instances) {
        reports.put(commandId, new CommandReport(status, instances));
    }

    @Override
    public CommandReport report(String commandId) {
        return reports.getOrDefault(commandId, new CommandReport("Pending", Map.of()));
    }

    @Override
    public synchronized void cancel(String commandId) {
        cancelled.add(commandId);
    }

    @Override
    public List<String> inService(String group) {
        return List.copyOf(groups.getOrDefault(group, Set.of()));
    }

    @Override
    public synchronized SendResult send(Command command) {
        if (notReady.contains(command.instanceId())) {
            return new NotReady(true, "InvalidInstanceId");
        }
        String id = newId();
        upgrades.add(command);
        upgradeStatus.put(id, "InProgress");
        return new Sent(id);
    }

    void finishUpgrade(String commandId, String status) {
        upgradeStatus.put(commandId, status);
    }

    @Override
    public String status(String commandId, String instanceId) {
        return upgradeStatus.getOrDefault(commandId, "Pending");
    }

    synchronized List<GroupCommand> activations() {
        return List.copyOf(groupCommands.values());
    }

    synchronized List<String> activationIds() {
        return List.copyOf(groupCommands.keySet());
    }

    synchronized List<Command> upgrades() {
        return List.copyOf(upgrades);
    }

    synchronized List<String> cancelled() {
        return List.copyOf(cancelled);
    }
}

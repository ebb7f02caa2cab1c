package dev.fleetpress.fleet;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link CommandRunner} like SSM Run Command: instances are unknown until their agent registers
 * ({@link #register}), sends can be throttled, and each command stays InProgress until a test
 * finishes it.
 */
final class FakeSsm implements CommandRunner {
    private final Set<String> registered = new HashSet<>();
    private final List<Command> sent = new ArrayList<>();
    private final Map<String, Command> byId = new HashMap<>();
    private final Map<String, String> statuses = new HashMap<>();
    private final Map<String, Integer> order = new HashMap<>();
    private final Deque<String> presetIds = new ArrayDeque<>();
    private boolean throttled;
    private boolean failing;
    private int next = 1;

    void register(String instanceId) {
        registered.add(instanceId);
    }

    void deregister(String instanceId) {
        registered.remove(instanceId);
    }

    void throttle(boolean on) {
        throttled = on;
    }

    /** Makes every call fail as an SSM outage would. */
    void fail(boolean on) {
        failing = on;
    }

    /** Commands that have not ended yet. */
    List<String> running() {
        return statuses.entrySet().stream().filter(e -> e.getValue().equals("InProgress")).map(Map.Entry::getKey)
                .sorted((a, b) -> Integer.compare(order(a), order(b))).toList();
    }

    /** The id the next sent command gets (a fixture's command id). */
    void nextCommandId(String commandId) {
        presetIds.add(commandId);
    }

    void finish(String commandId, String status) {
        statuses.put(commandId, status);
    }

    List<Command> sent() {
        return List.copyOf(sent);
    }

    Command command(String commandId) {
        return byId.get(commandId);
    }

    /** The id of the last command sent to {@code instanceId}. */
    String lastCommandTo(String instanceId) {
        String last = null;
        for (Map.Entry<String, Command> e : byId.entrySet()) {
            if (e.getValue().instanceId().equals(instanceId) && (last == null || order(e.getKey()) > order(last))) {
                last = e.getKey();
            }
        }
        return last;
    }

    private int order(String id) {
        return order.get(id);
    }

    @Override
    public SendResult send(Command command) {
        if (failing) {
            throw new FleetBackendException("SSM SendCommand failed: test outage", null);
        }
        if (throttled) {
            return new NotReady(false, "ThrottlingException: Rate exceeded");
        }
        if (!registered.contains(command.instanceId())) {
            return new NotReady(true, "InvalidInstanceId");
        }
        String id = presetIds.isEmpty() ? String.format("00000000-0000-4000-8000-%012d", next) : presetIds.poll();
        order.put(id, next++);
        sent.add(command);
        byId.put(id, command);
        statuses.put(id, "InProgress");
        return new Sent(id);
    }

    @Override
    public String status(String commandId, String instanceId) {
        if (failing) {
            throw new FleetBackendException("SSM GetCommandInvocation failed: test outage", null);
        }
        Command c = byId.get(commandId);
        if (c == null || !c.instanceId().equals(instanceId)) {
            return "Pending";
        }
        return statuses.get(commandId);
    }
}

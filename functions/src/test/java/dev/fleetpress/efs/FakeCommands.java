package dev.fleetpress.efs;

import dev.fleetpress.fleet.CommandRunner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@link CommandRunner} that records each send, answers statuses a test sets, and can refuse sends as SSM does. */
final class FakeCommands implements CommandRunner {
    private final List<Command> sent = new ArrayList<>();
    private final List<String> ids = new ArrayList<>();
    private final Map<String, String> statuses = new HashMap<>();
    private final Map<String, String> errors = new HashMap<>();
    private boolean notReady;

    @Override
    public synchronized SendResult send(Command command) {
        if (notReady) {
            return new NotReady(true, "InvalidInstanceId: the instance's SSM agent is not registered");
        }
        sent.add(command);
        String id = String.format("%08x-0000-4000-8000-%012x", sent.size(), sent.size());
        ids.add(id);
        statuses.put(id, "InProgress");
        return new Sent(id);
    }

    @Override
    public synchronized String status(String commandId, String instanceId) {
        return statuses.getOrDefault(commandId, "Pending");
    }

    @Override
    public synchronized String errorOutput(String commandId, String instanceId) {
        return errors.getOrDefault(commandId, "");
    }

    synchronized void notReady(boolean value) {
        notReady = value;
    }

    synchronized void finish(String commandId, String status, String error) {
        statuses.put(commandId, status);
        errors.put(commandId, error);
    }

    synchronized List<Command> sent() {
        return List.copyOf(sent);
    }

    synchronized String lastId() {
        return ids.get(ids.size() - 1);
    }
}

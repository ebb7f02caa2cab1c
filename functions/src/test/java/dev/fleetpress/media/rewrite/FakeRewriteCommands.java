package dev.fleetpress.media.rewrite;

import dev.fleetpress.fleet.CommandRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SSM Run Command for the rewrite document: every send is recorded, and each command answers what the test
 * set up (by default: Success, with the output instance/rewrite-urls.sh prints for {@link #replacements}
 * changed rows). Safe for concurrent use.
 */
final class FakeRewriteCommands implements CommandRunner {
    private final List<Command> sent = new ArrayList<>();
    private final Map<String, String> statuses = new ConcurrentHashMap<>();
    private final Map<String, Command> byId = new ConcurrentHashMap<>();
    volatile String nextStatus = "Success";
    volatile String stderr = "";
    volatile boolean printResult = true;
    volatile long replacements = 3;
    volatile SendResult nextSendResult;

    @Override
    public synchronized SendResult send(Command command) {
        if (nextSendResult != null) {
            SendResult r = nextSendResult;
            nextSendResult = null;
            if (r instanceof NotReady) {
                return r;
            }
        }
        String id = UUID.randomUUID().toString();
        sent.add(command);
        byId.put(id, command);
        statuses.put(id, nextStatus);
        return new Sent(id);
    }

    @Override
    public String status(String commandId, String instanceId) {
        return statuses.getOrDefault(commandId, "Pending");
    }

    @Override
    public String output(String commandId, String instanceId) {
        Command c = byId.get(commandId);
        if (c == null || !printResult) {
            return c == null ? "" : "fleetpress-rewrite-urls: wp search-replace\n";
        }
        boolean dry = Boolean.parseBoolean(c.parameters().get("DryRun"));
        return output(replacements, dry);
    }

    @Override
    public String errorOutput(String commandId, String instanceId) {
        return stderr;
    }

    /** What instance/rewrite-urls.sh prints around wp-cli's piped report. */
    static String output(long count, boolean dry) {
        String success = dry ? "Success: " + count + " replacement" + (count == 1 ? "" : "s") + " to be made."
                : "Success: Made " + count + " replacement" + (count == 1 ? "" : "s") + ".";
        return "fleetpress-rewrite-urls: wp search-replace (dry run: " + dry + ")\n"
                + "Table\tColumn\tReplacements\tType\n"
                + "wp_posts\tpost_content\t" + (count - 1) + "\tPHP\n"
                + "wp_postmeta\tmeta_value\t1\tPHP\n"
                + success + "\n"
                + "FLEETPRESS_RESULT replacements=" + count + " dry_run=" + dry + "\n";
    }

    /** Moves a command on: the test's instance finished it with {@code status}. */
    void finish(String commandId, String status) {
        statuses.put(commandId, status);
    }

    synchronized List<Command> sent() {
        return List.copyOf(sent);
    }

    synchronized List<Command> realRuns() {
        return sent.stream().filter(c -> c.parameters().get("DryRun").equals("false")).toList();
    }
}

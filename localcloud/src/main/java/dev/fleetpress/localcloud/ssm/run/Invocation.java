package dev.fleetpress.localcloud.ssm.run;

import dev.fleetpress.localcloud.ec2.Instances.Instance;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.ssm.model.CommandInvocationStatus;
import software.amazon.awssdk.services.ssm.model.CommandPluginStatus;

/**
 * One command on one instance, with one plugin result per document step. Moves Pending →
 * InProgress → a final status exactly once; every method is safe to call from the API threads while
 * the execution thread runs it.
 */
final class Invocation {
    /** Why an execution was stopped from outside; each maps to the status AWS reports for it. */
    enum Stop {
        CANCELLED(CommandInvocationStatus.CANCELLED, "Cancelled"),
        TERMINATED(CommandInvocationStatus.FAILED, "Terminated"),
        DELIVERY_TIMED_OUT(CommandInvocationStatus.TIMED_OUT, "DeliveryTimedOut"),
        /** Not started because the command's failures went beyond MaxErrors. */
        MAX_ERRORS(CommandInvocationStatus.CANCELLED, "Cancelled");

        final CommandInvocationStatus status;
        final String details;

        Stop(CommandInvocationStatus status, String details) {
            this.status = status;
            this.details = details;
        }
    }

    /** The result of one step; its full output is in {@code stdout} and {@code stderr}. */
    static final class Plugin {
        final String name;
        final Path stdout;
        final Path stderr;
        CommandPluginStatus status = CommandPluginStatus.PENDING;
        String details = "Pending";
        int responseCode = -1;
        Instant start;
        Instant end;

        Plugin(String name, Path dir) {
            this.name = name;
            this.stdout = dir.resolve("stdout");
            this.stderr = dir.resolve("stderr");
        }
    }

    final SentCommand command;
    final Instance instance;
    private final List<Plugin> plugins = new ArrayList<>();
    private CommandInvocationStatus status = CommandInvocationStatus.PENDING;
    private String details = "Pending";
    private int responseCode = -1;
    private Instant start;
    private Instant end;
    private Stop stop;
    private Process process;

    Invocation(SentCommand command, Instance instance, Path outputDir) {
        this.command = command;
        this.instance = instance;
        for (CommandDocument.Step step : command.document.steps()) {
            plugins.add(new Plugin(step.name(), outputDir.resolve(command.id).resolve(instance.id())
                    .resolve("awsrunShellScript").resolve(step.name())));
        }
    }

    /** A copy of the invocation's state, consistent at one moment. */
    record View(CommandInvocationStatus status, String details, int responseCode, Instant start, Instant end,
                List<PluginView> plugins) {
        boolean isFinal() {
            return Invocation.isFinal(status);
        }
    }

    record PluginView(String name, CommandPluginStatus status, String details, int responseCode, Instant start,
                      Instant end, Path stdout, Path stderr) {
    }

    synchronized View view() {
        return new View(status, details, responseCode, start, end, plugins.stream().map(p -> new PluginView(p.name,
                p.status, p.details, p.responseCode, p.start, p.end, p.stdout, p.stderr)).toList());
    }

    /** Moves to InProgress; false when the invocation was stopped while it waited. */
    synchronized boolean begin(Instant now) {
        if (stop != null) {
            return false;
        }
        status = CommandInvocationStatus.IN_PROGRESS;
        details = "InProgress";
        start = now;
        return true;
    }

    /**
     * Stops the invocation: a pending one ends at once (true: the caller reports it), a running one
     * has its process tree killed and ends when its execution thread sees it (false).
     */
    synchronized boolean stop(Stop reason, Instant now) {
        if (isFinal(status) || stop != null) {
            return false;
        }
        stop = reason;
        if (status == CommandInvocationStatus.PENDING) {
            finish(reason.status, reason.details, -1, now);
            return true;
        }
        if (process != null) {
            ProcessTrees.kill(process);
        }
        return false;
    }

    /**
     * Stops the invocation only if it has not started (true: the caller reports it); one that runs
     * is left to finish, as AWS lets running invocations finish once MaxErrors is exceeded.
     */
    synchronized boolean stopIfPending(Stop reason, Instant now) {
        return status == CommandInvocationStatus.PENDING && stop(reason, now);
    }

    synchronized Stop stopped() {
        return stop;
    }

    /** Records the running step's process, killing it at once when a stop came first. */
    synchronized void attach(Process p) {
        process = p;
        if (p != null && stop != null) {
            ProcessTrees.kill(p);
        }
    }

    synchronized Plugin plugin(int index) {
        return plugins.get(index);
    }

    synchronized void pluginStarted(Plugin p, Instant now) {
        p.status = CommandPluginStatus.IN_PROGRESS;
        p.details = "InProgress";
        p.start = now;
    }

    synchronized void pluginDone(Plugin p, CommandPluginStatus s, String d, int rc, Instant now) {
        p.status = s;
        p.details = d;
        p.responseCode = rc;
        p.end = now;
    }

    /** Ends the invocation from its plugins' results, or from the stop that interrupted it. */
    synchronized void complete(Instant now) {
        if (stop != null) {
            finish(stop.status, stop.details, -1, now);
            return;
        }
        CommandInvocationStatus s = CommandInvocationStatus.SUCCESS;
        String d = "Success";
        int rc = 0;
        for (Plugin p : plugins) {
            if (p.status == CommandPluginStatus.TIMED_OUT) {
                s = CommandInvocationStatus.TIMED_OUT;
                d = "ExecutionTimedOut";
            } else if (p.status != CommandPluginStatus.SUCCESS && s == CommandInvocationStatus.SUCCESS) {
                // Failed, or left unfinished by a fault of localcloud itself.
                s = CommandInvocationStatus.FAILED;
                d = "Failed";
            }
            if (rc == 0 && p.responseCode != 0) {
                rc = p.responseCode;
            }
        }
        finish(s, d, rc, now);
    }

    private void finish(CommandInvocationStatus s, String d, int rc, Instant now) {
        status = s;
        details = d;
        responseCode = rc;
        end = now;
        process = null;
        for (Plugin p : plugins) {
            if (p.status == CommandPluginStatus.PENDING || p.status == CommandPluginStatus.IN_PROGRESS) {
                p.status = s == CommandInvocationStatus.CANCELLED ? CommandPluginStatus.CANCELLED : CommandPluginStatus.FAILED;
                p.details = d;
                p.end = now;
            }
        }
    }

    static boolean isFinal(CommandInvocationStatus s) {
        return s != CommandInvocationStatus.PENDING && s != CommandInvocationStatus.IN_PROGRESS
                && s != CommandInvocationStatus.DELAYED && s != CommandInvocationStatus.CANCELLING;
    }
}

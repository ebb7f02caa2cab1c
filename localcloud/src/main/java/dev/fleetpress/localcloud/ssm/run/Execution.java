package dev.fleetpress.localcloud.ssm.run;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import software.amazon.awssdk.services.ssm.model.CommandPluginStatus;

/**
 * Runs one invocation as the SSM agent would: each step's lines, parameters substituted, written to
 * {@code _script.sh} beside its output and run with {@code bash} in the instance's root folder, with
 * a clean environment. A step over its {@code timeoutSeconds}, a cancel, or the instance's
 * termination kills the script's whole process tree.
 */
final class Execution implements Runnable {
    private static final long POLL_MILLIS = 100;
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Invocation invocation;
    private final RunCommandConfig config;
    private final Clock clock;
    private final Consumer<Invocation> onInProgress;
    private final Consumer<Invocation> onDone;

    Execution(Invocation invocation, RunCommandConfig config, Clock clock, Consumer<Invocation> onInProgress,
            Consumer<Invocation> onDone) {
        this.invocation = invocation;
        this.config = config;
        this.clock = clock;
        this.onInProgress = onInProgress;
        this.onDone = onDone;
    }

    @Override
    public void run() {
        SentCommand command = invocation.command;
        if (clock.instant().isAfter(command.requested.plus(command.deliveryTimeout))) {
            if (invocation.stop(Invocation.Stop.DELIVERY_TIMED_OUT, clock.instant())) {
                onDone.accept(invocation);
            }
            return;
        }
        if (!invocation.begin(clock.instant())) {
            return; // stopped while it waited; whoever stopped it reported it
        }
        onInProgress.accept(invocation);
        int step = 0;
        try {
            for (; step < command.document.steps().size() && invocation.stopped() == null; step++) {
                // As SSM does by default: a failed step does not stop the next one.
                runStep(command.document.steps().get(step), invocation.plugin(step));
            }
        } catch (InterruptedException e) {
            // localcloud is closing: end the invocation as a cancel would.
            invocation.stop(Invocation.Stop.CANCELLED, clock.instant());
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // A fault of the emulator or the machine (a folder it cannot write): the step failed.
            writeQuietly(invocation.plugin(step).stderr, "localcloud could not run the command: " + e.getMessage() + "\n");
        } finally {
            invocation.complete(clock.instant());
            onDone.accept(invocation);
        }
    }

    private void runStep(CommandDocument.Step step, Invocation.Plugin plugin) throws InterruptedException {
        Path dir = plugin.stdout.getParent();
        Path script = dir.resolve("_script.sh");
        Path root = invocation.instance.root();
        Path cwd = step.workingDirectory().isEmpty() ? root : root.resolve(step.workingDirectory().replaceFirst("^/+", ""));
        try {
            Files.createDirectories(dir);
            Files.createDirectories(cwd);
            Files.writeString(script, step.script(invocation.command.values), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + script + ": " + e.getMessage(), e);
        }
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString()).directory(cwd.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(plugin.stdout.toFile())
                .redirectError(plugin.stderr.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment(root));
        invocation.pluginStarted(plugin, clock.instant());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            writeQuietly(plugin.stderr, "failed to run commands: " + e.getMessage() + "\n");
            invocation.pluginDone(plugin, CommandPluginStatus.FAILED, "Failed", 1, clock.instant());
            return;
        }
        invocation.attach(process);
        try {
            Duration timeout = step.timeout(invocation.command.values);
            long deadline = System.nanoTime() + timeout.toNanos();
            boolean timedOut = false;
            while (!process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                if (System.nanoTime() - deadline >= 0) {
                    timedOut = true;
                    break;
                }
                if (config.instances().find(invocation.instance.id()).map(i -> !i.running()).orElse(true)) {
                    invocation.stop(Invocation.Stop.TERMINATED, clock.instant());
                    break;
                }
                if (invocation.stopped() != null) {
                    break;
                }
            }
            if (process.isAlive()) {
                ProcessTrees.killAndWait(process);
            }
            if (timedOut) {
                writeQuietly(plugin.stderr, "\nfailed to run commands: exit status 124 (timed out after "
                        + timeout.toSeconds() + " s)\n");
                invocation.pluginDone(plugin, CommandPluginStatus.TIMED_OUT, "ExecutionTimedOut", -1, clock.instant());
            } else if (invocation.stopped() != null) {
                Invocation.Stop stop = invocation.stopped();
                invocation.pluginDone(plugin, stop == Invocation.Stop.CANCELLED ? CommandPluginStatus.CANCELLED
                        : CommandPluginStatus.FAILED, stop.details, -1, clock.instant());
            } else {
                int rc = process.exitValue();
                invocation.pluginDone(plugin, rc == 0 ? CommandPluginStatus.SUCCESS : CommandPluginStatus.FAILED,
                        rc == 0 ? "Success" : "Failed", rc, clock.instant());
            }
        } catch (InterruptedException e) {
            ProcessTrees.kill(process);
            throw e;
        } finally {
            invocation.attach(null);
        }
    }

    /**
     * PATH (the sandbox's {@code /usr/local/bin} first, where tools installed on the instance such
     * as {@code wp} live, then the host's), a HOME inside the sandbox, the instance's identity, then
     * the configured variables: nothing else of the host.
     */
    private Map<String, String> environment(Path root) {
        Map<String, String> env = new LinkedHashMap<>();
        String path = System.getenv("PATH");
        env.put("PATH", root.resolve("usr/local/bin") + File.pathSeparator + (path == null ? DEFAULT_PATH : path));
        Path home = root.resolve("root");
        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + home, e);
        }
        env.put("HOME", home.toString());
        env.put("FLEETPRESS_INSTANCE_ROOT", root.toString());
        env.put("FLEETPRESS_INSTANCE_ID", invocation.instance.id());
        env.putAll(config.environment());
        return env;
    }

    private static void writeQuietly(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            // The message would only have explained a failure that is reported anyway.
        }
    }
}

package dev.fleetpress.cli;

import dev.fleetpress.cli.bench.ColdStartBenchmark;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleetpress bench}: benchmark programs that print ratios against a baseline run side by side. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks (they print ratios; nothing is asserted).",
        subcommands = BenchCommand.ColdStart.class)
final class BenchCommand implements Runnable {
    @Override
    public void run() {
        System.out.println("Usage: fleetpress bench cold-start [--runs N]");
    }

    @Command(name = "cold-start", mixinStandardHelpOptions = true,
            description = "WebhookFunction in a fresh JVM (construct + one event from events/) against a hello-world handler.")
    static final class ColdStart implements Callable<Integer> {
        @Option(names = "--runs", defaultValue = "9", description = "Runs of each (default: ${DEFAULT-VALUE}).")
        int runs;

        @Override
        public Integer call() throws Exception {
            return new ColdStartBenchmark(Workspace.root(), runs).run();
        }
    }
}

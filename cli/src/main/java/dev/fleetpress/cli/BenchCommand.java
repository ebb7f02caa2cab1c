package dev.fleetpress.cli;

import dev.fleetpress.cli.bench.ColdStartBenchmark;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleetpress bench}: benchmark programs that print ratios against a baseline run side by side. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks (they print ratios; nothing is asserted).",
        subcommands = {BenchCommand.ColdStart.class, BenchCommand.LaunchStorm.class, BenchCommand.Bootstrap.class,
                BenchCommand.MediaImport.class, BenchCommand.Rollout.class, BenchCommand.Efs.class})
final class BenchCommand implements Runnable {
    @Override
    public void run() {
        System.out.println("Usage: fleetpress bench cold-start [--runs N] | bootstrap [--rounds N] | launch-storm [--instances N] [--ssm-rate R] | media-import [--files N] [--rounds N] | rollout [--instances 3,20] | efs");
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

    @Command(name = "launch-storm", mixinStandardHelpOptions = true,
            description = "Many simultaneous launches with SSM throttled: all InService, none lost; makespan vs the throttle-bound minimum.")
    static final class LaunchStorm implements Callable<Integer> {
        @Option(names = "--instances", defaultValue = "100", description = "Simultaneous launches (default: ${DEFAULT-VALUE}).")
        int instances;

        @Option(names = "--ssm-rate", defaultValue = "10", description = "SSM calls per second allowed (default: ${DEFAULT-VALUE}).")
        double ssmRate;

        @Override
        public Integer call() throws Exception {
            return new dev.fleetpress.cli.bench.LaunchStormBenchmark(Workspace.root(), instances, ssmRate).run();
        }
    }

    @Command(name = "bootstrap", mixinStandardHelpOptions = true,
            description = "A WordPress-sized release from launch lifecycle event to CONTINUE, against composer install at boot and rsync from a shared dir "
                    + "(needs: bash bench/prepare-wordpress.sh).")
    static final class Bootstrap implements Callable<Integer> {
        @Option(names = "--rounds", defaultValue = "5", description = "Interleaved rounds of the three variants (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Override
        public Integer call() throws Exception {
            return new dev.fleetpress.cli.bench.BootstrapBenchmark(Workspace.root(), rounds).run();
        }
    }

    @Command(name = "media-import", mixinStandardHelpOptions = true,
            description = "MediaFunction importing an export's shards on localcloud, against aws s3 sync and a raw parallel PutObject loop "
                    + "to the same S3 endpoint; also peak heap and shard-size scaling.")
    static final class MediaImport implements Callable<Integer> {
        @Option(names = "--files", defaultValue = "5000", description = "Files of about 40 KB (default: ${DEFAULT-VALUE}).")
        int files;

        @Option(names = "--rounds", defaultValue = "3", description = "Interleaved rounds of the three variants (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--import-parallelism", paramLabel = "N", description = "MediaImportParallelism for this run "
                + "(default: the template's). localcloud runs 4 shard invocations at once, so 8 puts the import at the raw "
                + "loop's 32 requests in flight.")
        int importParallelism;

        @Override
        public Integer call() throws Exception {
            return new dev.fleetpress.cli.bench.MediaImportBenchmark(Workspace.root(), files, rounds, importParallelism).run();
        }
    }

    @Command(name = "rollout", mixinStandardHelpOptions = true,
            description = "Promotion to every instance on the new release and the database upgrade done, FleetPress's rolling activation "
                    + "against one instance at a time, for each fleet size.")
    static final class Rollout implements Callable<Integer> {
        @Option(names = "--instances", split = ",", defaultValue = "3,20", description = "Fleet sizes (default: ${DEFAULT-VALUE}).")
        List<Integer> instances;

        @Override
        public Integer call() throws Exception {
            return new dev.fleetpress.cli.bench.RolloutBenchmark(Workspace.root(), instances).run();
        }
    }

    @Command(name = "efs", mixinStandardHelpOptions = true,
            description = "When the time-to-exhaustion credit alarm fires against a fixed 20% threshold under steady drains, "
                    + "and how many restricted changes ten ALARM/OK cycles in 24 hours cause (simulated time).")
    static final class Efs implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return new dev.fleetpress.cli.bench.EfsBenchmark(Workspace.root()).run();
        }
    }
}

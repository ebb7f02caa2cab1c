package dev.fleetpress.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fleetpress} command. */
@Command(name = "fleetpress", mixinStandardHelpOptions = true, version = "fleetpress 0.1.0",
        description = "WordPress releases for auto-scaled fleets: local cloud, demo and operations.",
        subcommands = {DemoCommand.class, LocalCommand.class, StatusCommand.class, PromoteCommand.class, RollbackCommand.class, MediaCommand.class, EfsCommand.class,
                UpgradeCommand.class, WebhookCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}

package dev.fleetpress.cli;

import dev.fleetpress.upgrade.DatabaseRecord;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code fleetpress upgrade ack <env>}: the database upgrade gate's operator side. */
@Command(name = "upgrade", mixinStandardHelpOptions = true, description = "Database upgrades: acknowledge a failed one.",
        subcommands = UpgradeCommand.Ack.class)
final class UpgradeCommand implements Runnable {
    @Override
    public void run() {
        System.out.println("Usage: fleetpress upgrade ack <env>");
    }

    @Command(name = "ack", mixinStandardHelpOptions = true,
            description = {"Acknowledge the failed database upgrade that blocks an environment, after fixing its cause, "
                    + "so that promotions and rollbacks are allowed again. The failed release's upgrade is not retried.",
                    "Exit codes: 0 done (or nothing was blocked), 2 bad input or cloud unreachable."})
    static final class Ack implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "<env>", description = "The blocked environment.")
        String environment;

        @Mixin
        Backend.Options backend;

        @Override
        public Integer call() {
            return Backend.run(backend::open, (operations, out) -> {
                DatabaseRecord before = operations.database(environment);
                if (!before.blocked()) {
                    out.println(environment + ": not blocked; nothing to acknowledge (database at db version "
                            + before.dbVersion() + ")");
                    return 0;
                }
                DatabaseRecord after = operations.acknowledge(environment, Backend.requestedBy());
                out.println(environment + ": acknowledged the failed upgrade of " + before.blockedRelease() + " ("
                        + before.blockedReason() + "); promotions are allowed again. The database stays at db version "
                        + after.dbVersion() + (after.upgradedBy().isEmpty() ? "" : " (upgraded by " + after.upgradedBy() + ")"));
                return 0;
            });
        }
    }
}

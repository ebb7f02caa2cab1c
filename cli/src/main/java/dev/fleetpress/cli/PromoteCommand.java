package dev.fleetpress.cli;

import dev.fleetpress.release.PromotionResult;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fleetpress promote <release> <env>}: points an environment at a recorded release. */
@Command(name = "promote", mixinStandardHelpOptions = true,
        description = {"Point an environment at a recorded release. The rollout to its running instances and the "
                + "database upgrade (once per release and environment) follow on their own.",
                "Exit codes: 0 done (or already current), 1 not done (refused by the database guard, or a later "
                        + "promotion won), 2 bad input or cloud unreachable."})
final class PromoteCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "<release>", description = "The release: r- and 12 hex digits, or the full commit id.")
    String release;

    @Parameters(index = "1", paramLabel = "<env>", description = "The environment, for example production.")
    String environment;

    @Option(names = "--force", description = "Promote even though the environment's database was upgraded past this "
            + "release's WordPress (only after restoring the database). Never overrides a blocked environment.")
    boolean force;

    @Mixin
    Backend.Options backend;

    @Override
    public Integer call() {
        return Backend.run(backend::open, (operations, out) -> report(operations.promote(environment,
                ReleaseOperations.releaseId(release), force, Backend.requestedBy()), out));
    }

    /** Prints one line for {@code result} and returns the exit code: 0 done, 1 not done. */
    static int report(PromotionResult result, PrintStream out) {
        switch (result.kind()) {
            case PROMOTED -> {
                out.println(result.message() + " — watch it with fleetpress status");
                return 0;
            }
            case ALREADY_CURRENT -> {
                out.println(result.message() + "; nothing to do");
                return 0;
            }
            case REFUSED -> {
                System.err.println(result.environment() + ": refused " + result.releaseId() + ": " + result.message());
                return 1;
            }
            default -> {
                System.err.println(result.environment() + ": not moved to " + result.releaseId() + ": " + result.message());
                return 1;
            }
        }
    }
}

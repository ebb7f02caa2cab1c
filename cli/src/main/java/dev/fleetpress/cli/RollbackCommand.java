package dev.fleetpress.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fleetpress rollback <env> [--to <release>]}: points an environment back at an earlier release. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {"Point an environment back at an earlier release: by default the newest release it ran before "
                + "the current one (from its pointer's history) that is recorded. Refused when the environment's "
                + "database was upgraded past that release's WordPress, unless --force.",
                "Exit codes: 0 done (or already current), 1 not done (refused by the database guard, or a later "
                        + "promotion won), 2 bad input, no earlier release, or cloud unreachable."})
final class RollbackCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "<env>", description = "The environment, for example production.")
    String environment;

    @Option(names = "--to", paramLabel = "<release>",
            description = "The release to roll back to (r- and 12 hex digits, or the full commit id).")
    String to;

    @Option(names = "--force", description = "Roll back even though the environment's database was upgraded past the "
            + "target's WordPress (only after restoring the database). Never overrides a blocked environment.")
    boolean force;

    @Mixin
    Backend.Options backend;

    @Override
    public Integer call() {
        return Backend.run(backend::open, (operations, out) -> PromoteCommand.report(operations.rollback(environment,
                Optional.ofNullable(to).map(ReleaseOperations::releaseId), force, Backend.requestedBy()), out));
    }
}

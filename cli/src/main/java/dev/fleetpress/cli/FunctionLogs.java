package dev.fleetpress.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * Keeps the functions' JSON log lines (written to standard output, as on Lambda) in a file while a
 * command prints its own readable output to the console.
 */
public final class FunctionLogs {
    private FunctionLogs() {
    }

    /** Runs {@code body} with standard output going to {@code file}; {@code body} gets the console. */
    public static <T> T into(Path file, java.util.function.Function<PrintStream, Callable<T>> body) throws Exception {
        PrintStream console = System.out;
        try (PrintStream logs = new PrintStream(Files.newOutputStream(file), true, StandardCharsets.UTF_8)) {
            System.setOut(logs);
            return body.apply(console).call();
        } finally {
            System.setOut(console);
        }
    }
}

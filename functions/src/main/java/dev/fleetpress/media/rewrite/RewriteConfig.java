package dev.fleetpress.media.rewrite;

import java.time.Duration;
import java.util.Objects;

/**
 * @param document     the rewrite SSM document ({@code <stack>-rewrite-urls})
 * @param claimLease   how long a claim holder has to send the command before a successor may take over
 * @param runLease     how long a sent command is followed (at least the document's timeout); also its record's lease
 * @param pollInterval the pause between two GetCommandInvocation calls while following a command
 */
public record RewriteConfig(String document, Duration claimLease, Duration runLease, Duration pollInterval) {
    public RewriteConfig {
        Objects.requireNonNull(document, "document");
        if (document.isBlank()) {
            throw new IllegalArgumentException("the rewrite document's name is empty (template.yaml RewriteUrlsDocument)");
        }
        if (claimLease.isNegative() || claimLease.isZero() || runLease.compareTo(claimLease) < 0 || pollInterval.isNegative()) {
            throw new IllegalArgumentException("rewrite leases must be positive, the run lease at least the claim lease, "
                    + "and the poll interval not negative");
        }
    }

    /** This configuration, polling every {@code interval} instead. */
    public RewriteConfig withPollInterval(Duration interval) {
        return new RewriteConfig(document, claimLease, runLease, interval);
    }

    /** The defaults for {@code document}: a 60 s claim, the document's 3600 s timeout plus a margin, a poll every 2 s. */
    public static RewriteConfig of(String document) {
        return new RewriteConfig(document, Duration.ofSeconds(60), Duration.ofSeconds(3900), Duration.ofSeconds(2));
    }
}

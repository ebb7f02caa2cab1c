package dev.fleetpress.webhook;

/**
 * A ref that now points at {@code commit}. Construction validates every field (see {@link Inputs}),
 * so a {@code Push} that exists is safe to hand on.
 *
 * @param repository the provider's full repository name, e.g. {@code acme/site}
 * @param ref        {@code refs/heads/…} or {@code refs/tags/…}
 * @param commit     the full commit id in lower case
 */
public record Push(String repository, String ref, String commit) implements RefChange {
    public Push {
        repository = Inputs.repository(repository);
        ref = Inputs.ref(ref);
        commit = Inputs.commit("commit", commit);
        if (Inputs.isNullCommit(commit)) {
            throw new InvalidDeliveryException("commit of " + ref + " is all zeros: that is a deletion, not a push");
        }
    }
}

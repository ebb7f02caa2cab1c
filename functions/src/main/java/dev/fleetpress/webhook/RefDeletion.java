package dev.fleetpress.webhook;

/** A branch or tag that was deleted: there is nothing to release. Fields are validated on construction. */
public record RefDeletion(String repository, String ref) implements RefChange {
    public RefDeletion {
        repository = Inputs.repository(repository);
        ref = Inputs.ref(ref);
    }
}

package dev.fleetpress.release;

import dev.fleetpress.ledger.VersionedLedger;
import java.util.Optional;

/** A {@link ReleaseStore} that passes every call to another; tests override the call they interfere with. */
class DelegatingReleaseStore implements ReleaseStore {
    private final ReleaseStore delegate;

    DelegatingReleaseStore(ReleaseStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public VersionedLedger records() {
        return delegate.records();
    }

    @Override
    public Optional<ArtifactDigest> digest(ReleaseId releaseId, String fileName) {
        return delegate.digest(releaseId, fileName);
    }

    @Override
    public Optional<String> capturedManifest(String captureId) {
        return delegate.capturedManifest(captureId);
    }

    @Override
    public Optional<ArtifactDigest> capturedDigest(String captureId, String fileName) {
        return delegate.capturedDigest(captureId, fileName);
    }

    @Override
    public boolean copyCaptured(String captureId, ReleaseId releaseId, String fileName) {
        return delegate.copyCaptured(captureId, releaseId, fileName);
    }
}

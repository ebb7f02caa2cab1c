package dev.fleetpress.release;

import dev.fleetpress.ledger.VersionedLedger;
import java.util.Optional;

/**
 * Where releases live: the build's output ({@code manifest.json}, the tarball) and FleetPress's own
 * records about them. On AWS this is the release bucket under {@code releases/}:
 *
 * <pre>
 * releases/&lt;id&gt;/manifest.json          written by the build (buildspec.yml)
 * releases/&lt;id&gt;/release.tar.gz         written by the build; its sha256 and size are in the manifest
 * releases/&lt;id&gt;/build.json             the current build attempt (create-if-absent, then compare-and-swap)
 * releases/&lt;id&gt;/builds/&lt;build&gt;.json    one record per failed build (create-if-absent)
 * releases/&lt;id&gt;/intents.json           environments waiting for this release, newest push per environment
 * releases/&lt;id&gt;/release.json           the verified release (create-if-absent: its existence means "recorded")
 * releases/environments/&lt;env&gt;.json     the environment's promotion head (which push the pointer follows)
 * </pre>
 */
public interface ReleaseStore {
    /** The records above, keyed relative to {@code releases/} (for example {@code r-0123456789ab/build.json}). */
    VersionedLedger records();

    /**
     * Streams {@code releases/<id>/<fileName>} through SHA-256 without holding it in memory; empty when
     * the object does not exist. {@code fileName} is a plain file name (a validated manifest's
     * artifact key).
     */
    Optional<ArtifactDigest> digest(ReleaseId releaseId, String fileName);

    /** The SHA-256 (lower-case hex) and size of an object as actually stored. */
    record ArtifactDigest(String sha256, long bytes) {
    }
}

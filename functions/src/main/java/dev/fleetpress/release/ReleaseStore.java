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
 *
 * <p>A captured release (the EFS exit plan's capture document) arrives beside them, under
 * {@code captures/<capture-id>/} ({@code release.tar.gz}, then {@code manifest.json}), because fleet
 * instances may write only there: only the function that verified a capture copies it into
 * {@code releases/<id>/} ({@link #copyCaptured}), so no instance can change a release the fleet installs.
 */
public interface ReleaseStore {
    /** The file names a capture may hold and have copied: the tarball, and its manifest (copied last). */
    String CAPTURED_TARBALL = "release.tar.gz";
    String MANIFEST = "manifest.json";
    /** The records above, keyed relative to {@code releases/} (for example {@code r-0123456789ab/build.json}). */
    VersionedLedger records();

    /**
     * Streams {@code releases/<id>/<fileName>} through SHA-256 without holding it in memory; empty when
     * the object does not exist. {@code fileName} is a plain file name (a validated manifest's
     * artifact key).
     */
    Optional<ArtifactDigest> digest(ReleaseId releaseId, String fileName);

    /**
     * {@code captures/<captureId>/manifest.json} as uploaded by the capture document; empty when the
     * object does not exist.
     *
     * @throws Manifest.ManifestException when it is over 1 MiB, which no capture's manifest is (an
     *                                    instance wrote it, so it is not read whole)
     */
    Optional<String> capturedManifest(String captureId);

    /** As {@link #digest}, for {@code captures/<captureId>/<fileName>}. */
    Optional<ArtifactDigest> capturedDigest(String captureId, String fileName);

    /**
     * Copies {@code captures/<captureId>/<fileName>} to {@code releases/<releaseId>/<fileName>} inside
     * the store (on S3 a server-side CopyObject), only if the target does not exist yet (on S3
     * {@code If-None-Match: *}): an existing release object is never overwritten.
     *
     * @param fileName {@link #CAPTURED_TARBALL} or {@link #MANIFEST}, nothing else (the records beside
     *                 them, such as release.json, are never copied from what an instance wrote)
     * @return true when this call created the target, false when it already existed (left as it was)
     * @throws ReleaseBackendException when the source is missing or the store fails (the caller retries)
     */
    boolean copyCaptured(String captureId, ReleaseId releaseId, String fileName);

    /**
     * {@code captureId} when it is a capture id as the capture document's parameter allows
     * ({@code c-} and 4 to 60 of {@code [a-z0-9-]}); otherwise throws {@link IllegalArgumentException}.
     */
    static String requireCaptureId(String captureId) {
        if (captureId == null || !captureId.matches("^c-[a-z0-9-]{4,60}$")) {
            throw new IllegalArgumentException("capture id '" + captureId + "' does not match ^c-[a-z0-9-]{4,60}$");
        }
        return captureId;
    }

    /** {@code fileName} when it is one a capture may have copied into a release; otherwise throws. */
    static String requireCopyable(String fileName) {
        if (!CAPTURED_TARBALL.equals(fileName) && !MANIFEST.equals(fileName)) {
            throw new IllegalArgumentException("only " + CAPTURED_TARBALL + " and " + MANIFEST + " are copied from a "
                    + "capture into a release, not '" + fileName + "'");
        }
        return fileName;
    }

    /** The SHA-256 (lower-case hex) and size of an object as actually stored. */
    record ArtifactDigest(String sha256, long bytes) {
    }
}

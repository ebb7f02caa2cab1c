package dev.fleetpress.release;

import dev.fleetpress.json.Json;
import dev.fleetpress.ledger.InMemoryLedger;
import dev.fleetpress.ledger.VersionedLedger;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link ReleaseStore} in memory: records (and manifests) in an {@link InMemoryLedger}, artifacts as
 * byte arrays, captures ({@code captures/<id>/<file>}) as byte arrays too; copies are create-if-absent
 * and atomic, as S3's CopyObject with {@code If-None-Match: *} is.
 */
final class InMemoryReleaseStore implements ReleaseStore {
    private final InMemoryLedger records = new InMemoryLedger();
    private final Map<String, byte[]> artifacts = new HashMap<>();
    private final Map<String, byte[]> captures = new HashMap<>();
    private int copies;

    @Override
    public VersionedLedger records() {
        return records;
    }

    InMemoryLedger ledger() {
        return records;
    }

    /** What the build uploads: the tarball, then its manifest. */
    synchronized void upload(Manifest manifest, byte[] tarball) {
        artifacts.put(manifest.releaseId() + "/" + manifest.artifact().key(), tarball.clone());
        records.put(manifest.releaseId() + "/manifest.json", Json.write(manifest.toJson()));
    }

    /** Replaces an uploaded artifact's bytes, as a corrupted or tampered upload would. */
    synchronized void overwriteArtifact(ReleaseId id, String fileName, byte[] bytes) {
        artifacts.put(id + "/" + fileName, bytes.clone());
    }

    synchronized void deleteArtifact(ReleaseId id, String fileName) {
        artifacts.remove(id + "/" + fileName);
    }

    /** What the capture document uploads, or a hostile instance instead: {@code captures/<captureId>/<fileName>}. */
    synchronized void putCaptured(String captureId, String fileName, byte[] bytes) {
        captures.put(captureId + "/" + fileName, bytes.clone());
    }

    synchronized void deleteCaptured(String captureId, String fileName) {
        captures.remove(captureId + "/" + fileName);
    }

    synchronized boolean hasArtifact(ReleaseId id, String fileName) {
        return artifacts.containsKey(id + "/" + fileName);
    }

    synchronized byte[] artifact(ReleaseId id, String fileName) {
        byte[] bytes = artifacts.get(id + "/" + fileName);
        return bytes == null ? null : bytes.clone();
    }

    /** How many copies created their target. */
    synchronized int copies() {
        return copies;
    }

    @Override
    public synchronized Optional<String> capturedManifest(String captureId) {
        byte[] bytes = captures.get(ReleaseStore.requireCaptureId(captureId) + "/" + MANIFEST);
        return bytes == null ? Optional.empty() : Optional.of(new String(bytes, StandardCharsets.UTF_8));
    }

    @Override
    public synchronized Optional<ArtifactDigest> capturedDigest(String captureId, String fileName) {
        return digestOf(captures.get(ReleaseStore.requireCaptureId(captureId) + "/" + fileName));
    }

    @Override
    public synchronized boolean copyCaptured(String captureId, ReleaseId releaseId, String fileName) {
        byte[] source = captures.get(ReleaseStore.requireCaptureId(captureId) + "/" + ReleaseStore.requireCopyable(fileName));
        if (source == null) {
            throw new ReleaseBackendException("captures/" + captureId + "/" + fileName + " does not exist", null);
        }
        boolean created;
        if (fileName.equals(MANIFEST)) {
            created = records.createIfAbsent(releaseId + "/" + MANIFEST, new String(source, StandardCharsets.UTF_8));
        } else {
            created = artifacts.putIfAbsent(releaseId + "/" + fileName, source.clone()) == null;
        }
        if (created) {
            copies++;
        }
        return created;
    }

    @Override
    public synchronized Optional<ArtifactDigest> digest(ReleaseId releaseId, String fileName) {
        return digestOf(artifacts.get(releaseId + "/" + fileName));
    }

    private static Optional<ArtifactDigest> digestOf(byte[] bytes) {
        if (bytes == null) {
            return Optional.empty();
        }
        // Streamed like S3ReleaseStore, so the fake does not hide a buffering assumption.
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[7];
            long total = 0;
            for (int n; (n = in.read(buffer)) != -1; ) {
                sha.update(buffer, 0, n);
                total += n;
            }
            return Optional.of(new ArtifactDigest(HexFormat.of().formatHex(sha.digest()), total));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

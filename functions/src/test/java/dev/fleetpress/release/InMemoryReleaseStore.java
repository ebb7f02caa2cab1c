package dev.fleetpress.release;

import dev.fleetpress.json.Json;
import dev.fleetpress.ledger.InMemoryLedger;
import dev.fleetpress.ledger.VersionedLedger;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/** A {@link ReleaseStore} in memory: records in an {@link InMemoryLedger}, artifacts as byte arrays. */
final class InMemoryReleaseStore implements ReleaseStore {
    private final InMemoryLedger records = new InMemoryLedger();
    private final Map<String, byte[]> artifacts = new HashMap<>();

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

    @Override
    public synchronized Optional<ArtifactDigest> digest(ReleaseId releaseId, String fileName) {
        byte[] bytes = artifacts.get(releaseId + "/" + fileName);
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

package dev.fleetpress.aws;

import dev.fleetpress.ledger.VersionedLedger;
import dev.fleetpress.release.ReleaseBackendException;
import dev.fleetpress.release.ReleaseId;
import dev.fleetpress.release.ReleaseStore;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The {@link ReleaseStore} in the release bucket: records through an {@link S3Ledger} under
 * {@code releases/}, artifacts digested as they stream out of GetObject (a tarball of any size costs
 * one 64 KiB buffer).
 */
public final class S3ReleaseStore implements ReleaseStore {
    static final String PREFIX = "releases/";
    private static final Pattern FILE_NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");

    private final S3Client s3;
    private final String bucket;
    private final S3Ledger records;

    private S3ReleaseStore(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
        this.records = S3Ledger.create(s3, bucket, PREFIX);
    }

    public static S3ReleaseStore create(S3Client s3, String bucket) {
        return new S3ReleaseStore(Objects.requireNonNull(s3, "s3"), bucket);
    }

    @Override
    public VersionedLedger records() {
        return records;
    }

    @Override
    public Optional<ArtifactDigest> digest(ReleaseId releaseId, String fileName) {
        if (fileName == null || !FILE_NAME.matcher(fileName).matches() || fileName.contains("..")) {
            throw new IllegalArgumentException("artifact '" + fileName + "' must be a plain file name");
        }
        String key = PREFIX + releaseId.value() + "/" + fileName;
        MessageDigest sha256 = sha256();
        long bytes = 0;
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key))) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) != -1; ) {
                sha256.update(buffer, 0, n);
                bytes += n;
            }
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure(key, e);
        } catch (SdkException | IOException e) {
            throw failure(key, e);
        }
        return Optional.of(new ArtifactDigest(HexFormat.of().formatHex(sha256.digest()), bytes));
    }

    private ReleaseBackendException failure(String key, Exception e) {
        return new ReleaseBackendException("reading s3://" + bucket + "/" + key + " failed: " + e.getMessage()
                + (e instanceof S3Exception s && s.statusCode() == 403
                ? "; the function's role needs s3:GetObject on releases/* (template.yaml)" : "; the trigger will retry"), e);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM lacks SHA-256, which every Java platform must provide", e);
        }
    }
}

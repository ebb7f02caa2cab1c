package dev.fleetpress.aws;

import dev.fleetpress.ledger.VersionedLedger;
import dev.fleetpress.release.Manifest;
import dev.fleetpress.release.ReleaseBackendException;
import dev.fleetpress.release.ReleaseId;
import dev.fleetpress.release.ReleaseStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The {@link ReleaseStore} in the release bucket: records through an {@link S3Ledger} under
 * {@code releases/}, artifacts digested as they stream out of GetObject (a tarball of any size costs
 * one 64 KiB buffer), captures read under {@code captures/} and copied into {@code releases/} by
 * CopyObject with {@code If-None-Match: *} (412: the target exists; 409 ConditionalRequestConflict:
 * a conflicting write is in flight, retried). One CopyObject copies up to 5 GB, far above a release.
 */
public final class S3ReleaseStore implements ReleaseStore {
    static final String PREFIX = "releases/";
    static final String CAPTURES = "captures/";
    private static final int MAX_MANIFEST_BYTES = 1024 * 1024;
    private static final int CONFLICT_RETRIES = 5;
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
        return digestOf(PREFIX + releaseId.value() + "/" + requireFileName(fileName));
    }

    @Override
    public Optional<ArtifactDigest> capturedDigest(String captureId, String fileName) {
        return digestOf(CAPTURES + ReleaseStore.requireCaptureId(captureId) + "/" + requireFileName(fileName));
    }

    @Override
    public Optional<String> capturedManifest(String captureId) {
        String key = CAPTURES + ReleaseStore.requireCaptureId(captureId) + "/" + MANIFEST;
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key))) {
            byte[] bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
            if (bytes.length > MAX_MANIFEST_BYTES) {
                throw new Manifest.ManifestException("it is over " + MAX_MANIFEST_BYTES
                        + " bytes, which no capture's manifest is: capture again");
            }
            return Optional.of(new String(bytes, StandardCharsets.UTF_8));
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
    }

    @Override
    public boolean copyCaptured(String captureId, ReleaseId releaseId, String fileName) {
        String source = CAPTURES + ReleaseStore.requireCaptureId(captureId) + "/" + ReleaseStore.requireCopyable(fileName);
        String target = PREFIX + releaseId.value() + "/" + fileName;
        CopyObjectRequest request = CopyObjectRequest.builder().sourceBucket(bucket).sourceKey(source)
                .destinationBucket(bucket).destinationKey(target).ifNoneMatch("*").build();
        for (int attempt = 1; ; attempt++) {
            try {
                s3.copyObject(request);
                return true;
            } catch (S3Exception e) {
                if (e.statusCode() == 412) {
                    return false;
                }
                if (e.statusCode() == 409 && attempt < CONFLICT_RETRIES) {
                    pause(attempt);
                    continue;
                }
                throw copyFailure(source, target, e);
            } catch (SdkException e) {
                throw copyFailure(source, target, e);
            }
        }
    }

    private Optional<ArtifactDigest> digestOf(String key) {
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

    private static String requireFileName(String fileName) {
        if (fileName == null || !FILE_NAME.matcher(fileName).matches() || fileName.contains("..")) {
            throw new IllegalArgumentException("artifact '" + fileName + "' must be a plain file name");
        }
        return fileName;
    }

    private ReleaseBackendException copyFailure(String source, String target, SdkException e) {
        String hint;
        if (e instanceof S3Exception s && s.statusCode() == 404) {
            hint = "; the capture's object is gone: capture again";
        } else if (e instanceof S3Exception s && s.statusCode() == 403) {
            hint = "; the function's role needs s3:GetObject on captures/* and s3:PutObject on releases/r-*/"
                    + fileNameOf(target) + " (template.yaml)";
        } else {
            hint = "; the trigger will retry";
        }
        return new ReleaseBackendException("copying s3://" + bucket + "/" + source + " to s3://" + bucket + "/" + target
                + " failed: " + e.getMessage() + hint, e);
    }

    private static String fileNameOf(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    private static void pause(int attempt) {
        try {
            // A conflicting write finishes in tens of milliseconds; back off a little more each time.
            Thread.sleep(25L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReleaseBackendException("interrupted while waiting out a conflicting S3 write", e);
        }
    }

    private ReleaseBackendException failure(String key, Exception e) {
        return new ReleaseBackendException("reading s3://" + bucket + "/" + key + " failed: " + e.getMessage()
                + (e instanceof S3Exception s && s.statusCode() == 403
                ? "; the function's role needs s3:GetObject on " + (key.startsWith(CAPTURES) ? "captures/*" : "releases/*")
                + " (template.yaml)" : "; the trigger will retry"), e);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM lacks SHA-256, which every Java platform must provide", e);
        }
    }
}

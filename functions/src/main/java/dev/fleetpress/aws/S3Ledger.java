package dev.fleetpress.aws;

import dev.fleetpress.ledger.LedgerException;
import dev.fleetpress.ledger.LedgerKeys;
import dev.fleetpress.ledger.VersionedLedger;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A {@link VersionedLedger} of small JSON objects in one S3 bucket, under {@code keyPrefix}.
 *
 * <p>Atomicity comes from S3 itself, not from this class: {@link #createIfAbsent} is a PutObject with
 * {@code If-None-Match: *} (412 when the key exists) and {@link #replace} a PutObject with
 * {@code If-Match: <etag>} (412 when the object changed). S3 answers 409
 * {@code ConditionalRequestConflict} while a conflicting write is in flight; the write is then retried,
 * and the retry gets its definite answer. localcloud's S3 enforces both headers the same way, and the
 * localcloud integration tests exercise this class there.
 *
 * <p>Reads are capped at {@value #MAX_RECORD_BYTES} bytes: ledger records are small, and a larger
 * object under a ledger key is someone else's mistake that must not exhaust the function's memory.
 */
public final class S3Ledger implements VersionedLedger {
    static final int MAX_RECORD_BYTES = 1024 * 1024;
    private static final int CONFLICT_RETRIES = 5;

    private final S3Client s3;
    private final String bucket;
    private final String keyPrefix;

    private S3Ledger(S3Client s3, String bucket, String keyPrefix) {
        this.s3 = s3;
        this.bucket = bucket;
        this.keyPrefix = keyPrefix;
    }

    /**
     * A ledger in {@code bucket} whose keys are stored under {@code keyPrefix} (empty, or ending with
     * {@code /}, for example {@code releases/}).
     */
    public static S3Ledger create(S3Client s3, String bucket, String keyPrefix) {
        Objects.requireNonNull(s3, "s3");
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("S3Ledger needs a bucket name (RELEASE_BUCKET)");
        }
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        if (!keyPrefix.isEmpty()) {
            if (!keyPrefix.endsWith("/")) {
                throw new IllegalArgumentException("key prefix '" + keyPrefix + "' must be empty or end with '/'");
            }
            LedgerKeys.requireValid(keyPrefix.substring(0, keyPrefix.length() - 1));
        }
        return new S3Ledger(s3, bucket, keyPrefix);
    }

    @Override
    public boolean createIfAbsent(String key, String content) {
        String objectKey = objectKey(key);
        return put("create", objectKey, () -> request(objectKey).ifNoneMatch("*").build(), content);
    }

    @Override
    public boolean replace(String key, String expectedVersion, String content) {
        String objectKey = objectKey(key);
        if (expectedVersion == null || expectedVersion.isBlank()) {
            throw new IllegalArgumentException("replace of " + objectKey + " needs the version (ETag) it read");
        }
        return put("replace", objectKey, () -> request(objectKey).ifMatch(expectedVersion).build(), content);
    }

    @Override
    public Optional<Entry> readEntry(String key) {
        String objectKey = objectKey(key);
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(objectKey))) {
            // Read one byte past the cap rather than trusting Content-Length alone.
            byte[] bytes = in.readNBytes(MAX_RECORD_BYTES + 1);
            if (bytes.length > MAX_RECORD_BYTES) {
                in.abort();
                throw new LedgerException(location(objectKey) + " is larger than a ledger record may be ("
                        + MAX_RECORD_BYTES + " bytes); something other than FleetPress wrote it: remove it");
            }
            return Optional.of(new Entry(new String(bytes, StandardCharsets.UTF_8), in.response().eTag()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("read", objectKey, e);
        } catch (SdkException e) {
            throw failure("read", objectKey, e);
        } catch (IOException e) {
            throw new LedgerException("ledger read of " + location(objectKey) + " failed: " + e.getMessage()
                    + "; the trigger will retry", e);
        }
    }

    private boolean put(String operation, String objectKey, Supplier<PutObjectRequest> request, String content) {
        Objects.requireNonNull(content, "content");
        byte[] body = content.getBytes(StandardCharsets.UTF_8);
        for (int attempt = 1; ; attempt++) {
            try {
                s3.putObject(request.get(), RequestBody.fromBytes(body));
                return true;
            } catch (S3Exception e) {
                int status = e.statusCode();
                // 412: the condition failed, a definite "someone else's write stands".
                // 404 on If-Match: the object we read is gone, which for a ledger is also "changed".
                if (status == 412 || (status == 404 && operation.equals("replace"))) {
                    return false;
                }
                if (status == 409 && attempt < CONFLICT_RETRIES) {
                    pause(attempt);
                    continue;
                }
                throw failure(operation, objectKey, e);
            } catch (SdkException e) {
                throw failure(operation, objectKey, e);
            }
        }
    }

    private PutObjectRequest.Builder request(String objectKey) {
        return PutObjectRequest.builder().bucket(bucket).key(objectKey).contentType("application/json");
    }

    private String objectKey(String key) {
        return keyPrefix + LedgerKeys.requireValid(key);
    }

    private String location(String objectKey) {
        return "s3://" + bucket + "/" + objectKey;
    }

    private LedgerException failure(String operation, String objectKey, SdkException e) {
        String hint = e instanceof S3Exception s3e && s3e.statusCode() == 403
                ? "; the function's role needs s3:GetObject, s3:PutObject and s3:ListBucket on the bucket (template.yaml)"
                : "; the trigger will retry";
        return new LedgerException("ledger " + operation + " of " + location(objectKey) + " failed: "
                + e.getMessage() + hint, e);
    }

    private static void pause(int attempt) {
        try {
            // A conflicting write finishes in tens of milliseconds; back off a little more each time.
            Thread.sleep(25L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerException("interrupted while waiting out a conflicting S3 write", e);
        }
    }
}

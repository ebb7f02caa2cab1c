package dev.fleetpress.aws;

import dev.fleetpress.log.Log;
import dev.fleetpress.media.ObjectStore;
import dev.fleetpress.media.ObjectStoreException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The media bucket through S3. {@link #putIfVerified} uses a multipart upload of
 * {@value #PART_BYTES}-byte parts, completed only if the check passes once the body is read and
 * aborted otherwise (or on any failure), so a file that does not match its manifest is never visible
 * under its key; the role needs {@code s3:AbortMultipartUpload} for that. {@code s3:ListBucket} serves
 * {@link #list} (the verification's ListObjectsV2) and makes a missing key answer 404; without it S3
 * answers 403 and this adapter fails, naming it. ETags are handed out without S3's quotes.
 */
public final class S3ObjectStore implements ObjectStore {
    /** S3's smallest part size is 5 MiB; 8 MiB keeps one part buffer small and 10,000 parts enough. */
    static final int PART_BYTES = 8 * 1024 * 1024;
    static final String SHA256_METADATA = "sha256";

    private final S3Client s3;
    private final String bucket;

    private S3ObjectStore(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    public static S3ObjectStore create(S3Client s3, String bucket) {
        Objects.requireNonNull(s3, "s3");
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("S3ObjectStore needs a bucket name (MEDIA_BUCKET)");
        }
        return new S3ObjectStore(s3, bucket);
    }

    @Override
    public Optional<StoredObject> head(String key) {
        try {
            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key));
            String sha = head.metadata().getOrDefault(SHA256_METADATA, "");
            return Optional.of(new StoredObject(head.contentLength(), sha, unquoted(head.eTag())));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("HeadObject", key, e);
        } catch (SdkException e) {
            throw failure("HeadObject", key, e);
        }
    }

    @Override
    public Optional<InputStream> open(String key) {
        ResponseInputStream<GetObjectResponse> in;
        try {
            in = s3.getObject(b -> b.bucket(bucket).key(key));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("GetObject", key, e);
        } catch (SdkException e) {
            throw failure("GetObject", key, e);
        }
        return Optional.of(new TransferGuard(in, location(key)));
    }

    @Override
    public Optional<String> putIfAbsent(String key, byte[] bytes, UploadHeaders headers) {
        try {
            return Optional.of(unquoted(s3.putObject(b -> b.bucket(bucket).key(key).ifNoneMatch("*")
                    .contentType(headers.contentType()).cacheControl(headers.cacheControl())
                    .metadata(Map.of(SHA256_METADATA, headers.sha256())), RequestBody.fromBytes(bytes)).eTag()));
        } catch (S3Exception e) {
            // 412: the key holds an object; 409: a concurrent conditional write to it won. Either way it exists.
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                return Optional.empty();
            }
            throw failure("PutObject", key, e);
        } catch (SdkException e) {
            throw failure("PutObject", key, e);
        }
    }

    @Override
    public String put(String key, byte[] bytes, UploadHeaders headers) {
        try {
            return unquoted(s3.putObject(b -> b.bucket(bucket).key(key).contentType(headers.contentType())
                    .cacheControl(headers.cacheControl()).metadata(Map.of(SHA256_METADATA, headers.sha256())),
                    RequestBody.fromBytes(bytes)).eTag());
        } catch (SdkException e) {
            throw failure("PutObject", key, e);
        }
    }

    @Override
    public Optional<String> putIfVerified(String key, InputStream body, long size, UploadHeaders headers,
                                          BooleanSupplier verified) {
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(headers.contentType())
                    .cacheControl(headers.cacheControl()).metadata(Map.of(SHA256_METADATA, headers.sha256())))
                    .uploadId();
        } catch (SdkException e) {
            throw failure("CreateMultipartUpload", key, e);
        }
        boolean completed = false;
        try {
            List<CompletedPart> parts = new ArrayList<>();
            byte[] buffer = new byte[(int) Math.min(PART_BYTES, Math.max(size, 1))];
            int number = 1;
            while (true) {
                int n = body.readNBytes(buffer, 0, buffer.length);
                if (n == 0 && number > 1) {
                    break;
                }
                int partNumber = number++;
                String eTag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber)
                        .contentLength((long) n), RequestBody.fromBytes(Arrays.copyOf(buffer, n))).eTag();
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(eTag).build());
                if (n < buffer.length) {
                    break;
                }
            }
            if (!verified.getAsBoolean()) {
                return Optional.empty();
            }
            String eTag = s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts))).eTag();
            completed = true;
            return Optional.of(unquoted(eTag));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SdkException e) {
            throw failure("multipart upload", key, e);
        } finally {
            if (!completed) {
                abort(key, uploadId);
            }
        }
    }

    @Override
    public void list(String prefix, String startAfter, Predicate<ListedObject> each) {
        String token = null;
        do {
            ListObjectsV2Response page;
            try {
                String from = token;
                page = s3.listObjectsV2(b -> {
                    b.bucket(bucket).prefix(prefix);
                    if (from != null) {
                        b.continuationToken(from);
                    } else if (!startAfter.isEmpty()) {
                        b.startAfter(startAfter);
                    }
                });
            } catch (SdkException e) {
                throw failure("ListObjectsV2", prefix, e);
            }
            for (S3Object o : page.contents()) {
                // Without a time the object counts as changed since, so the verification asks HeadObject.
                Instant modified = o.lastModified() == null ? Instant.MAX : o.lastModified();
                if (!each.test(new ListedObject(o.key(), o.size(), unquoted(o.eTag()), modified))) {
                    return;
                }
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
    }

    /** S3 quotes ETags in its answers; the store hands them out bare (and "" for none). */
    static String unquoted(String eTag) {
        if (eTag == null) {
            return "";
        }
        return eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"") ? eTag.substring(1, eTag.length() - 1) : eTag;
    }

    private void abort(String key, String uploadId) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
        } catch (SdkException e) {
            // The parts stay invisible; a lifecycle rule for incomplete uploads (or a later abort) reclaims them.
            Log.warn("could not abort a refused upload; its parts stay invisible until a lifecycle rule removes them",
                    Map.of("key", key, "uploadId", uploadId, "error", String.valueOf(e.getMessage())));
        }
    }

    private String location(String key) {
        return "s3://" + bucket + "/" + key;
    }

    private ObjectStoreException failure(String operation, String key, SdkException e) {
        String hint = e instanceof S3Exception s3e && s3e.statusCode() == 403
                ? "; MediaFunction's role needs s3:GetObject, s3:PutObject, s3:AbortMultipartUpload on the objects "
                        + "and s3:ListBucket on the bucket (template.yaml)"
                : "; the event's retry imports the shard again";
        return new ObjectStoreException(operation + " of " + location(key) + " failed: " + e.getMessage() + hint, e);
    }

    /**
     * Turns a broken transfer (an IOException or SDK failure while reading) into an
     * {@link ObjectStoreException}, so that the import retries rather than taking it for a corrupt shard.
     * An early end of stream stays an end of stream.
     */
    private static final class TransferGuard extends FilterInputStream {
        private final String location;

        TransferGuard(ResponseInputStream<GetObjectResponse> in, String location) {
            super(in);
            this.location = location;
        }

        @Override
        public int read() {
            try {
                return super.read();
            } catch (IOException | SdkException e) {
                throw broken(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) {
            try {
                return super.read(b, off, len);
            } catch (IOException | SdkException e) {
                throw broken(e);
            }
        }

        @Override
        public void close() throws IOException {
            // Aborting drops the connection instead of draining what is left of a large shard.
            ((ResponseInputStream<?>) in).abort();
            super.close();
        }

        private ObjectStoreException broken(Exception e) {
            return new ObjectStoreException("reading " + location + " broke off: " + e.getMessage()
                    + "; the event's retry imports the shard again", e);
        }
    }
}

package dev.fleetpress.ledger;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * One S3 bucket in memory, answering PutObject, GetObject and CopyObject (within the bucket) the way
 * S3 does, conditional writes included: If-None-Match {@code *} → 412 when the key exists, If-Match →
 * 412 on another ETag and 404 on a missing key; a copy of a missing source → 404 NoSuchKey. It can be
 * told to answer the next puts and copies with 409 ConditionalRequestConflict or 503. Only the
 * operations the adapters use are implemented; anything else throws.
 */
public final class FakeS3 implements S3Client {
    private final String bucket;
    private final Map<String, byte[]> objects = new HashMap<>();
    private final Map<String, String> etags = new HashMap<>();
    private int conflictsLeft;
    private int unavailableLeft;
    private int puts;
    private long nextEtag = 1;

    public FakeS3(String bucket) {
        this.bucket = bucket;
    }

    public synchronized void conflictOnNextPuts(int count) {
        conflictsLeft = count;
    }

    public synchronized void unavailableOnNextCalls(int count) {
        unavailableLeft = count;
    }

    public synchronized void putRaw(String key, byte[] bytes) {
        objects.put(key, bytes.clone());
        etags.put(key, "\"e" + nextEtag++ + "\"");
    }

    public synchronized byte[] object(String key) {
        return objects.get(key);
    }

    public synchronized int puts() {
        return puts;
    }

    @Override
    public synchronized PutObjectResponse putObject(PutObjectRequest request, RequestBody body) {
        puts++;
        checkBucket(request.bucket());
        failIfUnavailable();
        if (conflictsLeft > 0) {
            conflictsLeft--;
            throw error(409, "ConditionalRequestConflict", "A conflicting conditional operation is in progress");
        }
        String key = request.key();
        if ("*".equals(request.ifNoneMatch()) && objects.containsKey(key)) {
            throw error(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold");
        }
        if (request.ifMatch() != null) {
            if (!objects.containsKey(key)) {
                throw NoSuchKeyException.builder().statusCode(404).message("The specified key does not exist.").build();
            }
            if (!request.ifMatch().equals(etags.get(key))) {
                throw error(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold");
            }
        }
        try {
            putRaw(key, body.contentStreamProvider().newStream().readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return PutObjectResponse.builder().eTag(etags.get(key)).build();
    }

    @Override
    public synchronized CopyObjectResponse copyObject(CopyObjectRequest request) {
        puts++;
        checkBucket(request.sourceBucket());
        checkBucket(request.destinationBucket());
        failIfUnavailable();
        if (conflictsLeft > 0) {
            conflictsLeft--;
            throw error(409, "ConditionalRequestConflict", "A conflicting conditional operation is in progress");
        }
        byte[] source = objects.get(request.sourceKey());
        if (source == null) {
            throw NoSuchKeyException.builder().statusCode(404).message("The specified key does not exist.").build();
        }
        if ("*".equals(request.ifNoneMatch()) && objects.containsKey(request.destinationKey())) {
            throw error(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold");
        }
        putRaw(request.destinationKey(), source);
        return CopyObjectResponse.builder().build();
    }

    @Override
    public <T> T getObject(GetObjectRequest request, ResponseTransformer<GetObjectResponse, T> transformer) {
        byte[] bytes;
        String etag;
        synchronized (this) {
            checkBucket(request.bucket());
            failIfUnavailable();
            bytes = objects.get(request.key());
            etag = etags.get(request.key());
        }
        if (bytes == null) {
            throw NoSuchKeyException.builder().statusCode(404).message("The specified key does not exist.").build();
        }
        GetObjectResponse response = GetObjectResponse.builder().eTag(etag).contentLength((long) bytes.length).build();
        try {
            return transformer.transform(response, AbortableInputStream.create(new ByteArrayInputStream(bytes)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getObject(GetObjectRequest request) {
        return getObject(request, ResponseTransformer.toInputStream());
    }

    @Override
    public String serviceName() {
        return "s3";
    }

    @Override
    public void close() {
    }

    private void checkBucket(String requested) {
        if (!bucket.equals(requested)) {
            throw NoSuchKeyException.builder().statusCode(404).message("no bucket " + requested).build();
        }
    }

    private void failIfUnavailable() {
        if (unavailableLeft > 0) {
            unavailableLeft--;
            throw error(503, "SlowDown", "Please reduce your request rate.");
        }
    }

    private static S3Exception error(int status, String code, String message) {
        return (S3Exception) S3Exception.builder().statusCode(status).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
    }
}

package dev.fleetpress.localcloud.codebuild;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/** Just enough S3 for artifact uploads: PutObject into a map of "bucket/key" to content. */
final class MemoryS3 implements S3Client {
    final Map<String, byte[]> objects = new ConcurrentSkipListMap<>();

    @Override
    public PutObjectResponse putObject(PutObjectRequest request, RequestBody body) {
        try (InputStream in = body.contentStreamProvider().newStream()) {
            objects.put(request.bucket() + "/" + request.key(), in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return PutObjectResponse.builder().eTag("\"local\"").build();
    }

    String text(String bucketAndKey) {
        byte[] content = objects.get(bucketAndKey);
        if (content == null) {
            throw new AssertionError("no object " + bucketAndKey + "; have " + objects.keySet());
        }
        return new String(content, StandardCharsets.UTF_8);
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
    }
}

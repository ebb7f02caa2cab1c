package dev.fleetpress.cli.bench;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Listing and emptying prefixes of the media bucket between measurements (never timed). */
final class MediaBucket {
    private final S3Client s3;
    private final String bucket;

    MediaBucket(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    String name() {
        return bucket;
    }

    /** Objects under {@code prefix}; S3Proxy's filesystem store also lists its folders as keys ending in '/', S3 has none. */
    long count(String prefix) {
        return keys(prefix).stream().filter(k -> !k.endsWith("/")).count();
    }

    /**
     * Deletes the objects under {@code prefix}, 1,000 keys per DeleteObjects as S3 allows. S3Proxy's
     * folder keys are left out: a DeleteObjects naming a folder that still holds files never answers.
     */
    void delete(String prefix) {
        List<String> keys = keys(prefix).stream().filter(k -> !k.endsWith("/")).toList();
        for (int i = 0; i < keys.size(); i += 1000) {
            List<ObjectIdentifier> batch = keys.subList(i, Math.min(keys.size(), i + 1000)).stream()
                    .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
            s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(batch).quiet(true)));
        }
    }

    private List<String> keys(String prefix) {
        List<String> keys = new ArrayList<>();
        s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream().map(S3Object::key).forEach(keys::add);
        return keys;
    }
}

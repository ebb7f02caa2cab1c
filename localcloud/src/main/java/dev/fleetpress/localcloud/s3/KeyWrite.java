package dev.fleetpress.localcloud.s3;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A request that changes the object under one key, recognised from its method, path and query before
 * S3Proxy sees it. Only path-style addressing exists here: LocalS3 configures no virtual host.
 *
 * @param kind what the request does to the key
 * @param bucket the bucket name, decoded
 * @param key the object key, decoded exactly as S3Proxy decodes it
 */
record KeyWrite(Kind kind, String bucket, String key) {

    /** The kinds of key-changing requests; the first three create an object. */
    enum Kind {
        PUT("ObjectCreated:Put"),
        COPY("ObjectCreated:Copy"),
        COMPLETE_MULTIPART_UPLOAD("ObjectCreated:CompleteMultipartUpload"),
        DELETE("");

        private final String eventName;

        Kind(String eventName) {
            this.eventName = eventName;
        }

        /** The S3 event name of a successful request of this kind, {@code ""} for none. */
        String eventName() {
            return eventName;
        }

        boolean createsObject() {
            return !eventName.isEmpty();
        }
    }

    /**
     * Query parameters that do not change what a request does to a key: the SDK's operation hint and
     * presigned-URL authentication. Any other parameter (uploadId, partNumber, acl, tagging…) names a
     * different operation.
     */
    private static boolean neutral(String parameter) {
        return parameter.equals("x-id") || parameter.regionMatches(true, 0, "X-Amz-", 0, 6);
    }

    /**
     * Recognises a key-changing request.
     *
     * @param method the HTTP method
     * @param rawPath the request path, still percent-encoded
     * @param rawQuery the query string, or {@code null} when there is none
     * @param copySource the {@code x-amz-copy-source} header, or {@code null}
     * @return the write, or empty for every other request (bucket operations, reads, parts, sub-resources)
     */
    static Optional<KeyWrite> recognise(String method, String rawPath, String rawQuery, String copySource) {
        String[] path = rawPath.split("/", 3);
        if (path.length < 3 || path[1].isEmpty() || path[2].isEmpty()) {
            return Optional.empty();
        }
        // S3Proxy decodes each path segment with URLDecoder; decoding the same way keeps our lock and
        // precondition on the very key S3Proxy writes.
        String bucket = URLDecoder.decode(path[1], StandardCharsets.UTF_8);
        String key = URLDecoder.decode(path[2], StandardCharsets.UTF_8);
        Set<String> parameters = parameterNames(rawQuery);
        boolean plain = parameters.stream().allMatch(KeyWrite::neutral);
        Kind kind;
        if (method.equals("PUT") && plain) {
            kind = copySource == null ? Kind.PUT : Kind.COPY;
        } else if (method.equals("POST") && parameters.contains("uploadId") && !parameters.contains("uploads")) {
            kind = Kind.COMPLETE_MULTIPART_UPLOAD;
        } else if (method.equals("DELETE") && plain) {
            kind = Kind.DELETE;
        } else {
            return Optional.empty();
        }
        return Optional.of(new KeyWrite(kind, bucket, key));
    }

    /**
     * The {@code bucket/key} lock name of a request that reads one object (GET or HEAD on a key, whatever
     * its query), empty for every other request. S3Proxy's filesystem store replaces an object's file
     * and then its attributes (the ETag among them): a read racing a replace could see the new bytes
     * without an ETag, which S3 never answers. Reads therefore take the key's lock as writes do.
     */
    static Optional<String> objectRead(String method, String rawPath) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return Optional.empty();
        }
        String[] path = rawPath.split("/", 3);
        if (path.length < 3 || path[1].isEmpty() || path[2].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(URLDecoder.decode(path[1], StandardCharsets.UTF_8) + "/" + URLDecoder.decode(path[2], StandardCharsets.UTF_8));
    }

    private static Set<String> parameterNames(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Set.of();
        }
        List<String> pairs = Arrays.asList(rawQuery.split("&"));
        return pairs.stream()
                .filter(pair -> !pair.isEmpty())
                .map(pair -> URLDecoder.decode(pair.split("=", 2)[0], StandardCharsets.UTF_8))
                .collect(Collectors.toSet());
    }
}

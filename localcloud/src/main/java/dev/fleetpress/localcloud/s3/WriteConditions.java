package dev.fleetpress.localcloud.s3;

import java.util.Optional;

/**
 * The conditional-write headers of a PutObject, CopyObject or CompleteMultipartUpload, evaluated the way
 * S3 evaluates them against the object currently stored under the key.
 *
 * @param ifMatch the {@code If-Match} header, or {@code null}
 * @param ifNoneMatch the {@code If-None-Match} header, or {@code null}
 */
record WriteConditions(String ifMatch, String ifNoneMatch) {

    boolean any() {
        return ifMatch != null || ifNoneMatch != null;
    }

    /**
     * Decides whether the write may proceed.
     *
     * @param key the key being written, for the error body
     * @param exists whether an object is stored under the key now
     * @param currentETag its ETag, quoted or not; ignored when {@code exists} is false
     * @return the error S3 answers, or empty when the write may proceed
     */
    Optional<S3Error> check(String key, boolean exists, String currentETag) {
        if (ifNoneMatch != null && !ifNoneMatch.trim().equals("*")) {
            // S3 supports only the wildcard on writes and answers anything else with 501.
            return Optional.of(S3Error.notImplemented("If-None-Match"));
        }
        if (ifMatch != null) {
            if (!exists) {
                return Optional.of(S3Error.noSuchKey(key));
            }
            String wanted = unquote(ifMatch);
            if (!wanted.equals("*") && !wanted.equals(unquote(currentETag))) {
                return Optional.of(S3Error.preconditionFailed("If-Match"));
            }
        }
        if (ifNoneMatch != null && exists) {
            return Optional.of(S3Error.preconditionFailed("If-None-Match"));
        }
        return Optional.empty();
    }

    static String unquote(String eTag) {
        String trimmed = eTag.trim();
        if (trimmed.startsWith("W/")) {
            trimmed = trimmed.substring(2);
        }
        if (trimmed.length() >= 2 && trimmed.startsWith("\"") && trimmed.endsWith("\"")) {
            return trimmed.substring(1, trimmed.length() - 1);
        }
        return trimmed;
    }
}

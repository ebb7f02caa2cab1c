package dev.fleetpress.localcloud.s3;

import dev.fleetpress.json.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * One object creation, with everything its S3 event record carries.
 *
 * @param eventName for example {@code ObjectCreated:Put}
 * @param bucket the bucket name
 * @param key the key, not encoded
 * @param size the object size in bytes
 * @param eTag the ETag, without quotes
 * @param sequencer hex, increasing for successive events on the same key
 * @param eventTime when the object was created
 * @param sourceIp the writer's address
 * @param requestId the id S3 calls {@code x-amz-request-id}
 * @param hostId the id S3 calls {@code x-amz-id-2}
 */
record ObjectCreated(String eventName, String bucket, String key, long size, String eTag, String sequencer,
        Instant eventTime, String sourceIp, String requestId, String hostId) {

    private static final DateTimeFormatter EVENT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** The owner and caller principal of every LocalS3 event: there is one local identity. */
    static final String PRINCIPAL_ID = "localcloud";

    /** The notification body S3 sends for this creation under the rule {@code configurationId}. */
    String toJson(String configurationId) {
        var object = Json.object(
                "key", encodeKey(key),
                "size", size,
                "eTag", eTag,
                "sequencer", sequencer);
        var s3 = Json.object(
                "s3SchemaVersion", "1.0",
                "configurationId", configurationId,
                "bucket", Json.object(
                        "name", bucket,
                        "ownerIdentity", Json.object("principalId", PRINCIPAL_ID),
                        "arn", "arn:aws:s3:::" + bucket),
                "object", object);
        var record = Json.object(
                "eventVersion", "2.1",
                "eventSource", "aws:s3",
                "awsRegion", LocalS3.REGION.id(),
                "eventTime", EVENT_TIME.format(eventTime),
                "eventName", eventName,
                "userIdentity", Json.object("principalId", "AWS:" + PRINCIPAL_ID),
                "requestParameters", Json.object("sourceIPAddress", sourceIp),
                "responseElements", Json.object("x-amz-request-id", requestId, "x-amz-id-2", hostId),
                "s3", s3);
        return Json.write(Json.object("Records", List.of(record)));
    }

    /**
     * Encodes a key as S3 does in notifications: HTML-form URL encoding (a space becomes {@code +}, a
     * {@code +} becomes {@code %2B}, UTF-8 bytes become {@code %XX}) with {@code /} left as is.
     */
    static String encodeKey(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
    }
}

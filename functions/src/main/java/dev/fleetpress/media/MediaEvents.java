package dev.fleetpress.media;

import dev.fleetpress.json.Json;
import dev.fleetpress.json.JsonException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the two shapes an object creation reaches the function in, into one {@link Decision} per
 * object:
 * <ul>
 *   <li>the S3 notification: {@code Records[]} with {@code eventSource} {@code aws:s3}, an
 *   {@code ObjectCreated:*} {@code eventName}, {@code s3.bucket.name} and {@code s3.object.key}, the key
 *   URL-encoded form-style ({@code +} for a space, {@code %2B} for a plus): decoded here;</li>
 *   <li>EventBridge's {@code Object Created} ({@code source} {@code aws.s3}, {@code detail.bucket.name},
 *   {@code detail.object.key}), whose key encoding AWS does not document: the key is taken as is when
 *   it names a migration object, else decoded.</li>
 * </ul>
 * Objects of another bucket are rejected; keys that are not a shard tar or migration.json are ignored.
 */
public final class MediaEvents {
    private MediaEvents() {
    }

    public sealed interface Decision permits Target, Ignored, Rejected {
    }

    /** A shard or migration.json of the media bucket. */
    public record Target(MigrationKeys.Parsed object, String key) implements Decision {
    }

    public record Ignored(String reason) implements Decision {
    }

    public record Rejected(String reason) implements Decision {
    }

    public static List<Decision> read(Json.Node root, String bucket) {
        if (root.isObject() && root.find("Records").isPresent()) {
            List<Decision> out = new ArrayList<>();
            List<Json.Node> records;
            try {
                records = root.get("Records").elements();
            } catch (JsonException e) {
                return List.of(new Rejected(e.getMessage()));
            }
            for (Json.Node record : records) {
                out.add(notification(record, bucket));
            }
            return out;
        }
        if (root.isObject() && root.findText("detail-type").filter("Object Created"::equals).isPresent()
                && root.findText("source").filter("aws.s3"::equals).isPresent()) {
            return List.of(eventBridge(root, bucket));
        }
        return List.of(new Rejected("neither an S3 notification (Records[] from aws:s3) nor an EventBridge "
                + "'Object Created' event from aws.s3"));
    }

    private static Decision notification(Json.Node record, String bucket) {
        try {
            if (!record.isObject() || !"aws:s3".equals(record.findText("eventSource").orElse(null))) {
                return new Rejected("record is not from S3 (eventSource aws:s3)");
            }
            String eventName = record.text("eventName");
            if (!eventName.startsWith("ObjectCreated:")) {
                return new Ignored("S3 event " + eventName + " is not an object creation");
            }
            String eventBucket = record.text("s3", "bucket", "name");
            if (!eventBucket.equals(bucket)) {
                return new Rejected("object of bucket " + eventBucket + ", not the media bucket " + bucket);
            }
            return target(decode(record.text("s3", "object", "key")));
        } catch (IllegalArgumentException e) { // a JsonException (missing field) or a bad escape
            return new Rejected(e.getMessage());
        }
    }

    private static Decision eventBridge(Json.Node root, String bucket) {
        try {
            String eventBucket = root.text("detail", "bucket", "name");
            if (!eventBucket.equals(bucket)) {
                return new Rejected("object of bucket " + eventBucket + ", not the media bucket " + bucket);
            }
            String key = root.text("detail", "object", "key");
            if (MigrationKeys.parse(key).isPresent()) {
                return target(key);
            }
            return target(decode(key));
        } catch (IllegalArgumentException e) { // a JsonException (missing field) or a bad escape
            return new Rejected(e.getMessage());
        }
    }

    private static Decision target(String key) {
        Optional<MigrationKeys.Parsed> parsed = MigrationKeys.parse(key);
        if (parsed.isEmpty()) {
            return new Ignored("'" + shorten(key) + "' is neither _migration/<id>/shard-NNNNN.tar nor "
                    + "_migration/<id>/migration.json");
        }
        return new Target(parsed.get(), key);
    }

    /** Form-style URL decoding, as S3 encodes notification keys; throws IllegalArgumentException on bad escapes. */
    public static String decode(String key) {
        try {
            return URLDecoder.decode(key, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("object key '" + shorten(key) + "' is not URL-encoded as S3 encodes keys: "
                    + e.getMessage());
        }
    }

    private static String shorten(String key) {
        return key.length() > 200 ? key.substring(0, 200) + "…" : key;
    }
}

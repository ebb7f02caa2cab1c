package dev.fleetpress.localcloud.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

class LocalS3Test {
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    @TempDir
    static Path dataDir;

    private static final BlockingQueue<Delivery> DELIVERIES = new LinkedBlockingQueue<>();
    private static LocalS3 s3;
    private static S3Client client;

    private String bucket;

    record Delivery(String target, String json) {
    }

    @BeforeAll
    static void startServer() {
        s3 = LocalS3.start(dataDir.resolve("shared"), (target, json) -> DELIVERIES.add(new Delivery(target, json)));
        client = s3.client();
    }

    @AfterAll
    static void stopServer() {
        s3.close();
    }

    @BeforeEach
    void freshBucket() {
        bucket = "bucket-" + BUCKETS.incrementAndGet();
        s3.createBucket(bucket);
        DELIVERIES.clear();
    }

    // Reads racing writes

    @Test
    void getObject_whileTheKeyIsReplacedConcurrently_alwaysAnswersAnETagAndWholeContent() throws Exception {
        put("ledger/race", "v0");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int w = 0; w < 2; w++) {
                done.add(pool.submit(() -> {
                    for (int i = 1; i <= 150; i++) {
                        put("ledger/race", "v" + i);
                    }
                    return null;
                }));
            }
            java.util.Set<String> missing = java.util.concurrent.ConcurrentHashMap.newKeySet();
            for (int r = 0; r < 4; r++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 150; i++) {
                        var got = client.getObjectAsBytes(b -> b.bucket(bucket).key("ledger/race"));
                        if (got.response().eTag() == null || !got.asUtf8String().matches("v[0-9]+")) {
                            missing.add(got.response().eTag() + " " + got.asUtf8String());
                        }
                    }
                    return null;
                }));
            }
            for (var d : done) {
                d.get();
            }
            assertThat(missing).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    // Conditional writes

    @Test
    void putObject_whenIfNoneMatchAndKeyAbsent_createsObject() {
        client.putObject(b -> b.bucket(bucket).key("ledger/1").ifNoneMatch("*"), RequestBody.fromString("first"));

        assertThat(read("ledger/1")).isEqualTo("first");
    }

    @Test
    void putObject_whenIfNoneMatchAndKeyExists_failsWith412AndKeepsObject() {
        put("ledger/1", "first");

        assertThatThrownBy(() -> client.putObject(b -> b.bucket(bucket).key("ledger/1").ifNoneMatch("*"),
                RequestBody.fromString("second")))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(412);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("PreconditionFailed");
                });
        assertThat(read("ledger/1")).isEqualTo("first");
    }

    @Test
    void putObject_whenIfNoneMatchRefusesLargeBody_failsWith412() {
        put("big", "small");
        byte[] body = new byte[6 * 1024 * 1024];

        assertThatThrownBy(() -> client.putObject(b -> b.bucket(bucket).key("big").ifNoneMatch("*"),
                RequestBody.fromBytes(body)))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(412);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("PreconditionFailed");
                });
    }

    @Test
    void putObject_whenIfMatchCurrentETag_replacesObject() {
        String eTag = put("pointer", "v1").eTag();

        client.putObject(b -> b.bucket(bucket).key("pointer").ifMatch(eTag), RequestBody.fromString("v2"));

        assertThat(read("pointer")).isEqualTo("v2");
    }

    @Test
    void putObject_whenIfMatchStaleETag_failsWith412() {
        String stale = put("pointer", "v1").eTag();
        put("pointer", "v2");

        assertThatThrownBy(() -> client.putObject(b -> b.bucket(bucket).key("pointer").ifMatch(stale),
                RequestBody.fromString("v3")))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(412);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("PreconditionFailed");
                });
        assertThat(read("pointer")).isEqualTo("v2");
    }

    @Test
    void putObject_whenIfMatchAndKeyMissing_failsWith404NoSuchKey() {
        assertThatThrownBy(() -> client.putObject(b -> b.bucket(bucket).key("missing").ifMatch("\"abc\""),
                RequestBody.fromString("v1")))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchKey");
                });
    }

    @Test
    void putObject_whenUnconditional_overwrites() {
        put("plain", "v1");

        put("plain", "v2");

        assertThat(read("plain")).isEqualTo("v2");
    }

    @Test
    void putObject_when20ThreadsRaceIfNoneMatch_exactlyOneSucceeds() throws Exception {
        int writers = 20;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> outcomes = new ArrayList<>();
        try {
            for (int i = 0; i < writers; i++) {
                String body = "writer-" + i;
                outcomes.add(pool.submit(() -> {
                    start.await();
                    try {
                        client.putObject(b -> b.bucket(bucket).key("race").ifNoneMatch("*"), RequestBody.fromString(body));
                        return 200;
                    } catch (S3Exception e) {
                        return e.statusCode();
                    }
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> outcome : outcomes) {
                statuses.add(outcome.get(20, TimeUnit.SECONDS));
            }

            assertThat(statuses).containsOnly(200, 412).filteredOn(s -> s == 200).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void completeMultipartUpload_whenIfNoneMatchAndKeyAbsent_createsObject() {
        String uploadId = uploadOnePart("parts", "assembled");

        client.completeMultipartUpload(b -> b.bucket(bucket).key("parts").uploadId(uploadId).ifNoneMatch("*")
                .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(lastPartETag).build())));

        assertThat(read("parts")).isEqualTo("assembled");
    }

    @Test
    void completeMultipartUpload_whenIfNoneMatchAndKeyExists_failsWith412() {
        put("parts", "already");
        String uploadId = uploadOnePart("parts", "assembled");

        assertThatThrownBy(() -> client.completeMultipartUpload(b -> b.bucket(bucket).key("parts").uploadId(uploadId)
                .ifNoneMatch("*")
                .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(lastPartETag).build()))))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));
        assertThat(read("parts")).isEqualTo("already");
    }

    // Notifications

    @Test
    void putObject_whenRuleMatches_deliversS3EventRecord() throws Exception {
        String key = "a b+c/ü.jpg";
        s3.setNotifications(bucket, List.of(rule("media", "", ".jpg")));
        PutObjectResponse put = put(key, "jpeg bytes");

        Delivery delivery = next();

        assertThat(delivery.target()).isEqualTo("target-media");
        Json.Node record = Json.parse(delivery.json()).get("Records").elements().get(0);
        assertThat(record.get("eventVersion").asText()).isEqualTo("2.1");
        assertThat(record.get("eventSource").asText()).isEqualTo("aws:s3");
        assertThat(record.get("awsRegion").asText()).isEqualTo("us-east-1");
        assertThat(record.get("eventTime").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(record.get("eventName").asText()).isEqualTo("ObjectCreated:Put");
        assertThat(record.get("requestParameters").get("sourceIPAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(record.get("userIdentity", "principalId").asText()).isNotBlank();
        assertThat(record.get("responseElements", "x-amz-request-id").asText()).isNotBlank();
        assertThat(record.get("responseElements", "x-amz-id-2").asText()).isNotBlank();
        Json.Node s3Part = record.get("s3");
        assertThat(s3Part.get("s3SchemaVersion").asText()).isEqualTo("1.0");
        assertThat(s3Part.get("bucket", "ownerIdentity", "principalId").asText()).isNotBlank();
        assertThat(s3Part.get("configurationId").asText()).isEqualTo("media");
        assertThat(s3Part.get("bucket").get("name").asText()).isEqualTo(bucket);
        assertThat(s3Part.get("bucket").get("arn").asText()).isEqualTo("arn:aws:s3:::" + bucket);
        Json.Node object = s3Part.get("object");
        assertThat(object.get("key").asText()).isEqualTo("a+b%2Bc/%C3%BC.jpg");
        assertThat(URLDecoder.decode(object.get("key").asText(), StandardCharsets.UTF_8)).isEqualTo(key);
        assertThat(object.get("size").asLong()).isEqualTo(10);
        assertThat(object.get("eTag").asText()).isEqualTo(put.eTag().replace("\"", ""));
        assertThat(object.get("sequencer").asText()).matches("[0-9A-F]+");
    }

    @Test
    void holdNotifications_whileHeld_deliversNothingThenAllInOrderWhenReleased() throws Exception {
        s3.setNotifications(bucket, List.of(rule("all", "", "")));
        AutoCloseable held = s3.holdNotifications();
        put("a", "one");
        put("b", "two");

        assertThat(DELIVERIES.poll(300, TimeUnit.MILLISECONDS)).as("nothing delivered while held").isNull();
        held.close();

        assertThat(key(next())).isEqualTo("a");
        assertThat(key(next())).isEqualTo("b");
    }

    @Test
    void putObject_whenSameKeyWrittenTwice_sequencerIncreases() throws Exception {
        s3.setNotifications(bucket, List.of(rule("all", "", "")));
        put("k", "one");
        put("k", "two");

        String first = sequencer(next());
        String second = sequencer(next());

        assertThat(second).isGreaterThan(first);
    }

    @Test
    void putObject_whenKeyOutsidePrefixOrSuffix_deliversNothing() throws Exception {
        s3.setNotifications(bucket, List.of(rule("tars", "_migration/", ".tar")));
        put("_migration/a.zip", "x");
        put("other/b.tar", "x");
        put("_migration/marker.tar", "x");

        Delivery only = next();

        assertThat(key(only)).isEqualTo("_migration/marker.tar");
        assertThat(DELIVERIES).isEmpty();
    }

    @Test
    void putObject_whenPreconditionFails_deliversNothing() throws Exception {
        put("once", "x");
        s3.setNotifications(bucket, List.of(rule("all", "", "")));
        assertThatThrownBy(() -> client.putObject(b -> b.bucket(bucket).key("once").ifNoneMatch("*"),
                RequestBody.fromString("y"))).isInstanceOf(S3Exception.class);
        put("marker", "x");

        Delivery only = next();

        assertThat(key(only)).isEqualTo("marker");
        assertThat(DELIVERIES).isEmpty();
    }

    @Test
    void putObject_whenRuleListsOnlyCopy_deliversNothingForPut() throws Exception {
        s3.setNotifications(bucket, List.of(new NotificationRule("copies", List.of("s3:ObjectCreated:Copy"), "", "", "t")));
        put("source", "x");
        client.copyObject(b -> b.sourceBucket(bucket).sourceKey("source").destinationBucket(bucket).destinationKey("copy"));

        Delivery only = next();

        assertThat(key(only)).isEqualTo("copy");
        assertThat(eventName(only)).isEqualTo("ObjectCreated:Copy");
    }

    @Test
    void completeMultipartUpload_whenRuleMatches_deliversCompleteMultipartUploadEvent() throws Exception {
        s3.setNotifications(bucket, List.of(rule("all", "", "")));
        String uploadId = uploadOnePart("mpu", "assembled");
        client.completeMultipartUpload(b -> b.bucket(bucket).key("mpu").uploadId(uploadId)
                .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(lastPartETag).build())));

        Delivery delivery = next();

        assertThat(eventName(delivery)).isEqualTo("ObjectCreated:CompleteMultipartUpload");
        assertThat(Json.parse(delivery.json()).get("Records").elements().get(0).get("s3").get("object").get("size").asLong())
                .isEqualTo(9);
    }

    // Plain S3 operations

    @Test
    void headObject_whenPutWithUserMetadata_returnsIt() {
        client.putObject(b -> b.bucket(bucket).key("meta").metadata(Map.of("release", "r42")).contentType("text/plain"),
                RequestBody.fromString("x"));

        HeadObjectResponse head = client.headObject(b -> b.bucket(bucket).key("meta"));

        assertThat(head.metadata()).containsEntry("release", "r42");
        assertThat(head.contentLength()).isEqualTo(1);
    }

    @Test
    void listObjectsV2_whenPrefixGiven_listsMatchingKeys() {
        put("releases/a", "1");
        put("releases/b", "2");
        put("other/c", "3");

        List<S3Object> listed = client.listObjectsV2(b -> b.bucket(bucket).prefix("releases/")).contents();

        assertThat(listed).extracting(S3Object::key).containsExactly("releases/a", "releases/b");
    }

    @Test
    void deleteObject_whenObjectExists_removesIt() {
        put("gone", "x");

        client.deleteObject(b -> b.bucket(bucket).key("gone"));

        assertThatThrownBy(() -> read("gone")).isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void deleteObjects_whenSdkSendsChecksumHeader_deletesAll() {
        put("x1", "1");
        put("x2", "2");

        var result = client.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(
                ObjectIdentifier.builder().key("x1").build(), ObjectIdentifier.builder().key("x2").build())));

        assertThat(result.deleted()).hasSize(2);
        assertThat(client.listObjectsV2(b -> b.bucket(bucket)).contents()).isEmpty();
    }

    @Test
    void copyObject_whenSourceExists_copiesContent() {
        put("from", "content");

        client.copyObject(b -> b.sourceBucket(bucket).sourceKey("from").destinationBucket(bucket).destinationKey("to"));

        assertThat(read("to")).isEqualTo("content");
    }

    @Test
    void createBucket_whenBucketExists_succeeds() {
        s3.createBucket(bucket);

        assertThat(client.listBuckets().buckets()).extracting(b -> b.name()).contains(bucket);
    }

    @Test
    void getObject_when20MegabyteObject_streamsItBack() throws Exception {
        long size = 20L * 1024 * 1024;
        byte[] expected;
        try (InputStream source = new SeededStream(size)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            client.putObject(b -> b.bucket(bucket).key("large.bin"),
                    RequestBody.fromInputStream(new DigestInputStream(source, digest), size));
            expected = digest.digest();
        }

        byte[] actual;
        try (ResponseInputStream<GetObjectResponse> in = client.getObject(b -> b.bucket(bucket).key("large.bin"))) {
            actual = sha256(in);
            assertThat(in.response().contentLength()).isEqualTo(size);
        }

        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void start_whenDataDirHoldsObjects_servesThemAfterRestart(@TempDir Path ownDir) {
        try (LocalS3 first = LocalS3.start(ownDir, NotificationSink.discard())) {
            first.createBucket("kept");
            first.client().putObject(b -> b.bucket("kept").key("k").metadata(Map.of("owner", "me")),
                    RequestBody.fromString("survives"));
        }

        try (LocalS3 second = LocalS3.start(ownDir, NotificationSink.discard())) {
            assertThat(second.client().getObjectAsBytes(b -> b.bucket("kept").key("k")).asUtf8String())
                    .isEqualTo("survives");
            assertThat(second.client().headObject(b -> b.bucket("kept").key("k")).metadata())
                    .containsEntry("owner", "me");
        }
    }

    // Helpers

    private String lastPartETag;

    private String uploadOnePart(String key, String content) {
        String uploadId = client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        lastPartETag = client.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(1),
                RequestBody.fromString(content)).eTag();
        return uploadId;
    }

    private PutObjectResponse put(String key, String content) {
        return client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(content));
    }

    private String read(String key) {
        return client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String();
    }

    private static NotificationRule rule(String id, String prefix, String suffix) {
        return new NotificationRule(id, List.of("s3:ObjectCreated:*"), prefix, suffix, "target-" + id);
    }

    /** Waits for the next delivery; the bound only keeps a broken build from hanging. */
    private static Delivery next() throws InterruptedException {
        Delivery delivery = DELIVERIES.poll(10, TimeUnit.SECONDS);
        assertThat(delivery).as("a notification was delivered").isNotNull();
        return delivery;
    }

    private static Json.Node object(Delivery delivery) {
        return Json.parse(delivery.json()).get("Records").elements().get(0).get("s3").get("object");
    }

    private static String key(Delivery delivery) {
        return URLDecoder.decode(object(delivery).get("key").asText(), StandardCharsets.UTF_8);
    }

    private static String sequencer(Delivery delivery) {
        return object(delivery).get("sequencer").asText();
    }

    private static String eventName(Delivery delivery) {
        return Json.parse(delivery.json()).get("Records").elements().get(0).get("eventName").asText();
    }

    private static byte[] sha256(InputStream in) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) > 0; ) {
            digest.update(buffer, 0, n);
        }
        return digest.digest();
    }

    /** Pseudo-random bytes of a given length, generated while read, so 20 MB never sits in memory twice. */
    private static final class SeededStream extends InputStream {
        private final Random random = new Random(42);
        private long remaining;

        SeededStream(long size) {
            this.remaining = size;
        }

        @Override
        public int read() {
            if (remaining == 0) {
                return -1;
            }
            remaining--;
            return random.nextInt(256);
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (remaining == 0) {
                return -1;
            }
            int n = (int) Math.min(length, remaining);
            byte[] chunk = new byte[n];
            random.nextBytes(chunk);
            System.arraycopy(chunk, 0, buffer, offset, n);
            remaining -= n;
            return n;
        }
    }
}

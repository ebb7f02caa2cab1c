package dev.fleetpress.localcloud.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.Settings;
import dev.fleetpress.aws.S3Ledger;
import dev.fleetpress.aws.S3ObjectStore;
import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.s3.LocalS3;
import dev.fleetpress.localcloud.s3.NotificationSink;
import dev.fleetpress.media.MediaConfig;
import dev.fleetpress.media.MediaImport;
import dev.fleetpress.media.MediaOutcome;
import dev.fleetpress.media.MigrationKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * S3ObjectStore's multipart path against localcloud's S3 (S3Proxy, a real S3 protocol server): a shard
 * holding an entry larger than the 8 MiB in-memory bound is imported through MediaImport as
 * MediaFunction does, the entry streaming in parts that are completed only once its sha256 matches the
 * manifest, and aborted when it does not.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3ObjectStoreMultipartTest {
    private static final String BUCKET = "fleetpress-local-media-000000000000";
    private static final String PREFIX = "wp-content/uploads/";
    private static final int LARGE = 20 * 1024 * 1024;
    private static final String LARGE_PATH = "2026/05/keynote recording.mp4";

    private Path tmp;
    private LocalS3 s3;
    private S3Client client;
    private MediaImport media;
    private byte[] large;

    @BeforeAll
    void start(@TempDir Path dir) {
        tmp = dir;
        s3 = LocalS3.start(tmp.resolve("s3"), NotificationSink.discard());
        s3.createBucket(BUCKET);
        client = s3.client();
        // The function's settings: 16 puts at once, entries above 8 MiB streamed in parts.
        MediaConfig config = MediaConfig.from(Settings.of(Map.of("MEDIA_BUCKET", BUCKET)));
        media = new MediaImport(S3ObjectStore.create(client, BUCKET), S3Ledger.create(client, BUCKET, MigrationKeys.ROOT),
                config, Clock.systemUTC());
        large = new byte[LARGE];
        new Random(20).nextBytes(large);
    }

    @AfterAll
    void stop() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void importShard_whenAnEntryIsLargerThanTheInMemoryBound_storesItInPartsWithItsMetadata() throws Exception {
        String id = "m-multipart-fresh";
        upload(id, List.of(new Entry(LARGE_PATH, large, sha256(large)), new Entry("2026/05/small.jpg", bytes("small"),
                sha256(bytes("small")))));

        MediaOutcome outcome = media.onShardCreated(id, 1);

        assertThat(outcome.kind()).isEqualTo("IMPORTED");
        assertThat(outcome.keys()).containsEntry("imported", 2L).containsEntry("rejected", 0);
        HeadObjectResponse head = client.headObject(b -> b.bucket(BUCKET).key(PREFIX + LARGE_PATH));
        assertThat(head.contentLength()).isEqualTo(LARGE);
        assertThat(head.contentType()).isEqualTo("video/mp4");
        assertThat(head.cacheControl()).isEqualTo("public, max-age=31536000, immutable");
        assertThat(head.metadata()).containsEntry("sha256", sha256(large));
        try (InputStream in = client.getObject(b -> b.bucket(BUCKET).key(PREFIX + LARGE_PATH))) {
            assertThat(sha256(in.readAllBytes())).isEqualTo(sha256(large));
        }
    }

    @Test
    void importShard_whenTheLargeEntryIsAlreadyStored_skipsIt() throws Exception {
        String first = "m-multipart-first";
        upload(first, List.of(new Entry("2026/06/again.mp4", large, sha256(large))));
        media.onShardCreated(first, 1);
        String eTag = client.headObject(b -> b.bucket(BUCKET).key(PREFIX + "2026/06/again.mp4")).eTag();

        String second = "m-multipart-second";
        upload(second, List.of(new Entry("2026/06/again.mp4", large, sha256(large))));
        MediaOutcome outcome = media.onShardCreated(second, 1);

        assertThat(outcome.keys()).containsEntry("imported", 0L).containsEntry("skipped", 1L).containsEntry("bytes", 0L);
        assertThat(client.headObject(b -> b.bucket(BUCKET).key(PREFIX + "2026/06/again.mp4")).eTag()).isEqualTo(eTag);
    }

    @Test
    void importShard_whenTheLargeEntryDoesNotMatchItsSha256_rejectsItAndLeavesNoObject() throws Exception {
        String id = "m-multipart-corrupt";
        upload(id, List.of(new Entry("2026/07/corrupt.mp4", large, "0".repeat(64)),
                new Entry("2026/07/fine.jpg", bytes("fine"), sha256(bytes("fine")))));

        MediaOutcome outcome = media.onShardCreated(id, 1);

        assertThat(outcome.keys()).containsEntry("imported", 1L).containsEntry("rejected", 1);
        assertThat(exists(PREFIX + "2026/07/corrupt.mp4")).isFalse();
        assertThat(exists(PREFIX + "2026/07/fine.jpg")).isTrue();
    }

    @Test
    void completion_whenTheShardHasALargeEntry_verifiesEveryEntry() throws Exception {
        String id = "m-multipart-report";
        upload(id, List.of(new Entry("2026/08/talk.mp4", large, sha256(large)),
                new Entry("2026/08/poster.png", bytes("png"), sha256(bytes("png")))));
        media.onShardCreated(id, 1);
        put(MigrationKeys.migrationManifest(id), bytes(Json.write(Json.object("formatVersion", 1, "migrationId", id,
                "shards", 1, "files", 2, "bytes", LARGE + 3, "environment", "production", "exportedAt", "2026-05-14T09:30:00Z"))));

        media.onMigrationCreated(id);

        Json.Node report = Json.parse(client.getObjectAsBytes(b -> b.bucket(BUCKET).key(MigrationKeys.ROOT
                + MigrationKeys.reportLedgerKey(id))).asByteArray());
        assertThat(report.get("complete").asBoolean()).isTrue();
        assertThat(report.get("verified").asLong()).isEqualTo(2);
        // The ETags the puts answered (a multipart one included) are the ones S3Proxy lists.
        assertThat(report.get("verifiedBy", "listing").asLong()).isEqualTo(2);
    }

    private record Entry(String path, byte[] content, String manifestSha256) {
    }

    /** Writes shard 1 of {@code id}: its manifest, then its tar, as the export does. */
    private void upload(String id, List<Entry> entries) throws IOException {
        List<Object> listed = new ArrayList<>();
        Path tar = Files.createTempFile(tmp, "shard-", ".tar");
        try (OutputStream file = Files.newOutputStream(tar);
             TarArchiveOutputStream out = new TarArchiveOutputStream(file, "UTF-8")) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Entry e : entries) {
                TarArchiveEntry header = new TarArchiveEntry(e.path());
                header.setSize(e.content().length);
                out.putArchiveEntry(header);
                out.write(e.content());
                out.closeArchiveEntry();
                listed.add(Json.object("path", e.path(), "size", e.content().length, "sha256", e.manifestSha256()));
            }
        }
        put(MigrationKeys.shardManifest(id, 1), bytes(Json.write(Json.object("formatVersion", 1, "migrationId", id,
                "shard", 1, "entries", listed))));
        client.putObject(b -> b.bucket(BUCKET).key(MigrationKeys.shardTar(id, 1)), RequestBody.fromFile(tar));
    }

    private void put(String key, byte[] content) {
        client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(content));
    }

    private boolean exists(String key) {
        try {
            client.headObject(b -> b.bucket(BUCKET).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}

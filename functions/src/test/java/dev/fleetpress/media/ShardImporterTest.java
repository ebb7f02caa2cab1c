package dev.fleetpress.media;

import static dev.fleetpress.media.Shards.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShardImporterTest {
    static final String ID = "m-2026-demo";
    static final String PREFIX = "wp-content/uploads/";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-05-14T09:31:00Z"), ZoneOffset.UTC);

    private final InMemoryObjectStore store = new InMemoryObjectStore();

    private ShardResult importShard(Shards shards, MediaConfig config) {
        byte[] tar = shards.tar();
        return new ShardImporter(store, config, CLOCK)
                .importShard(shards.parsedManifest(ID, 1), new ByteArrayInputStream(tar)).result();
    }

    private ShardResult importShard(Shards shards) {
        return importShard(shards, config(4, 1024));
    }

    static MediaConfig config(int parallelism, int inMemoryBytes) {
        return new MediaConfig("fleetpress-local-media-000000000000", PREFIX, 4096, parallelism, inMemoryBytes);
    }

    private void assertNothingOutsidePrefix() {
        assertThat(store.snapshot().keySet()).allSatisfy(key -> assertThat(key).startsWith(PREFIX));
    }

    @Test
    void importShard_whenFilesAreListed_putsEachWithTypeCacheControlAndSha() {
        byte[] photo = utf8("jpeg bytes");
        ShardResult result = importShard(new Shards()
                .file("2024/05/photo one.jpg", photo)
                .file("2024/05/notes.PDF", utf8("%PDF"))
                .file("2024/05/blob.unknownext", utf8("?")));

        assertThat(result.imported()).isEqualTo(3);
        assertThat(result.rejected()).isEmpty();
        assertThat(result.bytes()).isEqualTo(photo.length + 4 + 1);
        InMemoryObjectStore.Stored stored = store.object(PREFIX + "2024/05/photo one.jpg").orElseThrow();
        assertThat(stored.bytes()).isEqualTo(photo);
        assertThat(stored.headers()).isEqualTo(new ObjectStore.UploadHeaders("image/jpeg",
                "public, max-age=31536000, immutable", ShardImporter.sha256(photo)));
        assertThat(store.object(PREFIX + "2024/05/notes.PDF").orElseThrow().headers().contentType())
                .isEqualTo("application/pdf");
        assertThat(store.object(PREFIX + "2024/05/blob.unknownext").orElseThrow().headers().contentType())
                .isEqualTo("application/octet-stream");
    }

    @Test
    void importShard_whenSameShaAlreadyStored_skipsIt() {
        byte[] photo = utf8("jpeg bytes");
        store.putWithSha(PREFIX + "a.jpg", photo, ShardImporter.sha256(photo));

        ShardResult result = importShard(new Shards().file("a.jpg", photo).file("b.jpg", utf8("b")));

        assertThat(result.skipped()).isEqualTo(1);
        assertThat(result.imported()).isEqualTo(1);
        assertThat(store.puts()).isEqualTo(1);
    }

    @Test
    void importShard_whenFilesAreWrittenOrSkipped_recordsTheETagOfEachObject() {
        byte[] present = utf8("jpeg bytes");
        store.putWithSha(PREFIX + "a.jpg", present, ShardImporter.sha256(present));
        Shards shards = new Shards().file("a.jpg", present).file("b.jpg", utf8("b")).file("../evil.jpg", utf8("x"));

        StoredEntries stored = new ShardImporter(store, config(4, 1024), CLOCK)
                .importShard(shards.parsedManifest(ID, 1), new ByteArrayInputStream(shards.tar())).stored();

        assertThat(stored.eTags()).containsOnlyKeys("a.jpg", "b.jpg");
        assertThat(stored.eTag("a.jpg")).isEqualTo(store.object(PREFIX + "a.jpg").orElseThrow().eTag());
        assertThat(stored.eTag("b.jpg")).isEqualTo(store.object(PREFIX + "b.jpg").orElseThrow().eTag());
    }

    @Test
    void importShard_whenStoredObjectHasOtherSize_replacesIt() {
        byte[] photo = utf8("jpeg bytes");
        store.putWithSha(PREFIX + "a.jpg", utf8("jpeg bytes, cut"), ShardImporter.sha256(photo));

        ShardResult result = importShard(new Shards().file("a.jpg", photo));

        assertThat(result.imported()).isEqualTo(1);
        assertThat(store.object(PREFIX + "a.jpg").orElseThrow().bytes()).isEqualTo(photo);
    }

    @Test
    void importShard_whenStoredObjectHasOtherSha_replacesIt() {
        store.putWithSha(PREFIX + "a.jpg", utf8("old"), "0".repeat(64));

        ShardResult result = importShard(new Shards().file("a.jpg", utf8("new")));

        assertThat(result.imported()).isEqualTo(1);
        assertThat(store.object(PREFIX + "a.jpg").orElseThrow().bytes()).isEqualTo(utf8("new"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/passwd", "../x.jpg", "a/../../x.jpg", "a/./b.jpg", "bad\u0001name.jpg",
            "bad\u007fname.jpg", "back\\slash.jpg", "shell.php", "what?.jpg"})
    void importShard_whenPathIsHostile_rejectsItAndImportsTheRest(String hostile) {
        ShardResult result = importShard(new Shards().file(hostile, utf8("evil")).file("fine.jpg", utf8("ok")));

        assertThat(result.rejected()).singleElement().satisfies(r -> {
            assertThat(r.path()).isEqualTo(hostile);
            assertThat(r.reason()).isNotBlank();
        });
        assertThat(result.imported()).isEqualTo(1);
        assertThat(store.snapshot().keySet()).containsExactly(PREFIX + "fine.jpg");
    }

    @Test
    void importShard_whenSymlink_rejectsIt() {
        ShardResult result = importShard(new Shards().symlink("link.jpg", "/etc/passwd").file("fine.jpg", utf8("ok")));

        assertThat(result.rejected()).singleElement().satisfies(r ->
                assertThat(r.reason()).contains("symbolic link", "/etc/passwd"));
        assertThat(store.snapshot().keySet()).containsExactly(PREFIX + "fine.jpg");
    }

    @Test
    void importShard_whenHardLink_rejectsIt() {
        ShardResult result = importShard(new Shards().file("fine.jpg", utf8("ok")).hardLink("copy.jpg", "fine.jpg"));

        assertThat(result.rejected()).singleElement().satisfies(r -> assertThat(r.reason()).contains("hard link"));
        assertThat(store.snapshot().keySet()).containsExactly(PREFIX + "fine.jpg");
    }

    @ParameterizedTest
    @ValueSource(bytes = {TarConstants.LF_CHR, TarConstants.LF_BLK, TarConstants.LF_FIFO})
    void importShard_whenDeviceOrFifo_rejectsIt(byte type) {
        ShardResult result = importShard(new Shards().special("dev.jpg", type, null).file("fine.jpg", utf8("ok")));

        assertThat(result.rejected()).singleElement().satisfies(r ->
                assertThat(r.reason()).containsAnyOf("device", "FIFO"));
        assertThat(store.snapshot().keySet()).containsExactly(PREFIX + "fine.jpg");
    }

    @Test
    void importShard_whenEntryIsLargerThanLimit_rejectsIt() {
        byte[] big = new byte[4097];

        ShardResult result = importShard(new Shards().file("big.mp4", big).file("fine.jpg", utf8("ok")));

        assertThat(result.rejected()).singleElement().satisfies(r -> {
            assertThat(r.path()).isEqualTo("big.mp4");
            assertThat(r.reason()).contains("MAX_ENTRY_BYTES");
        });
        assertThat(result.imported()).isEqualTo(1);
    }

    @Test
    void importShard_whenEmptyName_rejectsIt() {
        ShardResult result = importShard(new Shards().unlisted("", utf8("x")).list("", 1, ShardImporter.sha256(utf8("x")))
                .file("fine.jpg", utf8("ok")));

        assertThat(result.rejected()).extracting(Rejection::reason).contains("empty name");
        assertNothingOutsidePrefix();
        assertThat(result.imported()).isEqualTo(1);
    }

    @Test
    void importShard_whenEntryIsNotInManifest_rejectsIt() {
        ShardResult result = importShard(new Shards().unlisted("extra.jpg", utf8("x")).file("fine.jpg", utf8("ok")));

        assertThat(result.rejected()).singleElement().satisfies(r ->
                assertThat(r.reason()).contains("not listed in the shard manifest"));
        assertThat(store.snapshot().keySet()).containsExactly(PREFIX + "fine.jpg");
    }

    @Test
    void importShard_whenShaDiffersFromManifest_rejectsWithoutWriting() {
        ShardResult result = importShard(new Shards().unlisted("a.jpg", utf8("real")).list("a.jpg", 4, "a".repeat(64)));

        assertThat(result.rejected()).singleElement().satisfies(r -> assertThat(r.reason()).contains("sha256"));
        assertThat(store.snapshot()).isEmpty();
    }

    @Test
    void importShard_whenSizeDiffersFromManifest_rejectsWithoutWriting() {
        ShardResult result = importShard(new Shards().unlisted("a.jpg", utf8("real"))
                .list("a.jpg", 5, ShardImporter.sha256(utf8("real"))));

        assertThat(result.rejected()).singleElement().satisfies(r ->
                assertThat(r.reason()).contains("4 bytes in the shard but 5 in the manifest"));
        assertThat(store.snapshot()).isEmpty();
    }

    @Test
    void importShard_whenLargeEntryShaDiffers_rejectsWithoutWriting() {
        byte[] large = new byte[2000];
        ShardResult result = importShard(new Shards().unlisted("large.mp4", large).list("large.mp4", 2000, "b".repeat(64))
                .file("fine.jpg", utf8("ok")), config(4, 100));

        assertThat(result.rejected()).singleElement().satisfies(r -> assertThat(r.reason()).contains("sha256"));
        assertThat(store.snapshot().keySet()).containsExactly(PREFIX + "fine.jpg");
    }

    @Test
    void importShard_whenLargeEntryMatches_streamsItThroughVerifiedPut() {
        byte[] large = new byte[2000];
        Arrays.fill(large, (byte) 7);

        ShardResult result = importShard(new Shards().file("large.mp4", large), config(4, 100));

        assertThat(result.imported()).isEqualTo(1);
        assertThat(store.object(PREFIX + "large.mp4").orElseThrow().bytes()).isEqualTo(large);
    }

    @Test
    void importShard_whenShardIsTruncated_keepsWhatWasReadAndRejectsTheRest() {
        Shards shards = new Shards().file("one.jpg", utf8("1")).file("two.jpg", new byte[3000]).file("three.jpg", utf8("3"));
        byte[] tar = shards.tar();
        // Cut inside two.jpg's content, which starts one block after its header.
        byte[] cut = Arrays.copyOf(tar, header(tar, "two.jpg") + 512 + 1000);

        ShardResult result = new ShardImporter(store, config(4, 1024 * 1024), CLOCK)
                .importShard(shards.parsedManifest(ID, 1), new ByteArrayInputStream(cut)).result();

        assertThat(result.imported()).isEqualTo(1);
        assertThat(result.rejected()).extracting(Rejection::path).containsExactlyInAnyOrder("two.jpg", "three.jpg");
        assertThat(result.rejected()).extracting(Rejection::reason)
                .containsOnly("shard truncated or corrupt after one.jpg");
        assertThat(store.snapshot().keySet()).containsExactly(PREFIX + "one.jpg");
    }

    @Test
    void importShard_whenHeaderIsCorrupt_keepsWhatWasReadAndRejectsTheRest() {
        Shards shards = new Shards().file("one.jpg", utf8("1")).file("two.jpg", utf8("2"));
        byte[] tar = shards.tar();
        // Garble two.jpg's numeric header fields (mode to checksum).
        int header = header(tar, "two.jpg");
        Arrays.fill(tar, header + 100, header + 156, (byte) 'Z');

        ShardResult result = new ShardImporter(store, config(4, 1024), CLOCK)
                .importShard(shards.parsedManifest(ID, 1), new ByteArrayInputStream(tar)).result();

        assertThat(result.imported()).isEqualTo(1);
        assertThat(result.rejected()).singleElement().satisfies(r -> {
            assertThat(r.path()).isEqualTo("two.jpg");
            assertThat(r.reason()).isEqualTo("shard truncated or corrupt after one.jpg");
        });
    }

    /** Where the ustar header naming {@code name} starts (the name field opens the header). */
    private static int header(byte[] tar, String name) {
        String text = new String(tar, java.nio.charset.StandardCharsets.ISO_8859_1);
        return text.lastIndexOf(name + "\0");
    }

    @Test
    void importShard_whenFiveThousandEntries_neverExceedsParallelism() {
        Shards shards = new Shards();
        for (int i = 0; i < 5000; i++) {
            shards.file(String.format("2024/%02d/image-%04d.jpg", i % 12 + 1, i), utf8("image " + i));
        }

        ShardResult result = importShard(shards, config(3, 1024));

        assertThat(result.imported()).isEqualTo(5000);
        assertThat(result.rejected()).isEmpty();
        assertThat(store.maxConcurrentPuts()).isBetween(1, 3);
    }
}

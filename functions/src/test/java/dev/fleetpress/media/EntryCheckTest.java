package dev.fleetpress.media;

import static dev.fleetpress.media.Shards.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EntryCheckTest {
    private static final String PREFIX = ShardImporterTest.PREFIX;
    private static final Instant IMPORTED_AT = ShardImporterTest.CLOCK.instant();

    private final InMemoryObjectStore store = new InMemoryObjectStore();
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final EntryCheck check = new EntryCheck(store, EntryRules.under(PREFIX), pool);

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    /** Puts {@code content} at {@code path} as the import does and answers the entry with the ETag it recorded. */
    private EntryCheck.Entry imported(String path, byte[] content) {
        String sha = ShardImporter.sha256(content);
        String eTag = store.put(PREFIX + path, content, new ObjectStore.UploadHeaders("image/jpeg", "", sha));
        return new EntryCheck.Entry(1, new ManifestEntry(path, content.length, sha), eTag, IMPORTED_AT);
    }

    private static EntryCheck.Entry notRecorded(EntryCheck.Entry entry) {
        return new EntryCheck.Entry(entry.shard(), entry.manifest(), "", entry.recordedAt());
    }

    @Test
    void check_whenListedWithTheRecordedETag_verifiesByListingWithoutHeadObject() {
        List<EntryCheck.Entry> entries = List.of(imported("2024/05/a.jpg", utf8("a")), imported("2025/01/b.jpg", utf8("b")),
                imported("c.jpg", utf8("c")));

        EntryCheck.Outcome outcome = check.check(entries);

        assertThat(outcome.problems()).isEmpty();
        assertThat(outcome.byListing()).isEqualTo(3);
        assertThat(outcome.byHeadObject()).isZero();
        assertThat(store.heads()).isZero();
    }

    @Test
    void check_whenEntriesSpanFolders_listsEachFolderOnceFromItsFirstEntryToItsLast() {
        store.putRaw(PREFIX + "2024/01/before.jpg", utf8("other"));
        store.putRaw(PREFIX + "2024/09/after.jpg", utf8("other"));
        List<EntryCheck.Entry> entries = List.of(imported("2024/05/a.jpg", utf8("a")), imported("2024/06/b.jpg", utf8("b")),
                imported("2025/01/c.jpg", utf8("c")));

        EntryCheck.Outcome outcome = check.check(entries);

        assertThat(outcome.listings()).isEqualTo(2);
        assertThat(store.listings()).isEqualTo(2);
        assertThat(outcome.listedKeys()).isEqualTo(3);
        assertThat(outcome.byListing()).isEqualTo(3);
    }

    @Test
    void check_whenTheListingMissesAKeyThatIsThere_asksHeadObjectAndVerifiesIt() {
        EntryCheck.Entry entry = imported("2024/05/a.jpg", utf8("a"));
        store.hideFromListings(PREFIX + "2024/05/a.jpg");

        EntryCheck.Outcome outcome = check.check(List.of(entry, imported("2024/05/b.jpg", utf8("b"))));

        assertThat(outcome.problems()).isEmpty();
        assertThat(outcome.byListing()).isEqualTo(1);
        assertThat(outcome.byHeadObject()).isEqualTo(1);
        assertThat(store.heads()).isEqualTo(1);
    }

    @Test
    void check_whenTheKeyIsGone_reportsNotInS3() {
        EntryCheck.Entry entry = imported("2024/05/a.jpg", utf8("a"));
        store.remove(PREFIX + "2024/05/a.jpg");

        EntryCheck.Outcome outcome = check.check(List.of(entry));

        assertThat(outcome.problems()).singleElement().satisfies(p -> {
            assertThat(p.entry()).isEqualTo(entry);
            assertThat(p.reason()).isEqualTo("not in S3");
        });
        assertThat(outcome.verified()).isZero();
    }

    @Test
    void check_whenTheListedSizeDiffers_reportsTheSizeFromHeadObject() {
        EntryCheck.Entry entry = imported("2024/05/a.jpg", utf8("abcd"));
        // Replaced by other bytes that even carry the manifest's sha256 as metadata: only the size tells.
        store.putWithSha(PREFIX + "2024/05/a.jpg", utf8("abcde"), entry.manifest().sha256());

        EntryCheck.Outcome outcome = check.check(List.of(entry));

        assertThat(outcome.problems()).singleElement()
                .satisfies(p -> assertThat(p.reason()).isEqualTo("in S3 with 5 bytes, not the manifest's 4"));
        assertThat(store.heads()).isEqualTo(1);
    }

    @Test
    void check_whenTheKeyHoldsAnotherFileOfTheSameSize_reportsItsSha256() {
        EntryCheck.Entry entry = imported("2024/05/a.jpg", utf8("abcd"));
        String other = ShardImporter.sha256(utf8("wxyz"));
        store.putWithSha(PREFIX + "2024/05/a.jpg", utf8("wxyz"), other);

        EntryCheck.Outcome outcome = check.check(List.of(entry));

        assertThat(outcome.problems()).singleElement().satisfies(p -> assertThat(p.reason())
                .isEqualTo("in S3 with sha256 '" + other + "', not the manifest's " + entry.manifest().sha256()));
    }

    @Test
    void check_whenOnlyTheSha256MetadataChangedAfterTheImport_asksHeadObjectAndReportsIt() {
        EntryCheck.Entry entry = imported("2024/05/a.jpg", utf8("abcd"));
        store.at(IMPORTED_AT.plusSeconds(60));
        store.setSha(PREFIX + "2024/05/a.jpg", "0".repeat(64));

        EntryCheck.Outcome outcome = check.check(List.of(entry));

        assertThat(outcome.problems()).singleElement()
                .satisfies(p -> assertThat(p.reason()).startsWith("in S3 with sha256 '" + "0".repeat(64) + "'"));
        assertThat(outcome.byListing()).isZero();
    }

    @Test
    void check_whenNoETagWasRecorded_asksHeadObject() {
        EntryCheck.Entry entry = notRecorded(imported("2024/05/a.jpg", utf8("a")));

        EntryCheck.Outcome outcome = check.check(List.of(entry));

        assertThat(outcome.problems()).isEmpty();
        assertThat(outcome.byHeadObject()).isEqualTo(1);
        assertThat(outcome.byListing()).isZero();
    }

    @Test
    void check_whenThePathIsNotImportable_reportsItWithoutARequest() {
        EntryCheck.Entry entry = new EntryCheck.Entry(1, new ManifestEntry("../x.jpg", 1, "a".repeat(64)), "", IMPORTED_AT);

        EntryCheck.Outcome outcome = check.check(List.of(entry));

        assertThat(outcome.problems()).singleElement()
                .satisfies(p -> assertThat(p.reason()).startsWith("not importable (").endsWith("yet not listed as rejected"));
        assertThat(store.heads()).isZero();
        assertThat(store.listings()).isZero();
    }

    @Test
    void check_whenTheFolderHoldsFarMoreOtherKeys_stopsListingAndAsksHeadObjectForTheRest() {
        List<EntryCheck.Entry> entries = new ArrayList<>();
        entries.add(imported("2024/a.jpg", utf8("a")));
        for (int i = 0; i < EntryCheck.MIN_FOREIGN_KEYS + 500; i++) {
            store.putRaw(PREFIX + String.format("2024/m-%05d.jpg", i), utf8("other"));
        }
        entries.add(imported("2024/z.jpg", utf8("z")));

        EntryCheck.Outcome outcome = check.check(entries);

        assertThat(outcome.problems()).isEmpty();
        assertThat(outcome.byListing()).isEqualTo(1);
        assertThat(outcome.byHeadObject()).isEqualTo(1);
        assertThat(outcome.listedKeys()).isEqualTo(1 + EntryCheck.MIN_FOREIGN_KEYS + 1);
    }

    @Test
    void check_whenNamesAreOutsideAscii_listsInS3OrderAndFindsThemAll() {
        // U+FF5E sorts before U+1F600 in UTF-8 (S3's order) but after it in UTF-16 (String's natural order).
        List<EntryCheck.Entry> entries = List.of(imported("2024/\uFF5E.jpg", utf8("a")),
                imported("2024/\uD83D\uDE00.jpg", utf8("b")), imported("2024/café.jpg", utf8("c")));

        EntryCheck.Outcome outcome = check.check(entries);

        assertThat(outcome.problems()).isEmpty();
        assertThat(outcome.byListing()).isEqualTo(3);
    }
}

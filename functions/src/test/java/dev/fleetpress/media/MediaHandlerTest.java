package dev.fleetpress.media;

import static dev.fleetpress.media.Shards.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.json.Json;
import dev.fleetpress.ledger.InMemoryLedger;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The handler fed the fixtures of events/media (and events/unrouted), over in-memory S3 and ledger. */
class MediaHandlerTest {
    private static final String BUCKET = "fleetpress-local-media-000000000000";
    private static final String ID = "m-2026-demo";
    private static final String PREFIX = "wp-content/uploads/";

    private final InMemoryObjectStore store = new InMemoryObjectStore();
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final MediaHandler handler = new MediaHandler(
            new MediaImport(store, ledger, ShardImporterTest.config(4, 1024), ShardImporterTest.CLOCK), BUCKET);

    private static String fixture(String path) {
        try {
            return Files.readString(Path.of(System.getProperty("fleetpress.root"), "events", path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Json.Node handle(String event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Json.parse(out.toByteArray()).get("results").elements().get(0);
    }

    private void upload(int shard, Shards shards) {
        store.putRaw(MigrationKeys.shardManifest(ID, shard), utf8(shards.manifest(ID, shard)));
        store.putRaw(MigrationKeys.shardTar(ID, shard), shards.tar());
    }

    private void uploadMigration(int shards, long files) {
        store.putRaw(MigrationKeys.migrationManifest(ID), utf8(Json.write(Json.object("formatVersion", 1,
                "migrationId", ID, "shards", shards, "files", files, "bytes", 3, "environment", "production",
                "exportedAt", "2026-05-14T09:30:00Z"))));
    }

    private String shardEvent(int shard) {
        return fixture("media/s3-shard-created.json").replace("shard-00001.tar", String.format("shard-%05d.tar", shard));
    }

    private String report() {
        return ledger.read(MigrationKeys.reportLedgerKey(ID)).orElseThrow();
    }

    @Test
    void handleRequest_whenShardCreated_importsAndRecordsResult() {
        upload(1, new Shards().file("2024/05/photo one.jpg", utf8("jpeg")));

        Json.Node answer = handle(fixture("media/s3-shard-created.json"));

        assertThat(answer.text("outcome")).isEqualTo("IMPORTED");
        assertThat(store.object(PREFIX + "2024/05/photo one.jpg")).isPresent();
        assertThat(ledger.read(MigrationKeys.resultLedgerKey(ID, 1)))
                .hasValueSatisfying(json -> assertThat(json).contains("\"imported\":1", "\"rejected\":[]"));
    }

    @Test
    void handleRequest_whenShardEventRepeats_changesNothing() {
        upload(1, new Shards().file("a.jpg", utf8("a")));
        handle(fixture("media/s3-shard-created.json"));
        var ledgerBefore = ledger.snapshot();
        int putsBefore = store.puts();

        Json.Node answer = handle(fixture("media/s3-shard-created.json"));

        assertThat(answer.text("outcome")).isEqualTo("DUPLICATE");
        assertThat(ledger.snapshot()).isEqualTo(ledgerBefore);
        assertThat(store.puts()).isEqualTo(putsBefore);
    }

    @Test
    void handleRequest_whenMigrationArrivesLast_writesReport() {
        upload(1, new Shards().file("a.jpg", utf8("a")));
        upload(2, new Shards().file("b.jpg", utf8("b")).file("../evil.jpg", utf8("x")));
        handle(shardEvent(2));
        handle(shardEvent(1));
        assertThat(ledger.read(MigrationKeys.reportLedgerKey(ID))).isEmpty();
        uploadMigration(2, 3);

        Json.Node answer = handle(fixture("media/s3-migration-complete.json"));

        assertThat(answer.text("report")).startsWith("WRITTEN");
        Json.Node report = Json.parse(report());
        assertThat(report.get("verified").asLong()).isEqualTo(2);
        assertThat(report.get("missing").elements()).isEmpty();
        assertThat(report.get("complete").asBoolean()).isTrue();
        assertThat(report.get("rejected").elements()).singleElement()
                .satisfies(r -> assertThat(r.text("path")).isEqualTo("../evil.jpg"));
    }

    @Test
    void handleRequest_whenMigrationArrivesFirst_reportFollowsLastShard() {
        upload(1, new Shards().file("a.jpg", utf8("a")));
        uploadMigration(1, 1);

        assertThat(handle(fixture("media/s3-migration-complete.json")).text("report")).startsWith("WAITING");
        Json.Node answer = handle(shardEvent(1));

        assertThat(answer.text("report")).startsWith("WRITTEN");
        assertThat(Json.parse(report()).get("complete").asBoolean()).isTrue();
    }

    @Test
    void handleRequest_whenImportedFileIsGone_reportShowsItMissing() {
        upload(1, new Shards().file("a.jpg", utf8("a")).file("b.jpg", utf8("b")));
        handle(shardEvent(1));
        store.remove(PREFIX + "b.jpg");
        uploadMigration(1, 2);

        handle(fixture("media/s3-migration-complete.json"));

        Json.Node report = Json.parse(report());
        assertThat(report.get("complete").asBoolean()).isFalse();
        assertThat(report.get("missing").elements()).singleElement().satisfies(m -> {
            assertThat(m.text("path")).isEqualTo("b.jpg");
            assertThat(m.text("reason")).isEqualTo("not in S3");
        });
    }

    @Test
    void handleRequest_whenTheImportRecordedEveryETag_verifiesByListingWithoutHeadObject() {
        byte[] present = utf8("already there");
        store.putWithSha(PREFIX + "present.jpg", present, ShardImporter.sha256(present));
        upload(1, new Shards().file("a.jpg", utf8("a")).file("2024/05/b.jpg", utf8("b")).file("present.jpg", present));
        uploadMigration(1, 3);
        handle(shardEvent(1));

        Json.Node report = Json.parse(report());

        assertThat(report.get("complete").asBoolean()).isTrue();
        assertThat(report.get("skipped").asLong()).isEqualTo(1);
        assertThat(report.get("verifiedBy", "listing").asLong()).isEqualTo(3);
        assertThat(report.get("verifiedBy", "headObject").asLong()).isZero();
    }

    @Test
    void handleRequest_whenTheETagRecordIsGone_verifiesByHeadObject() {
        upload(1, new Shards().file("a.jpg", utf8("a")));
        handle(shardEvent(1));
        store.remove(MigrationKeys.storedEntries(ID, 1));
        uploadMigration(1, 1);

        handle(fixture("media/s3-migration-complete.json"));

        Json.Node report = Json.parse(report());
        assertThat(report.get("complete").asBoolean()).isTrue();
        assertThat(report.get("verifiedBy", "headObject").asLong()).isEqualTo(1);
    }

    @Test
    void handleRequest_whenAShardManifestIsGoneAtTheEnd_reportsItsEntriesUncheckable() {
        upload(1, new Shards().file("a.jpg", utf8("a")));
        upload(2, new Shards().file("b.jpg", utf8("b")));
        handle(shardEvent(1));
        handle(shardEvent(2));
        store.remove(MigrationKeys.shardManifest(ID, 2));
        uploadMigration(2, 2);

        handle(fixture("media/s3-migration-complete.json"));

        Json.Node report = Json.parse(report());
        assertThat(report.get("complete").asBoolean()).isFalse();
        assertThat(report.get("verified").asLong()).isEqualTo(1);
        assertThat(report.get("missing").elements()).extracting(m -> m.text("reason"))
                .anySatisfy(reason -> assertThat(reason).startsWith("cannot check this shard's entries: the shard manifest is gone"))
                .anySatisfy(reason -> assertThat(reason).contains("migration.json counts 2 files but the shard manifests list 1"));
    }

    @Test
    void handleRequest_whenReportExists_writesNothingMore() {
        upload(1, new Shards().file("a.jpg", utf8("a")));
        uploadMigration(1, 1);
        handle(shardEvent(1));
        String first = report();

        Json.Node answer = handle(fixture("media/s3-migration-complete.json"));

        assertThat(answer.text("report")).isEqualTo("ALREADY_WRITTEN");
        assertThat(report()).isEqualTo(first);
    }

    @Test
    void handleRequest_whenKeyIsEncodedStray_decodesAndIgnoresIt() {
        Json.Node answer = handle(fixture("media/s3-stray-tar-encoded-key.json"));

        assertThat(answer.text("outcome")).isEqualTo("IGNORED");
        assertThat(answer.text("message")).contains("_migration/m-2026-demo/old shards/copy of shard+1 été.tar");
        assertThat(ledger.snapshot()).isEmpty();
    }

    @Test
    void handleRequest_whenEventBridgeObjectCreated_importsShard() {
        upload(1, new Shards().file("a.jpg", utf8("a")));

        Json.Node answer = handle(fixture("unrouted/eventbridge-object-created.json"));

        assertThat(answer.text("outcome")).isEqualTo("IMPORTED");
    }

    @Test
    void handleRequest_whenEventBridgeKeyIsEncoded_decodesIt() {
        upload(1, new Shards().file("a.jpg", utf8("a")));
        String encoded = fixture("unrouted/eventbridge-object-created.json")
                .replace("_migration/m-2026-demo/shard-00001.tar", "_migration%2Fm-2026-demo%2Fshard-00001.tar");

        assertThat(handle(encoded).text("outcome")).isEqualTo("IMPORTED");
    }

    @Test
    void handleRequest_whenOtherBucket_rejectsIt() {
        String event = fixture("media/s3-shard-created.json").replace("\"name\": \"" + BUCKET + "\"",
                "\"name\": \"someone-elses-bucket\"");

        assertThat(handle(event).text("outcome")).isEqualTo("REJECTED");
        assertThat(ledger.snapshot()).isEmpty();
    }

    @Test
    void handleRequest_whenNotJson_rejectsIt() {
        assertThat(handle("not json").text("outcome")).isEqualTo("REJECTED");
    }
}

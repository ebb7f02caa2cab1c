package dev.fleetpress.media.rewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.media.ObjectStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class StoredMigrationReportsTest {
    private static final String ID = "m-20261127-150000-production-ab12";
    private final Map<String, String> objects = new TreeMap<>();
    private final StoredMigrationReports reports = new StoredMigrationReports(new ReadOnlyStore(objects));

    private static String report(String environment, boolean complete, String missing) {
        return "{\"formatVersion\":1,\"migrationId\":\"" + ID + "\",\"environment\":" + environment + ",\"entries\":304,"
                + "\"verified\":302,\"imported\":302,\"skipped\":0,\"rejected\":[{\"shard\":1,\"path\":\"a.php\",\"reason\":\"php\"},"
                + "{\"shard\":1,\"path\":\"../x\",\"reason\":\"outside\"}],\"missing\":[" + missing + "],"
                + "\"finishedAt\":\"2026-11-27T14:59:00Z\",\"complete\":" + complete + "}";
    }

    @Test
    void report_whenMediaFunctionWroteOne_readsItsVerdictAndCounts() {
        objects.put("_migration/" + ID + "/report.json", report("\"production\"", true, ""));

        MigrationReport r = reports.report(ID).orElseThrow();

        assertThat(r).isEqualTo(new MigrationReport(ID, "production", true, 304, 302, 2, 0, "2026-11-27T14:59:00Z"));
        assertThat(r.completeWithNothingMissing()).isTrue();
    }

    @Test
    void report_whenTheReportNamesNoEnvironment_takesStartedJsons() {
        objects.put("_migration/" + ID + "/report.json", report("null", false, "{\"shard\":1,\"path\":\"b.jpg\",\"reason\":\"gone\"}"));
        objects.put("_migration/" + ID + "/started.json", "{\"environment\":\"staging\"}");

        MigrationReport r = reports.report(ID).orElseThrow();

        assertThat(r.environment()).isEqualTo("staging");
        assertThat(r.missing()).isEqualTo(1);
        assertThat(r.completeWithNothingMissing()).isFalse();
    }

    @Test
    void report_whenThereIsNone_isEmpty_andExistsTellsUnfinishedFromUnknown() {
        objects.put("_migration/" + ID + "/shard-00001.tar", "tar");

        assertThat(reports.report(ID)).isEmpty();
        assertThat(reports.exists(ID)).isTrue();
        assertThat(reports.exists("m-nosuchmigration")).isFalse();
    }

    @Test
    void report_whenItIsNotJson_throwsNamingTheKey() {
        objects.put("_migration/" + ID + "/report.json", "<html>");

        assertThatThrownBy(() -> reports.report(ID)).hasMessageContaining("_migration/" + ID + "/report.json is not JSON");
    }

    /** The bucket in a map: only what the reports read. */
    private record ReadOnlyStore(Map<String, String> objects) implements ObjectStore {
        @Override
        public Optional<InputStream> open(String key) {
            return Optional.ofNullable(objects.get(key))
                    .map(s -> new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public void list(String prefix, String startAfter, Predicate<ListedObject> each) {
            for (Map.Entry<String, String> e : objects.entrySet()) {
                if (e.getKey().startsWith(prefix) && !each.test(new ListedObject(e.getKey(), e.getValue().length(), "etag",
                        Instant.EPOCH))) {
                    return;
                }
            }
        }

        @Override
        public Optional<StoredObject> head(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String put(String key, byte[] bytes, UploadHeaders headers) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<String> putIfAbsent(String key, byte[] bytes, UploadHeaders headers) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<String> putIfVerified(String key, InputStream body, long size, UploadHeaders headers,
                                              BooleanSupplier verified) {
            throw new UnsupportedOperationException();
        }
    }
}

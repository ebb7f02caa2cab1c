package dev.fleetpress.efs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.efs.CreditMetrics.CreditSample;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The records `fleetpress efs status` reads survive their JSON unchanged. */
class EfsRecordsTest {
    private static final Instant T = Instant.parse("2026-11-27T20:15:00.515Z");

    @Test
    void fileSystemRecord_whenWrittenAndRead_isEqual() {
        FileSystemRecord record = new FileSystemRecord("fs-0123456789abcdef0", "production", "elastic", 0, T,
                new FileSystemRecord.Alarm("fleetpress-local-efs-credits-production", "ALARM", T, T, Instant.EPOCH),
                List.of(T), Instant.EPOCH, FileSystemRecord.Change.NONE,
                List.of(new FileSystemRecord.HistoryEntry(T, "bursting", "elastic", 0, "credit alarm ALARM", "CHANGED", "")),
                List.of(new FileSystemRecord.Incident("inc-20261127-201500", T, T, "switched", T, T, Instant.EPOCH, 2,
                        "owner-1", T)),
                List.of(new CreditSample(T, 1.5e12)), T);

        FileSystemRecord read = FileSystemRecord.fromJson(record.toJson());

        assertThat(read).isEqualTo(record);
        assertThat(record.toJson()).contains("\"nextRestrictedChangeAt\":\"2026-11-28T20:15:00.515Z\"");
        assertThat(record.untilNextRestrictedChange(T.plus(java.time.Duration.ofHours(20))))
                .isEqualTo(java.time.Duration.ofHours(4));
        assertThat(record.untilNextRestrictedChange(T.plus(java.time.Duration.ofHours(25)))).isZero();
    }

    @Test
    void evacuationRecord_whenWrittenAndRead_isEqual() {
        EvacuationRecord record = EvacuationRecord.started("production", "fs-0123456789abcdef0", "operator", T)
                .withCapture(new EvacuationRecord.Capture("c-20261127-201500-production-k3v9", "i-0a1b2c3d4e5f60718",
                        "9a6b4c2d-8e1f-4a3b-9c5d-3e4f5a6b7c81", "Success", T, "r-5c1d9e0f2a3b", 10, 20, true, "RECORDED"), T)
                .withPromotion(new EvacuationRecord.Promotion("PROMOTED", "pointer moved", T), T)
                .with(EvacuationRecord.State.RUNNING, EvacuationRecord.Step.MIGRATE, "", T);

        assertThat(EvacuationRecord.fromJson(record.toJson())).isEqualTo(record);
        assertThat(record.toJson()).contains("\"step\":\"migrate\"", "\"state\":\"RUNNING\"");
    }

    @Test
    void evacuationReport_whenWrittenAndRead_isEqual() {
        EvacuationReport report = new EvacuationReport("production", "fs-0123456789abcdef0", T, "/var/www/html", 10, 20,
                "r-5c1d9e0f2a3b", 2, 1, List.of("i-0b1c2d3e4f5a60719"), "/var/www/html/wp-content/uploads",
                "m-20261127-201500-production-p2x4", 300, 400, true, 298, 2, true, "summary");

        assertThat(EvacuationReport.fromJson(report.toJson())).isEqualTo(report);
    }
}

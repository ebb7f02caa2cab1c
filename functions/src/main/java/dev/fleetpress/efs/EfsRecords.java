package dev.fleetpress.efs;

import dev.fleetpress.ledger.VersionedLedger;
import dev.fleetpress.ledger.VersionedRecords;
import dev.fleetpress.release.Environments;
import java.util.Objects;
import java.util.Optional;

/**
 * The EFS records in a {@link VersionedLedger} (on AWS: the release bucket under {@value #PREFIX}), which
 * {@code fleetpress efs status} reads:
 * <ul>
 *   <li>{@code <fs-id>.json}: the {@link FileSystemRecord} (mode, alarm, restricted changes, incidents, credit samples)</li>
 *   <li>{@code evacuations/<env>.json}: the environment's {@link EvacuationRecord} (the exit plan)</li>
 *   <li>{@code reports/<env>.json}: the exit plan's {@link EvacuationReport}: what is left on EFS and what reads it</li>
 * </ul>
 */
public final class EfsRecords {
    public static final String PREFIX = "efs/";

    private final VersionedLedger ledger;
    private final VersionedRecords<FileSystemRecord> fileSystems;
    private final VersionedRecords<EvacuationRecord> evacuations;
    private final VersionedRecords<EvacuationReport> reports;

    public EfsRecords(VersionedLedger ledger) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.fileSystems = VersionedRecords.of(ledger, FileSystemRecord::toJson, FileSystemRecord::fromJson);
        this.evacuations = VersionedRecords.of(ledger, EvacuationRecord::toJson, EvacuationRecord::fromJson);
        this.reports = VersionedRecords.of(ledger, EvacuationReport::toJson, EvacuationReport::fromJson);
    }

    /** {@code <fs-id>.json}, relative to {@value #PREFIX}. */
    public static String fileSystemKey(String fileSystemId) {
        return EfsIds.fileSystemId(fileSystemId) + ".json";
    }

    public static String evacuationKey(String environment) {
        return "evacuations/" + Environments.requireValid(environment) + ".json";
    }

    public static String reportKey(String environment) {
        return "reports/" + Environments.requireValid(environment) + ".json";
    }

    public Optional<FileSystemRecord> fileSystem(String fileSystemId) {
        return fileSystems.read(fileSystemKey(fileSystemId)).map(VersionedRecords.Stored::value);
    }

    public Optional<EvacuationRecord> evacuation(String environment) {
        return evacuations.read(evacuationKey(environment)).map(VersionedRecords.Stored::value);
    }

    public Optional<EvacuationReport> report(String environment) {
        return reports.read(reportKey(environment)).map(VersionedRecords.Stored::value);
    }

    VersionedRecords<FileSystemRecord> fileSystems() {
        return fileSystems;
    }

    VersionedRecords<EvacuationRecord> evacuations() {
        return evacuations;
    }

    VersionedRecords<EvacuationReport> reports() {
        return reports;
    }

    VersionedLedger ledger() {
        return ledger;
    }
}

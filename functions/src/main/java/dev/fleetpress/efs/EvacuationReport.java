package dev.fleetpress.efs;

import static dev.fleetpress.efs.FileSystemRecord.instant;
import static dev.fleetpress.efs.FileSystemRecord.time;

import dev.fleetpress.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The exit plan's step 4, {@code efs/reports/<env>.json}: what is left on EFS (nothing is deleted) and what
 * the site still reads from it.
 *
 * @param codeFiles          files of the webroot at capture (what stays on EFS as code)
 * @param instancesRunning   InService instances of the group whose record says they run the captured release
 * @param instancesReadingCode InService instances that do not (yet): they still serve code from the EFS webroot
 * @param uploadsFiles       files the media export found under the uploads path (its migration.json)
 * @param uploadsVerified    of those, verified in S3 by the import's report
 * @param uploadsReadFromEfs true until the offload plugin is configured: WordPress reads uploads from the webroot
 */
public record EvacuationReport(String environment, String fileSystemId, Instant writtenAt, String webrootPath,
                               long codeFiles, long codeBytes, String releaseId, int instancesInService,
                               int instancesRunning, List<String> instancesReadingCode, String uploadsPath,
                               String migrationId, long uploadsFiles, long uploadsBytes, boolean migrationVerified,
                               long uploadsVerified, long uploadsRejected, boolean uploadsReadFromEfs, String summary) {
    public EvacuationReport {
        Objects.requireNonNull(writtenAt, "writtenAt");
        instancesReadingCode = List.copyOf(instancesReadingCode);
        Objects.requireNonNull(summary, "summary");
    }

    public String toJson() {
        return Json.write(Json.object(
                "formatVersion", 1,
                "environment", environment,
                "fileSystemId", fileSystemId,
                "writtenAt", time(writtenAt),
                "leftOnEfs", Json.object("webrootPath", webrootPath, "codeFiles", codeFiles, "codeBytes", codeBytes,
                        "uploadsPath", uploadsPath, "uploadsFiles", uploadsFiles, "uploadsBytes", uploadsBytes),
                "code", Json.object("releaseId", releaseId, "instancesInService", instancesInService,
                        "instancesRunningRelease", instancesRunning, "instancesReadingCodeFromEfs", instancesReadingCode),
                "uploads", Json.object("migrationId", migrationId, "verifiedReport", migrationVerified,
                        "verified", uploadsVerified, "rejected", uploadsRejected, "readFromEfs", uploadsReadFromEfs),
                "summary", summary));
    }

    public static EvacuationReport fromJson(String json) {
        Json.Node n = Json.parse(json);
        Json.Node left = n.get("leftOnEfs");
        Json.Node code = n.get("code");
        Json.Node uploads = n.get("uploads");
        return new EvacuationReport(n.text("environment"), n.text("fileSystemId"), instant(n.text("writtenAt")),
                left.text("webrootPath"), left.get("codeFiles").asLong(), left.get("codeBytes").asLong(),
                code.text("releaseId"), (int) code.get("instancesInService").asLong(),
                (int) code.get("instancesRunningRelease").asLong(),
                code.get("instancesReadingCodeFromEfs").elements().stream().map(Json.Node::asText).toList(),
                left.text("uploadsPath"), uploads.text("migrationId"), left.get("uploadsFiles").asLong(),
                left.get("uploadsBytes").asLong(), uploads.get("verifiedReport").asBoolean(),
                uploads.get("verified").asLong(), uploads.get("rejected").asLong(), uploads.get("readFromEfs").asBoolean(),
                n.text("summary"));
    }
}

package dev.fleetpress.localcloud.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.LocalCloud;
import dev.fleetpress.localcloud.LocalGit;
import dev.fleetpress.localcloud.ec2.Instances;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The media migration on localcloud, for real: the export document runs with bash on an instance
 * sandbox whose uploads folder holds awkward names, its shards land in the media bucket, S3's
 * notifications invoke MediaFunction, which streams each shard into the uploads prefix, and once
 * every shard has a result a report says nothing was lost.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MediaFlowTest {
    private static final Path ROOT = Flows.ROOT;
    private static final String MIGRATION = "m-flow-test-0001";
    private static final List<String> AWKWARD = List.of("2026/11/photo one+two ü.jpg", "2026/11/100% sure.png", "2025/01/café menu.pdf");

    private Path tmp;
    private LocalCloud cloud;
    private String bucket;
    private Instances.Instance instance;
    private int files;

    @BeforeAll
    void exportAndImport() throws Exception {
        tmp = Files.createTempDirectory("media-flow-");
        LocalGit site = LocalGit.copyOf(ROOT.resolve("examples/site"), tmp.resolve("site"));
        cloud = LocalCloud.builder().projectRoot(ROOT).dataDir(tmp.resolve("cloud")).siteRepository(site.dir()).timeScale(0.1).build();
        bucket = cloud.template().outputs().get("MediaBucketName");
        instance = cloud.instances().launch("fleetpress-production");
        Path uploads = instance.root().resolve("var/www/fleetpress/current/wp-content/uploads");
        for (int i = 0; i < 120; i++) {
            write(uploads.resolve(String.format("20%02d/%02d/image-%03d.jpg", 20 + i % 6, 1 + i % 12, i)), "jpeg bytes " + i);
        }
        for (String name : AWKWARD) {
            write(uploads.resolve(name), "awkward " + name);
        }
        files = 120 + AWKWARD.size();
        Files.createSymbolicLink(uploads.resolve("escape"), Path.of("/etc"));

        Thread.sleep(500); // the instance's SSM agent registers 0.2 s after launch (time scale 0.1)
        String commandId = cloud.ssm().sendCommand(b -> b.documentName("fleetpress-local-media-export")
                .instanceIds(instance.id())
                .parameters(Map.of("MigrationId", List.of(MIGRATION), "MediaBucket", List.of(bucket), "ShardMegabytes", List.of("1"))))
                .command().commandId();
        String status = "Pending";
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline && List.of("Pending", "InProgress", "Delayed").contains(status)) {
            Thread.sleep(200);
            status = cloud.ssm().getCommandInvocation(b -> b.commandId(commandId).instanceId(instance.id())).statusAsString();
        }
        assertThat(status).isEqualTo("Success");
        assertThat(cloud.awaitIdle(Duration.ofMinutes(3))).isTrue();
    }

    @AfterAll
    void stop() {
        if (cloud != null) {
            cloud.close();
        }
        LocalCloud.deleteRecursively(tmp);
    }

    @Test
    void migration_whenEveryShardIsImported_writesAReportWithNothingMissing() {
        Json.Node report = json("_migration/" + MIGRATION + "/report.json");
        assertThat(report.toString()).doesNotContain("\"missing\":[{");
        assertThat(report.toString()).contains(MIGRATION);
    }

    @Test
    void migration_whenNamesAreAwkward_putsEachFileAtItsUploadsKeyWithItsSha256() throws Exception {
        for (String name : AWKWARD) {
            HeadObjectResponse head = cloud.s3().headObject(b -> b.bucket(bucket).key("wp-content/uploads/" + name));
            String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(("awkward " + name).getBytes(StandardCharsets.UTF_8)));
            assertThat(head.metadata()).containsEntry("sha256", expected);
        }
    }

    @Test
    void migration_whenFilesAreImages_setsTheirContentType() {
        HeadObjectResponse head = cloud.s3().headObject(b -> b.bucket(bucket).key("wp-content/uploads/2026/11/photo one+two ü.jpg"));
        assertThat(head.contentType()).isEqualTo("image/jpeg");
    }

    @Test
    void migration_whenTheExportRan_importedEveryRegularFile() {
        // S3Proxy's filesystem store also lists the folders it created as keys ending in '/'; S3 has none.
        long stored = cloud.s3().listObjectsV2Paginator(b -> b.bucket(bucket).prefix("wp-content/uploads/")).contents().stream()
                .filter(o -> !o.key().endsWith("/")).count();
        assertThat(stored).isEqualTo(files);
    }

    @Test
    void migration_whenTheUploadsFolderHoldsASymlink_neverFollowsIt() {
        assertThat(exists("wp-content/uploads/escape")).isFalse();
        assertThat(json("_migration/" + MIGRATION + "/migration.json").toString()).contains("escape");
    }

    private Json.Node json(String key) {
        return Json.parse(cloud.s3().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
    }

    private boolean exists(String key) {
        try {
            cloud.s3().headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        }
    }

    private static void write(Path file, String content) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}

package dev.fleetpress.localcloud.codebuild;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.s3.LocalS3;
import dev.fleetpress.localcloud.s3.NotificationSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.codebuild.model.Build;
import software.amazon.awssdk.services.codebuild.model.EnvironmentVariable;
import software.amazon.awssdk.services.codebuild.model.StatusType;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The repository's real buildspec.yml over the example site, on LocalS3: the release build as the
 * local stack runs it. Needs bash, git, GNU tar, php-cli and composer on the machine.
 */
class ReleaseBuildspecTest {
    private static final String PROJECT = "fleetpress-local-release";
    private static final String BUCKET = "fleetpress-local-releasebucket";

    @TempDir
    Path temp;

    @Test
    void releaseBuild_ofTheExampleSite_uploadsTheTarballAndManifestAndReportsTheirLocation() throws Exception {
        Path root = Path.of(System.getProperty("fleetpress.root", "..")).toAbsolutePath().normalize();
        Path buildspec = root.resolve("buildspec.yml");
        Path site = root.resolve("examples/site");
        assertThat(buildspec).as("the release buildspec (written with the example site) is missing").exists();
        assertThat(site.resolve("composer.json")).as("the example site examples/site is missing").exists();
        Path repo = temp.resolve("site");
        copyTree(site, repo);
        String commit = GitRepo.commit(repo, Map.of());
        String releaseId = "r-" + commit.substring(0, 12);
        List<String> events = new CopyOnWriteArrayList<>();

        Build build;
        long millis;
        try (LocalS3 s3 = LocalS3.start(temp.resolve("s3"), NotificationSink.discard());
                LocalCodeBuild codeBuild = LocalCodeBuild.create(temp.resolve("work"), s3.client(), events::add, List.of(
                        new ProjectSpec(PROJECT, Files.readString(buildspec), repo, BUCKET, "releases", "release", true, 30)))) {
            s3.createBucket(BUCKET);
            long start = System.nanoTime();
            String id = codeBuild.startBuild(b -> b.projectName(PROJECT).sourceVersion(commit).environmentVariablesOverride(
                    variable("RELEASE_ID", releaseId), variable("TARGET_ENV", "production"),
                    variable("SOURCE_REPOSITORY", "fleetpress/example-site"), variable("SOURCE_REF", "refs/heads/main"),
                    variable("SOURCE_COMMIT", commit))).build().id();
            codeBuild.awaitIdle(Duration.ofMinutes(5));
            millis = (System.nanoTime() - start) / 1_000_000;
            build = codeBuild.batchGetBuilds(b -> b.ids(id)).builds().get(0);
            String log = Files.readString(Path.of(java.net.URI.create(build.logs().deepLink())));
            assertThat(build.buildStatus()).as("release build failed; its log:%n%s", log).isEqualTo(StatusType.SUCCEEDED);

            S3Client client = s3.client();
            String manifest = client.getObjectAsBytes(b -> b.bucket(BUCKET).key("releases/" + releaseId + "/manifest.json"))
                    .asUtf8String();
            long tarball = client.headObject(b -> b.bucket(BUCKET).key("releases/" + releaseId + "/release.tar.gz"))
                    .contentLength();
            assertThat(Json.parse(manifest).text("releaseId")).isEqualTo(releaseId);
            assertThat(Json.parse(manifest).get("artifact", "bytes").asLong()).isEqualTo(tarball);
        }
        System.out.printf("release build of the example site: %d ms%n", millis);

        Json.Node finished = Json.parse(events.get(events.size() - 1));
        assertThat(finished.text("detail", "build-status")).isEqualTo("SUCCEEDED");
        assertThat(finished.text("detail", "additional-information", "artifact", "location"))
                .isEqualTo("arn:aws:s3:::" + BUCKET + "/releases/" + releaseId);
    }

    private static EnvironmentVariable variable(String name, String value) {
        return EnvironmentVariable.builder().name(name).value(value).build();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path rel = from.relativize(p);
                if (rel.toString().startsWith("vendor") || rel.toString().startsWith(".git/") || rel.toString().equals(".git")) {
                    continue;
                }
                Path target = to.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}

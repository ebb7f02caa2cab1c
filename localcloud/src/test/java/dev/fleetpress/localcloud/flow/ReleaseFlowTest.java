package dev.fleetpress.localcloud.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.GitHubPush;
import dev.fleetpress.localcloud.LocalCloud;
import dev.fleetpress.localcloud.LocalGit;
import dev.fleetpress.localcloud.events.FaultPlan;
import dev.fleetpress.localcloud.events.SourceFaults;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/**
 * Whole flows on localcloud: a signed push over HTTP → the real buildspec in CodeBuild → the
 * artifact in S3 → ReleaseFunction through EventBridge → the environment pointer in SSM.
 */
class ReleaseFlowTest {
    private static final Path ROOT = Flows.ROOT;
    private static final Duration LIMIT = Duration.ofMinutes(3);
    private static final String ZERO = GitHubPush.ZERO;

    @TempDir
    Path tmp;

    private LocalCloud cloud;

    @AfterEach
    void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void push_whenMainIsPushed_buildsVerifiesAndPromotesToProduction() throws Exception {
        LocalGit site = LocalGit.copyOf(ROOT.resolve("examples/site"), tmp.resolve("site"));
        cloud = start(site, FaultPlan.none());
        String commit = site.head();
        String release = "r-" + commit.substring(0, 12);

        HttpResponse<String> response = push(site, "refs/heads/main", ZERO, commit, UUID.randomUUID().toString());
        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(Json.parse(response.body()).text("outcome")).isEqualTo("BUILD_STARTED");
        assertThat(cloud.awaitIdle(LIMIT)).isTrue();

        assertThat(pointer("production")).isEqualTo(release);
        assertThat(exists("releases/" + release + "/release.json")).isTrue();
        Json.Node manifest = Json.parse(cloud.s3().getObjectAsBytes(b -> b.bucket(cloud.releaseBucket())
                .key("releases/" + release + "/manifest.json")).asByteArray());
        assertThat(manifest.text("commit")).isEqualTo(commit);
        assertThat(manifest.text("wordpress", "version")).isEqualTo("6.8.3");
    }

    @Test
    void push_whenTheBuildFails_leavesTheEnvironmentUnchanged() throws Exception {
        LocalGit site = LocalGit.copyOf(ROOT.resolve("examples/site"), tmp.resolve("site"));
        cloud = start(site, FaultPlan.none());
        String good = site.head();
        push(site, "refs/heads/main", ZERO, good, UUID.randomUUID().toString());
        assertThat(cloud.awaitIdle(LIMIT)).isTrue();
        assertThat(pointer("production")).isEqualTo("r-" + good.substring(0, 12));

        site.run("rm", "--quiet", "composer.lock");
        site.run("commit", "--quiet", "-m", "Forget the lock file");
        String broken = site.head();
        HttpResponse<String> response = push(site, "refs/heads/main", good, broken, UUID.randomUUID().toString());
        assertThat(Json.parse(response.body()).text("outcome")).isEqualTo("BUILD_STARTED");
        assertThat(cloud.awaitIdle(LIMIT)).isTrue();

        assertThat(pointer("production")).isEqualTo("r-" + good.substring(0, 12));
        assertThat(exists("releases/r-" + broken.substring(0, 12) + "/release.json")).isFalse();
    }

    @Test
    void push_whenBuildEventsAreDuplicatedAndDelayed_promotesOnceAndKeepsOneVersion() throws Exception {
        LocalGit site = LocalGit.copyOf(ROOT.resolve("examples/site"), tmp.resolve("site"));
        FaultPlan faults = FaultPlan.seeded(42).with("aws.codebuild",
                new SourceFaults(0, 1.0, Duration.ofMillis(50), Duration.ofMillis(300)));
        cloud = start(site, faults);
        String commit = site.head();

        push(site, "refs/heads/main", ZERO, commit, UUID.randomUUID().toString());
        assertThat(cloud.awaitIdle(LIMIT)).isTrue();

        String release = "r-" + commit.substring(0, 12);
        assertThat(pointer("production")).isEqualTo(release);
        // Copies of one event handled at the same moment: only the invocation that moved the
        // environment's head writes the pointer, so SSM keeps exactly one version.
        assertThat(cloud.ssm().getParameterHistory(b -> b.name(cloud.parameterPrefix() + "/env/production/release")
                        .withDecryption(true)).parameters())
                .singleElement().satisfies(v -> assertThat(v.value()).isEqualTo(release));
        assertThat(cloud.events().counters().duplicated()).isPositive();
    }

    @Test
    void push_whenATagPointsAtABuiltCommit_promotesToStagingWithoutRebuilding() throws Exception {
        LocalGit site = LocalGit.copyOf(ROOT.resolve("examples/site"), tmp.resolve("site"));
        cloud = start(site, FaultPlan.none());
        String commit = site.head();
        push(site, "refs/heads/main", ZERO, commit, UUID.randomUUID().toString());
        assertThat(cloud.awaitIdle(LIMIT)).isTrue();

        HttpResponse<String> tag = push(site, "refs/tags/v1.0.0", ZERO, commit, UUID.randomUUID().toString());

        assertThat(Json.parse(tag.body()).text("outcome")).isEqualTo("PROMOTED");
        assertThat(pointer("staging")).isEqualTo("r-" + commit.substring(0, 12));
    }

    @Test
    void push_whenTheSignatureIsWrong_answers401AndStartsNothing() throws Exception {
        LocalGit site = LocalGit.copyOf(ROOT.resolve("examples/site"), tmp.resolve("site"));
        cloud = start(site, FaultPlan.none());
        byte[] body = payload(site, "refs/heads/main", ZERO, site.head()).getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = send(body, "sha256=" + "0".repeat(64), UUID.randomUUID().toString());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(cloud.awaitIdle(LIMIT)).isTrue();
        assertThat(pointer("production")).isEqualTo("(none)");
    }

    private LocalCloud start(LocalGit site, FaultPlan faults) {
        return LocalCloud.builder().projectRoot(ROOT).dataDir(tmp.resolve("cloud")).siteRepository(site.dir()).faults(faults).build();
    }

    private HttpResponse<String> push(LocalGit site, String ref, String before, String after, String delivery) throws Exception {
        byte[] body = payload(site, ref, before, after).getBytes(StandardCharsets.UTF_8);
        return send(body, GitHubPush.signature(cloud.webhookSecret(), body), delivery);
    }

    private HttpResponse<String> send(byte[] body, String signature, String delivery) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(cloud.webhookUrl("github"))
                .header("Content-Type", "application/json")
                .header("X-GitHub-Event", "push")
                .header("X-GitHub-Delivery", delivery)
                .header("X-Hub-Signature-256", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String payload(LocalGit site, String ref, String before, String after) {
        return GitHubPush.payload("local/example-site", "file://" + site.dir(), ref, before, after);
    }

    private String pointer(String environment) {
        try {
            return cloud.ssm().getParameter(b -> b.name(cloud.parameterPrefix() + "/env/" + environment + "/release")).parameter().value();
        } catch (ParameterNotFoundException e) {
            return "(none)";
        }
    }

    private boolean exists(String key) {
        try {
            cloud.s3().headObject(b -> b.bucket(cloud.releaseBucket()).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        }
    }
}

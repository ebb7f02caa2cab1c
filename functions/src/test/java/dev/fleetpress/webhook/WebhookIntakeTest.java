package dev.fleetpress.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.fleetpress.Settings;
import dev.fleetpress.json.Json;
import dev.fleetpress.release.BuildRequest;
import dev.fleetpress.release.ReleaseId;
import dev.fleetpress.release.RequestOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookIntakeTest {
    private static final String RULES = "refs/heads/main=production,refs/tags/v*=staging";
    private static final Instant NOW = Instant.parse("2025-03-12T10:15:30Z");

    private final Fakes.MemoryLedger ledger = new Fakes.MemoryLedger();
    private final Fakes.RecordingReleaseRequests releases = new Fakes.RecordingReleaseRequests();
    private final Fakes.CountingSecretSource secrets = new Fakes.CountingSecretSource();
    private final Fakes.ManualClock clock = new Fakes.ManualClock(NOW);
    private final WebhookIntake intake = intake(Map.of("REF_RULES", RULES));

    private WebhookIntake intake(Map<String, String> env) {
        return WebhookIntake.create(Settings.of(env), secrets, ledger, releases, clock);
    }

    private static Json.Node body(WebhookResponse response) {
        return Json.parse(response.json());
    }

    // ---------------------------------------------------------------- GitHub

    @Test
    void handle_whenGitHubPushToMain_requestsProductionBuild() {
        WebhookResponse response = intake.handle(Fixtures.request("github-push-main.json"));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(releases.requests).containsExactly(new BuildRequest(ReleaseId.forCommit(Fixtures.MAIN_COMMIT),
                "acme/site", Fixtures.MAIN_COMMIT, "refs/heads/main", "production",
                "9a8b7c6d-ff01-11ef-8a3e-1c2b3d4e5f60", NOW));
    }

    @Test
    void handle_whenAccepted_answersOutcomeReleaseAndEnvironment() {
        releases.outcome = new RequestOutcome(RequestOutcome.Kind.PROMOTED, null, "r-f30f332fb142 promoted to production");

        Json.Node answer = body(intake.handle(Fixtures.request("github-push-main.json")));

        assertThat(answer.text("status")).isEqualTo("accepted");
        assertThat(answer.text("outcome")).isEqualTo("PROMOTED");
        assertThat(answer.text("release")).isEqualTo("r-f30f332fb142");
        assertThat(answer.text("environment")).isEqualTo("production");
        assertThat(answer.find("buildId")).isEmpty();
        assertThat(answer.text("message")).isEqualTo("r-f30f332fb142 promoted to production");
    }

    @Test
    void handle_whenGitHubTagPush_requestsStagingBuild() {
        WebhookResponse response = intake.handle(Fixtures.request("github-push-tag.json"));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(releases.requests).singleElement().satisfies(r -> {
            assertThat(r.ref()).isEqualTo("refs/tags/v1.2.0");
            assertThat(r.environment()).isEqualTo("staging");
            assertThat(r.commit()).isEqualTo(Fixtures.TAG_COMMIT);
        });
    }

    @Test
    void handle_whenBodyIsBase64_verifiesAndParsesTheDecodedBytes() {
        WebhookResponse response = intake.handle(Fixtures.request("github-push-base64.json"));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(releases.requests).singleElement().extracting(BuildRequest::commit).isEqualTo(Fixtures.MAIN_COMMIT);
    }

    @Test
    void handle_whenGitHubPing_answers200AndStartsNothing() {
        WebhookResponse response = intake.handle(Fixtures.request("github-ping.json"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.status()).isEqualTo("ok");
        assertThat(releases.requests).isEmpty();
    }

    @Test
    void handle_whenOtherGitHubEvent_answers202IgnoredWithReason() {
        WebhookResponse response = intake.handle(Fixtures.withHeader(Fixtures.request("github-ping.json"), "x-github-event", "issues"));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.status()).isEqualTo("ignored");
        assertThat(body(response).text("reason")).contains("'issues'").contains("only push");
        assertThat(releases.requests).isEmpty();
    }

    @Test
    void handle_whenBranchDeleted_answers202AndStartsNothing() {
        WebhookResponse response = intake.handle(Fixtures.request("github-branch-deleted.json"));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(body(response).text("reason")).contains("refs/heads/feature/old-header was deleted");
        assertThat(releases.requests).isEmpty();
        assertThat(ledger.entries).isEmpty();
    }

    @Test
    void handle_whenAfterIsAllZerosWithoutDeletedFlag_treatsItAsDeletion() {
        WebhookResponse response = intake.handle(Fixtures.githubPush(
                Fixtures.githubPushBody("refs/heads/main", "0000000000000000000000000000000000000000")));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.status()).isEqualTo("ignored");
        assertThat(releases.requests).isEmpty();
    }

    @Test
    void handle_whenRefMatchesNoRule_answers202AndStartsNothing() {
        WebhookResponse response = intake.handle(Fixtures.githubPush(
                Fixtures.githubPushBody("refs/heads/feature/x", Fixtures.MAIN_COMMIT)));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(body(response).text("reason")).isEqualTo("no REF_RULES rule maps refs/heads/feature/x to an environment");
        assertThat(releases.requests).isEmpty();
    }

    @Test
    void handle_whenCommitIsUpperCase_requestsItInLowerCase() {
        intake.handle(Fixtures.githubPush(Fixtures.githubPushBody("refs/heads/main", Fixtures.MAIN_COMMIT.toUpperCase())));

        assertThat(releases.requests).singleElement().extracting(BuildRequest::commit).isEqualTo(Fixtures.MAIN_COMMIT);
    }

    // ---------------------------------------------------------------- GitLab

    @Test
    void handle_whenGitLabPush_requestsProductionBuildOfCheckoutSha() {
        WebhookResponse response = intake.handle(Fixtures.request("gitlab-push.json"));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(releases.requests).singleElement().satisfies(r -> {
            assertThat(r.repository()).isEqualTo("acme/site");
            assertThat(r.commit()).isEqualTo(Fixtures.MAIN_COMMIT);
            assertThat(r.environment()).isEqualTo("production");
            assertThat(r.deliveryId()).isEqualTo("4f506172-8394-45a6-b7c8-d9e0f1a2b3c4");
        });
    }

    @Test
    void handle_whenGitLabAnnotatedTagPush_buildsTheTaggedCommitNotTheTagObject() {
        intake.handle(Fixtures.request("gitlab-tag-push.json"));

        assertThat(releases.requests).singleElement().satisfies(r -> {
            assertThat(r.commit()).isEqualTo(Fixtures.TAG_COMMIT);
            assertThat(r.environment()).isEqualTo("staging");
        });
    }

    @Test
    void handle_whenGitLabTokenWrong_answers401() {
        WebhookResponse response = intake.handle(Fixtures.withHeader(Fixtures.request("gitlab-push.json"), "x-gitlab-token", "guess"));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(releases.requests).isEmpty();
    }

    @Test
    void handle_whenGitLabBranchDeleted_answers202AndStartsNothing() {
        String body = Json.write(Json.object("object_kind", "push", "ref", "refs/heads/main",
                "before", Fixtures.MAIN_COMMIT, "after", "0000000000000000000000000000000000000000", "checkout_sha", null,
                "project", Json.object("path_with_namespace", "acme/site")));

        WebhookResponse response = intake.handle(gitlab("Push Hook", body));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.status()).isEqualTo("ignored");
        assertThat(releases.requests).isEmpty();
    }

    @Test
    void handle_whenGitLabObjectKindDisagreesWithHeader_followsTheBody() {
        String body = Json.write(Json.object("object_kind", "merge_request", "project", Json.object("path_with_namespace", "acme/site")));

        WebhookResponse response = intake.handle(gitlab("Push Hook", body));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(body(response).text("reason")).contains("'merge_request'");
    }

    @Test
    void handle_whenGitLabBodyLacksObjectKind_usesTheEventHeader() {
        String body = Json.write(Json.object("ref", "refs/tags/v2.0.0", "after", Fixtures.TAG_COMMIT,
                "checkout_sha", Fixtures.TAG_COMMIT, "project", Json.object("path_with_namespace", "acme/site")));

        WebhookResponse response = intake.handle(gitlab("Tag Push Hook", body));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(releases.requests).singleElement().extracting(BuildRequest::environment).isEqualTo("staging");
    }

    private static WebhookRequest gitlab(String event, String body) {
        return new WebhookRequest("gitlab", Map.of("x-gitlab-event", event, "x-gitlab-token", Fixtures.SECRET,
                "x-gitlab-event-uuid", "4f506172-8394-45a6-b7c8-d9e0f1a2b3c4"), body, false);
    }

    // ---------------------------------------------------------------- Bitbucket

    @Test
    void handle_whenBitbucketPushChangesBranchAndTag_requestsEachMappedRef() {
        WebhookResponse response = intake.handle(Fixtures.request("bitbucket-push.json"));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(releases.requests).extracting(BuildRequest::ref, BuildRequest::environment)
                .containsExactly(tuple("refs/heads/main", "production"),
                        tuple("refs/tags/v1.3.0", "staging"));
        assertThat(body(response).get("results").elements()).hasSize(2);
    }

    @Test
    void handle_whenBitbucketChangeHasNoNewState_treatsItAsDeletion() {
        String body = Json.write(Json.object("repository", Json.object("full_name", "acme/site"),
                "push", Json.object("changes", List.of(Json.object(
                        "old", Json.object("type", "branch", "name", "main", "target", Json.object("hash", Fixtures.MAIN_COMMIT)),
                        "new", null, "closed", true)))));

        WebhookResponse response = intake.handle(Fixtures.bitbucket(body));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(body(response).text("reason")).contains("refs/heads/main was deleted");
        assertThat(releases.requests).isEmpty();
    }

    @Test
    void handle_whenBitbucketChangeTypeIsNeitherBranchNorTag_answers400() {
        String body = Json.write(Json.object("repository", Json.object("full_name", "acme/site"),
                "push", Json.object("changes", List.of(Json.object(
                        "new", Json.object("type", "bookmark", "name", "main", "target", Json.object("hash", Fixtures.MAIN_COMMIT)))))));

        WebhookResponse response = intake.handle(Fixtures.bitbucket(body));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(body(response).text("reason")).contains("'bookmark' is not branch or tag");
    }

    @Test
    void handle_whenBitbucketSignatureWrong_answers401() {
        WebhookResponse response = intake.handle(Fixtures.withHeader(Fixtures.request("bitbucket-push.json"),
                "x-hub-signature", "sha256=" + "0".repeat(64)));

        assertThat(response.statusCode()).isEqualTo(401);
    }

    // ---------------------------------------------------------------- authentication and routing

    @Test
    void handle_whenProviderUnknown_answers404() {
        WebhookRequest github = Fixtures.request("github-push-main.json");

        WebhookResponse response = intake.handle(new WebhookRequest("gitea", github.headers(), github.body(), false));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(body(response).text("reason")).contains("'gitea'").contains("/webhook/github");
    }

    @Test
    void handle_whenBodyTampered_answers401AndStartsNothing() {
        WebhookRequest signed = Fixtures.request("github-push-main.json");
        String tampered = signed.body().replace("refs/heads/main", "refs/heads/mainx");

        WebhookResponse response = intake.handle(new WebhookRequest("github", signed.headers(), tampered, false));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(releases.requests).isEmpty();
    }

    @Test
    void handle_whenSignatureHeaderMissing_answers401WithoutReadingTheSecret() {
        WebhookResponse response = intake.handle(Fixtures.withHeader(Fixtures.request("github-push-main.json"), "x-hub-signature-256", null));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(body(response).text("reason")).startsWith("missing x-hub-signature-256 header");
        assertThat(secrets.calls).isZero();
    }

    @Test
    void handle_whenSignatureWrongAndBodyMalformed_answers401BeforeParsing() {
        WebhookResponse response = intake.handle(new WebhookRequest("github",
                Map.of("x-hub-signature-256", "sha256=" + "ab".repeat(32), "x-github-event", "push"), "{not json", false));

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void handle_whenManyRequests_readsTheSecretOnceThroughTheCache() {
        Fakes.CountingSecretSource store = new Fakes.CountingSecretSource();
        WebhookIntake cached = WebhookIntake.create(Settings.of(Map.of("REF_RULES", RULES)),
                SecretSource.cached(store, Duration.ofMinutes(5), clock), ledger, releases, clock);

        cached.handle(Fixtures.request("github-push-main.json"));
        cached.handle(Fixtures.request("github-push-tag.json"));
        cached.handle(Fixtures.request("gitlab-push.json"));

        assertThat(store.calls).isEqualTo(1);
    }

    // ---------------------------------------------------------------- malformed input

    @Test
    void handle_whenBodyOverLimit_answers400() {
        WebhookIntake small = intake(Map.of("REF_RULES", RULES, "MAX_BODY_BYTES", "1024"));

        WebhookResponse response = small.handle(Fixtures.request("github-push-main.json"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(body(response).text("reason")).contains("over the limit of 1024 (MAX_BODY_BYTES)");
        assertThat(secrets.calls).isZero();
    }

    @Test
    void handle_whenBodyIsNotUtf8_answers400() {
        byte[] latin1 = "{\"ref\":\"refs/heads/caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);

        WebhookResponse response = intake.handle(Fixtures.github("push", "delivery-1", latin1, true));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(body(response).text("reason")).startsWith("body is not valid UTF-8");
    }

    @Test
    void handle_whenBodyIsNotBase64ThoughMarkedSo_answers400() {
        WebhookRequest request = new WebhookRequest("github", Map.of("x-hub-signature-256", "sha256=" + "ab".repeat(32)), "%%%not base64", true);

        assertThat(intake.handle(request).statusCode()).isEqualTo(400);
    }

    @Test
    void handle_whenJsonMalformed_answers400WithReason() {
        WebhookResponse response = intake.handle(Fixtures.githubPush("{\"ref\": \"refs/heads/main\","));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.status()).isEqualTo("rejected");
        assertThat(body(response).text("reason")).startsWith("malformed JSON");
    }

    @Test
    void handle_whenGitHubSendsFormEncodedBody_answers400SayingToUseJson() {
        WebhookResponse response = intake.handle(Fixtures.githubPush("payload=%7B%22ref%22%3A%22refs%2Fheads%2Fmain%22%7D"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(body(response).text("reason")).contains("content type to application/json");
    }

    @Test
    void handle_whenJsonNestedTooDeeply_answers400() {
        WebhookResponse response = intake.handle(Fixtures.githubPush("[".repeat(5000)));

        assertThat(response.statusCode()).isEqualTo(400);
    }

    @Test
    void handle_whenRefMissing_answers400NamingTheField() {
        String body = Json.write(Json.object("after", Fixtures.MAIN_COMMIT, "repository", Json.object("full_name", "acme/site")));

        WebhookResponse response = intake.handle(Fixtures.githubPush(body));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(body(response).text("reason")).isEqualTo("missing field $.ref");
    }

    @Test
    void handle_whenAfterMissing_answers400NamingTheField() {
        String body = Json.write(Json.object("ref", "refs/heads/main", "repository", Json.object("full_name", "acme/site")));

        WebhookResponse response = intake.handle(Fixtures.githubPush(body));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(body(response).text("reason")).isEqualTo("missing field $.after");
    }

    @Test
    void handle_whenCommitIsNotHex_answers400() {
        WebhookResponse response = intake.handle(Fixtures.githubPush(Fixtures.githubPushBody("refs/heads/main", "HEAD~1")));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(body(response).text("reason")).contains("is not a commit id");
    }

    @Test
    void handle_whenRepositoryNameHostile_answers400() {
        String body = Json.write(Json.object("ref", "refs/heads/main", "after", Fixtures.MAIN_COMMIT,
                "repository", Json.object("full_name", "acme/site;reboot")));

        assertThat(intake.handle(Fixtures.githubPush(body)).statusCode()).isEqualTo(400);
        assertThat(releases.requests).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"refs/heads/$(rm -rf /)", "refs/heads/a;b", "refs/heads/../x", "refs/heads/main\n",
            "refs/heads/a\nb", "refs/heads/a//b", "refs/remotes/origin/main", "refs/heads/", "main"})
    void handle_whenRefHostile_answers400AndStartsNothing(String ref) {
        WebhookResponse response = intake.handle(Fixtures.githubPush(Fixtures.githubPushBody(ref, Fixtures.MAIN_COMMIT)));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(body(response).text("reason")).doesNotContain("\n").doesNotContain("$(").doesNotContain(";");
        assertThat(releases.requests).isEmpty();
        assertThat(ledger.entries).isEmpty();
    }

    @Test
    void handle_whenDeliveryIdMissing_answers400() {
        WebhookResponse response = intake.handle(Fixtures.withHeader(Fixtures.request("github-push-main.json"), "x-github-delivery", null));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(body(response).text("reason")).startsWith("missing x-github-delivery header");
    }

    @Test
    void handle_whenDeliveryIdHasPathCharacters_answers400() {
        byte[] body = Fixtures.githubPushBody("refs/heads/main", Fixtures.MAIN_COMMIT).getBytes(StandardCharsets.UTF_8);

        WebhookResponse response = intake.handle(Fixtures.github("push", "../../releases/x", body, false));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(releases.requests).isEmpty();
    }

    // ---------------------------------------------------------------- replays and failures

    @Test
    void handle_whenDeliveryReplayed_answersDuplicateAndRequestsOnce() {
        intake.handle(Fixtures.request("github-push-main.json"));

        WebhookResponse replay = intake.handle(Fixtures.request("github-push-main.json"));

        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(replay.json()).isEqualTo("{\"status\":\"duplicate\"}");
        assertThat(releases.requests).hasSize(1);
    }

    @Test
    void handle_whenAccepted_recordsTheDeliveryInTheLedger() {
        intake.handle(Fixtures.request("github-push-main.json"));

        assertThat(ledger.entries).containsOnlyKeys("deliveries/github/9a8b7c6d-ff01-11ef-8a3e-1c2b3d4e5f60");
        assertThat(Json.parse(ledger.entries.values().iterator().next()).text("receivedAt")).isEqualTo(NOW.toString());
    }

    @Test
    void handle_whenSameDeliveryIdFromAnotherProvider_isNotADuplicate() {
        byte[] body = Fixtures.githubPushBody("refs/heads/main", Fixtures.MAIN_COMMIT).getBytes(StandardCharsets.UTF_8);
        ledger.entries.put("deliveries/bitbucket/delivery-1", "{}");

        WebhookResponse response = intake.handle(Fixtures.github("push", "delivery-1", body, false));

        assertThat(response.status()).isEqualTo("accepted");
    }

    @Test
    void handle_whenReleaseRequestsFail_answers503AndDoesNotRecordTheDelivery() {
        releases.failing = new IllegalStateException("CodeBuild unreachable");

        WebhookResponse response = intake.handle(Fixtures.request("github-push-main.json"));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.status()).isEqualTo("unavailable");
        assertThat(ledger.entries).isEmpty();
    }

    @Test
    void handle_whenRedeliveredAfterAFailure_requestsTheRelease() {
        releases.failing = new IllegalStateException("CodeBuild unreachable");
        intake.handle(Fixtures.request("github-push-main.json"));
        releases.failing = null;

        WebhookResponse redelivery = intake.handle(Fixtures.request("github-push-main.json"));

        assertThat(redelivery.statusCode()).isEqualTo(202);
        assertThat(releases.requests).hasSize(1);
    }

    @Test
    void handle_whenLedgerUnreachable_answers503AndStartsNothing() {
        ledger.failing = new IllegalStateException("S3 unreachable");

        WebhookResponse response = intake.handle(Fixtures.request("github-push-main.json"));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(releases.requests).isEmpty();
    }

    @Test
    void handle_whenSecretStoreUnreachable_answers503() {
        secrets.failing = new IllegalStateException("SSM unreachable");

        WebhookResponse response = intake.handle(Fixtures.request("github-push-main.json"));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(releases.requests).isEmpty();
    }

    // ---------------------------------------------------------------- configuration

    @Test
    void create_whenMaxBodyBytesNotPositive_failsFast() {
        assertThatThrownBy(() -> intake(Map.of("REF_RULES", RULES, "MAX_BODY_BYTES", "0")))
                .hasMessageContaining("MAX_BODY_BYTES must be positive");
    }

    @Test
    void create_whenRefRulesMissing_failsFastNamingTheVariable() {
        assertThatThrownBy(() -> intake(Map.of()))
                .hasMessageContaining("REF_RULES");
    }
}

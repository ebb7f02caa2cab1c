package dev.fleetpress.media.rewrite;

import static dev.fleetpress.media.rewrite.RewriteWorld.ENV;
import static dev.fleetpress.media.rewrite.RewriteWorld.FROM;
import static dev.fleetpress.media.rewrite.RewriteWorld.MIGRATION;
import static dev.fleetpress.media.rewrite.RewriteWorld.TO;
import static dev.fleetpress.media.rewrite.RewriteWorld.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.fleet.CommandRunner;
import dev.fleetpress.media.rewrite.RewriteOutcome.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class UrlRewriteTest {
    private final RewriteWorld world = new RewriteWorld();
    private final UrlRewrite rewrite = world.rewrite();

    // ---- dry run

    @Test
    void dryRun_whenMigrationIsVerified_sendsTheDryRunToOneInstanceOnTheCurrentRelease() {
        RewriteOutcome outcome = rewrite.dryRun(request());

        assertThat(outcome.kind()).isEqualTo(Kind.DRY_RUN);
        assertThat(world.ssm.sent()).singleElement().satisfies(c -> {
            assertThat(c.instanceId()).isEqualTo(RewriteWorld.INSTANCES.get(0));
            assertThat(c.document()).isEqualTo("fleetpress-local-rewrite-urls");
            assertThat(c.parameters()).isEqualTo(Map.of("ReleaseId", "r-0123456789ab", "From", FROM, "To", TO,
                    "DryRun", "true"));
        });
    }

    @Test
    void dryRun_whenItSucceeds_reportsWpCliCountsAndKeepsThemAsTheLatestDryRun() {
        RewriteOutcome outcome = rewrite.dryRun(request());

        assertThat(outcome.replacements()).isEqualTo(3);
        assertThat(outcome.report().rows()).extracting(ReplacementReport.Row::table, ReplacementReport.Row::column,
                ReplacementReport.Row::replacements).containsExactly(
                org.assertj.core.groups.Tuple.tuple("wp_posts", "post_content", 2L),
                org.assertj.core.groups.Tuple.tuple("wp_postmeta", "meta_value", 1L));
        assertThat(outcome.message()).contains("3 replacements to be made", "--apply");
        DryRunRecord kept = world.records.dryRun(ENV, MIGRATION).orElseThrow();
        assertThat(kept.from()).isEqualTo(FROM);
        assertThat(kept.report().total()).isEqualTo(3);
        assertThat(world.records.rewrite(ENV, MIGRATION)).isEmpty();
    }

    @Test
    void dryRun_whenRepeated_runsAgainAndKeepsTheLatest() {
        rewrite.dryRun(request());
        world.ssm.replacements = 5;
        world.clock.advance(Duration.ofMinutes(1));

        RewriteOutcome second = rewrite.dryRun(request());

        assertThat(second.kind()).isEqualTo(Kind.DRY_RUN);
        assertThat(world.ssm.sent()).hasSize(2);
        assertThat(world.records.dryRun(ENV, MIGRATION).orElseThrow().report().total()).isEqualTo(5);
    }

    @Test
    void dryRun_whenTheCommandFails_saysWhyAndKeepsNoDryRun() {
        world.ssm.nextStatus = "Failed";
        world.ssm.stderr = "Error: Error establishing a database connection.\nfleetpress-rewrite-urls: wp search-replace failed\n";

        RewriteOutcome outcome = rewrite.dryRun(request());

        assertThat(outcome.kind()).isEqualTo(Kind.FAILED);
        assertThat(outcome.message()).contains("ended Failed", "wp search-replace failed");
        assertThat(world.records.dryRun(ENV, MIGRATION)).isEmpty();
    }

    @Test
    void dryRun_whenTheAgentIsNotReady_runsNothing() {
        world.ssm.nextSendResult = new CommandRunner.NotReady(true, "InvalidInstanceId");

        RewriteOutcome outcome = rewrite.dryRun(request());

        assertThat(outcome.kind()).isEqualTo(Kind.NOT_RUN);
        assertThat(outcome.message()).contains("InvalidInstanceId", "run the dry run again");
        assertThat(world.records.dryRun(ENV, MIGRATION)).isEmpty();
    }

    // ---- refusals: nothing is sent, nothing recorded

    @Test
    void dryRunAndApply_whenTheMigrationIsIncomplete_refuseAndSendNothing() {
        world.reports.put(MIGRATION, RewriteWorld.report(ENV, false, 2));

        RewriteOutcome dry = rewrite.dryRun(request());
        RewriteOutcome real = rewrite.apply(request(), false);

        assertThat(List.of(dry, real)).allSatisfy(o -> {
            assertThat(o.kind()).isEqualTo(Kind.REFUSED);
            assertThat(o.message()).contains("is not complete (2 of 304 entries missing from S3)", "fleetpress media migrate");
        });
        assertThat(world.ssm.sent()).isEmpty();
        assertThat(world.ledger.snapshot()).isEmpty();
    }

    @Test
    void apply_whenTheReportSaysCompleteButListsMissingEntries_refuses() {
        world.reports.put(MIGRATION, RewriteWorld.report(ENV, true, 1));

        assertThat(rewrite.dryRun(request()).kind()).isEqualTo(Kind.REFUSED);
        assertThat(world.ssm.sent()).isEmpty();
    }

    @Test
    void dryRun_whenTheMigrationHasNoReportYet_refusesSayingToWait() {
        RewriteRequest unfinished = new RewriteRequest(ENV, RewriteWorld.UNFINISHED, FROM, TO);

        RewriteOutcome outcome = rewrite.dryRun(unfinished);

        assertThat(outcome.kind()).isEqualTo(Kind.REFUSED);
        assertThat(outcome.message()).contains("has no verification report yet", "--watch");
        assertThat(world.ssm.sent()).isEmpty();
    }

    @Test
    void dryRunAndApply_whenTheMigrationDoesNotExist_throwBadInput() {
        RewriteRequest unknown = new RewriteRequest(ENV, "m-nosuchmigration", FROM, TO);

        assertThatThrownBy(() -> rewrite.dryRun(unknown)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("there is no migration m-nosuchmigration");
        assertThatThrownBy(() -> rewrite.apply(unknown, false)).isInstanceOf(IllegalArgumentException.class);
        assertThat(world.ssm.sent()).isEmpty();
        assertThat(world.ledger.snapshot()).isEmpty();
    }

    @Test
    void dryRun_whenTheMigrationBelongsToAnotherEnvironment_throwsBadInput() {
        world.reports.put(MIGRATION, RewriteWorld.report("staging", true, 0));

        assertThatThrownBy(() -> rewrite.dryRun(request())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("belongs to environment staging, not production");
        assertThat(world.ssm.sent()).isEmpty();
    }

    @Test
    void dryRun_whenTheReportNamesNoEnvironment_acceptsTheOneAsked() {
        world.reports.put(MIGRATION, RewriteWorld.report("", true, 0));

        assertThat(rewrite.dryRun(request()).kind()).isEqualTo(Kind.DRY_RUN);
    }

    @Test
    void dryRun_whenTheEnvironmentHasNoCurrentRelease_refuses() {
        RewriteRequest staging = new RewriteRequest("staging", MIGRATION, FROM, TO);
        world.reports.put(MIGRATION, RewriteWorld.report("", true, 0));

        RewriteOutcome outcome = rewrite.dryRun(staging);

        assertThat(outcome.kind()).isEqualTo(Kind.REFUSED);
        assertThat(outcome.message()).contains("staging has no current release");
        assertThat(world.ssm.sent()).isEmpty();
    }

    @Test
    void apply_whenNoInstanceRunsTheCurrentRelease_refusesWithoutClaiming() {
        rewrite.dryRun(request());
        world.running.clear();

        RewriteOutcome outcome = rewrite.apply(request(), false);

        assertThat(outcome.kind()).isEqualTo(Kind.REFUSED);
        assertThat(outcome.message()).contains("no InService instance of production runs its current release r-0123456789ab");
        assertThat(world.records.rewrite(ENV, MIGRATION)).isEmpty();
    }

    @Test
    void apply_withoutADryRun_refusesSayingHowToRunIt() {
        RewriteOutcome outcome = rewrite.apply(request(), false);

        assertThat(outcome.kind()).isEqualTo(Kind.REFUSED);
        assertThat(outcome.message()).contains("no dry run of this rewrite yet", "fleetpress media rewrite-urls production "
                + "--migration " + MIGRATION + " --from " + FROM + " --to " + TO + " (without --apply)");
        assertThat(world.ssm.sent()).isEmpty();
        assertThat(world.records.rewrite(ENV, MIGRATION)).isEmpty();
    }

    @Test
    void apply_whenTheDryRunHadOtherUrls_refuses() {
        rewrite.dryRun(new RewriteRequest(ENV, MIGRATION, FROM, "https://media.example.com/uploads"));

        RewriteOutcome outcome = rewrite.apply(request(), false);

        assertThat(outcome.kind()).isEqualTo(Kind.REFUSED);
        assertThat(outcome.message()).contains("→ https://media.example.com/uploads, not " + FROM + " → " + TO);
        assertThat(world.ssm.realRuns()).isEmpty();
    }

    // ---- the real run, once

    @Test
    void apply_afterTheDryRun_sendsTheRealRunOnceAndRecordsItsCount() {
        rewrite.dryRun(request());

        RewriteOutcome outcome = rewrite.apply(request(), false);

        assertThat(outcome.kind()).isEqualTo(Kind.APPLIED);
        assertThat(outcome.replacements()).isEqualTo(3);
        assertThat(outcome.report().dryRun()).isFalse();
        assertThat(world.ssm.realRuns()).singleElement().satisfies(c -> assertThat(c.parameters()).containsEntry("DryRun", "false"));
        RewriteRecord record = world.records.rewrite(ENV, MIGRATION).orElseThrow();
        assertThat(record.state()).isEqualTo(RewriteState.SUCCEEDED);
        assertThat(record.replacements()).isEqualTo(3);
        assertThat(record.commandId()).isEqualTo(outcome.commandId());
        assertThat(record.instanceId()).isEqualTo(RewriteWorld.INSTANCES.get(0));
        assertThat(record.release()).isEqualTo("r-0123456789ab");
        assertThat(world.ledger.snapshot()).containsKeys("production/rewrite-" + MIGRATION + ".json",
                "production/rewrite-" + MIGRATION + ".dry-run.json");
    }

    @Test
    void apply_whenRunAgain_answersAlreadyDoneWithItsTimeAndCountAndSendsNothing() {
        rewrite.dryRun(request());
        rewrite.apply(request(), false);
        RewriteRecord done = world.records.rewrite(ENV, MIGRATION).orElseThrow();
        world.clock.advance(Duration.ofHours(1));

        RewriteOutcome again = rewrite.apply(request(), false);

        assertThat(again.kind()).isEqualTo(Kind.ALREADY_DONE);
        assertThat(again.message()).startsWith("already done at " + done.updatedAt() + ": 3 replacements");
        assertThat(world.ssm.realRuns()).hasSize(1);
    }

    @Test
    void apply_whenRunAgainWithOtherUrls_stillAnswersAlreadyDone() {
        rewrite.dryRun(request());
        rewrite.apply(request(), false);

        RewriteOutcome again = rewrite.apply(new RewriteRequest(ENV, MIGRATION, FROM, "https://other.example.com/u"), false);

        assertThat(again.kind()).isEqualTo(Kind.ALREADY_DONE);
        assertThat(again.message()).contains(FROM + " → " + TO);
        assertThat(world.ssm.realRuns()).hasSize(1);
    }

    @Test
    void apply_when20ConcurrentRealRuns_sendsExactlyOneCommand() throws Exception {
        rewrite.dryRun(request());
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<RewriteOutcome> outcomes = new ArrayList<>();
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<RewriteOutcome>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return world.rewrite().apply(request(), false);
                }));
            }
            start.countDown();
            for (Future<RewriteOutcome> f : futures) {
                outcomes.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(world.ssm.realRuns()).hasSize(1);
        assertThat(outcomes).extracting(RewriteOutcome::kind).contains(Kind.APPLIED)
                .allMatch(k -> k == Kind.APPLIED || k == Kind.ALREADY_DONE || k == Kind.IN_PROGRESS);
        assertThat(world.records.rewrite(ENV, MIGRATION).orElseThrow().state()).isEqualTo(RewriteState.SUCCEEDED);
    }

    @Test
    void apply_whenTheCommandFails_recordsFailedWithTheReasonAndRefusesASecondRun() {
        rewrite.dryRun(request());
        world.ssm.nextStatus = "Failed";
        world.ssm.stderr = "fleetpress-rewrite-urls: wp search-replace failed: Error: Table 'wp_posts' is marked as crashed\n";

        RewriteOutcome failed = rewrite.apply(request(), false);
        RewriteOutcome again = rewrite.apply(request(), false);

        assertThat(failed.kind()).isEqualTo(Kind.FAILED);
        assertThat(failed.message()).contains("ended Failed", "marked as crashed", "--retry-failed");
        assertThat(world.records.rewrite(ENV, MIGRATION).orElseThrow().state()).isEqualTo(RewriteState.FAILED);
        assertThat(again.kind()).isEqualTo(Kind.FAILED);
        assertThat(again.message()).contains("the rewrite failed at", "--apply --retry-failed");
        assertThat(world.ssm.realRuns()).hasSize(1);
    }

    @Test
    void apply_withRetryFailedAfterAFailure_claimsAgainAndSucceeds() {
        rewrite.dryRun(request());
        world.ssm.nextStatus = "Failed";
        rewrite.apply(request(), false);
        world.ssm.nextStatus = "Success";

        RewriteOutcome retried = rewrite.apply(request(), true);

        assertThat(retried.kind()).isEqualTo(Kind.APPLIED);
        RewriteRecord record = world.records.rewrite(ENV, MIGRATION).orElseThrow();
        assertThat(record.state()).isEqualTo(RewriteState.SUCCEEDED);
        assertThat(record.attempt()).isEqualTo(2);
        assertThat(world.ssm.realRuns()).hasSize(2);
    }

    @Test
    void apply_whenTheAgentIsNotReady_leavesTheRewriteToClaimAgain() {
        rewrite.dryRun(request());
        world.ssm.nextSendResult = new CommandRunner.NotReady(true, "InvalidInstanceId");

        RewriteOutcome first = rewrite.apply(request(), false);
        RewriteOutcome second = rewrite.apply(request(), false);

        assertThat(first.kind()).isEqualTo(Kind.NOT_RUN);
        assertThat(second.kind()).isEqualTo(Kind.APPLIED);
        assertThat(world.ssm.realRuns()).hasSize(1);
        assertThat(world.records.rewrite(ENV, MIGRATION).orElseThrow().attempt()).isEqualTo(2);
    }

    @Test
    void apply_whenTheInstanceIsTerminatedMidCommand_leavesTheRewriteToClaimAgain() {
        rewrite.dryRun(request());
        world.ssm.nextStatus = "Terminated";

        RewriteOutcome first = rewrite.apply(request(), false);
        world.ssm.nextStatus = "Success";
        RewriteOutcome second = rewrite.apply(request(), false);

        assertThat(first.kind()).isEqualTo(Kind.NOT_RUN);
        assertThat(first.message()).contains("could not run it");
        assertThat(second.kind()).isEqualTo(Kind.APPLIED);
        assertThat(world.ssm.realRuns()).hasSize(2);
    }

    @Test
    void apply_whenTheHolderDiedAfterItsClaim_exactlyOneSuccessorSendsAfterTheLease() throws Exception {
        rewrite.dryRun(request());
        UrlRewrite killed = world.rewriteWith(new CommandRunner() {
            @Override
            public SendResult send(Command command) {
                throw new IllegalStateException("killed after its claim");
            }

            @Override
            public String status(String commandId, String instanceId) {
                return "Pending";
            }
        });
        assertThatThrownBy(() -> killed.apply(request(), false)).hasMessageContaining("killed");

        List<RewriteOutcome> beforeExpiry = concurrently(20, () -> world.rewrite().apply(request(), false));
        assertThat(beforeExpiry).allMatch(o -> o.kind() == Kind.IN_PROGRESS);
        assertThat(world.ssm.realRuns()).isEmpty();

        world.clock.advance(RewriteWorld.CLAIM_LEASE.plusSeconds(1));
        List<RewriteOutcome> afterExpiry = concurrently(20, () -> world.rewrite().apply(request(), false));

        assertThat(world.ssm.realRuns()).hasSize(1);
        assertThat(afterExpiry).extracting(RewriteOutcome::kind).contains(Kind.APPLIED);
        RewriteRecord record = world.records.rewrite(ENV, MIGRATION).orElseThrow();
        assertThat(record.state()).isEqualTo(RewriteState.SUCCEEDED);
        assertThat(record.attempt()).isEqualTo(2);
    }

    @Test
    void apply_whenACommandIsStillRunningFromAnEarlierCall_followsItToItsEndWithoutSending() {
        rewrite.dryRun(request());
        world.ssm.nextStatus = "InProgress";
        AtomicInteger polls = new AtomicInteger();
        UrlRewrite impatient = UrlRewrite.of(new RewriteConfig("fleetpress-local-rewrite-urls", RewriteWorld.CLAIM_LEASE,
                        RewriteWorld.CLAIM_LEASE, RewriteWorld.POLL), world.records, world.migrationReports, world.pointers,
                (e, r) -> RewriteWorld.INSTANCES, world.ssm, () -> "impatient", world.clock, d -> {
                    polls.incrementAndGet();
                    world.clock.advance(d);
                });
        RewriteOutcome gaveUp = impatient.apply(request(), false);
        assertThat(gaveUp.kind()).isEqualTo(Kind.IN_PROGRESS);
        assertThat(polls.get()).isEqualTo(30);
        world.ssm.finish(gaveUp.commandId(), "Success");

        RewriteOutcome followed = rewrite.apply(request(), false);

        assertThat(followed.kind()).isEqualTo(Kind.APPLIED);
        assertThat(followed.commandId()).isEqualTo(gaveUp.commandId());
        assertThat(world.ssm.realRuns()).hasSize(1);
        assertThat(world.records.rewrite(ENV, MIGRATION).orElseThrow().state()).isEqualTo(RewriteState.SUCCEEDED);
    }

    @Test
    void apply_whenTheOutputHasNoResultLine_recordsSucceededWithAnUnknownCount() {
        rewrite.dryRun(request());
        world.ssm.printResult = false;

        RewriteOutcome outcome = rewrite.apply(request(), false);

        assertThat(outcome.kind()).isEqualTo(Kind.APPLIED);
        assertThat(outcome.replacements()).isEqualTo(-1);
        assertThat(outcome.message()).contains("an unknown number of replacements");
        assertThat(world.records.rewrite(ENV, MIGRATION).orElseThrow().state()).isEqualTo(RewriteState.SUCCEEDED);
        assertThat(rewrite.apply(request(), false).kind()).isEqualTo(Kind.ALREADY_DONE);
    }

    @Test
    void dryRun_afterTheRealRun_stillRunsAndSaysTheRealRunIsDone() {
        rewrite.dryRun(request());
        rewrite.apply(request(), false);
        world.ssm.replacements = 0;

        RewriteOutcome outcome = rewrite.dryRun(request());

        assertThat(outcome.kind()).isEqualTo(Kind.DRY_RUN);
        assertThat(outcome.message()).contains("0 replacements to be made; the real run was already done at");
    }

    private static <T> List<T> concurrently(int callers, java.util.concurrent.Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}

package dev.fleetpress.cli;

import dev.fleetpress.aws.AutoScalingGroupMembers;
import dev.fleetpress.aws.S3Ledger;
import dev.fleetpress.aws.S3ObjectStore;
import dev.fleetpress.aws.SsmCommandRunner;
import dev.fleetpress.aws.SsmEnvironmentPointers;
import dev.fleetpress.cli.MediaCommand.Cloud;
import dev.fleetpress.cli.MediaCommand.MediaException;
import dev.fleetpress.cli.MediaCommand.Where;
import dev.fleetpress.fleet.FleetBackendException;
import dev.fleetpress.fleet.FleetRecords;
import dev.fleetpress.fleet.InstanceRecord;
import dev.fleetpress.fleet.InstanceState;
import dev.fleetpress.ledger.LedgerException;
import dev.fleetpress.media.ObjectStoreException;
import dev.fleetpress.media.rewrite.MigrationReport;
import dev.fleetpress.media.rewrite.Pause;
import dev.fleetpress.media.rewrite.ReplacementReport;
import dev.fleetpress.media.rewrite.RewriteConfig;
import dev.fleetpress.media.rewrite.RewriteOutcome;
import dev.fleetpress.media.rewrite.RewriteRecords;
import dev.fleetpress.media.rewrite.RewriteRequest;
import dev.fleetpress.media.rewrite.StoredMigrationReports;
import dev.fleetpress.media.rewrite.UrlRewrite;
import dev.fleetpress.release.ReleaseBackendException;
import dev.fleetpress.rollout.FleetReleaseInstances;
import dev.fleetpress.upgrade.ReleaseInstances;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code fleetpress media rewrite-urls <env> --from <old base> --to <new base> [--apply]}: after a media
 * migration verified every file in S3, rewrites the old uploads URLs in the environment's database with
 * {@code wp search-replace}, through the stack's rewrite document ({@code <stack>-rewrite-urls}) on one
 * InService instance that runs the environment's current release ({@link UrlRewrite}).
 *
 * <p>Without {@code --apply} it is a dry run: it changes nothing, may repeat, and prints wp-cli's per-column
 * counts. With {@code --apply} the real run happens once per (environment, migration), recorded under
 * {@code upgrades/<env>/rewrite-<migration>.json} in the release bucket; it needs a dry run with the same URLs
 * first, and a migration whose report says complete with nothing missing. A repeat answers "already done".
 * The command waits for the instance and prints the outcome; interrupted, the command on the instance goes on,
 * and running the same command again follows it to its end.
 *
 * <p>Exit codes: 0 done (or already done), 1 not done (refused, failed, still running), 2 bad input or the
 * cloud cannot be reached.
 */
@Command(name = "rewrite-urls", mixinStandardHelpOptions = true,
        description = "Rewrite a migrated environment's old media URLs in its database with wp search-replace on one "
                + "instance: a dry run by default, the real run once with --apply.")
final class MediaRewriteCommand implements Callable<Integer> {
    private static final Pattern BUCKET = MediaCommand.BUCKET_NAME;
    /** Instance records in these states describe instances that serve the release they name. */
    private static final Set<InstanceState> SERVING = EnumSet.of(InstanceState.BOOTSTRAPPED, InstanceState.ACTIVATED,
            InstanceState.ACTIVATION_FAILED);

    @Parameters(paramLabel = "ENV", description = "The environment whose database is rewritten (production, staging…).")
    String environment;

    @Option(names = "--from", required = true, paramLabel = "URL", description = "The old uploads base URL, without a "
            + "trailing slash (for example https://www.example.com/wp-content/uploads).")
    String from;

    @Option(names = "--to", required = true, paramLabel = "URL", description = "The new base URL the uploads are served "
            + "from (for example the CDN's https://cdn.example.com/wp-content/uploads); it must not contain --from.")
    String to;

    @Option(names = "--migration", paramLabel = "ID", description = "The migration that moved the files (default: the "
            + "environment's newest).")
    String migration = "";

    @Option(names = "--apply", description = "Run it for real, once (after a dry run with the same URLs).")
    boolean apply;

    @Option(names = "--retry-failed", description = "With --apply: claim a rewrite that failed again (safe: a repeated "
            + "run finds only what is left).")
    boolean retryFailed;

    @Option(names = "--instance", paramLabel = "ID", description = "Run it on this instance (it must be InService and run "
            + "the current release; default: the first such instance).")
    String instance = "";

    @Mixin
    Where where = new Where();

    @Option(names = "--release-bucket", paramLabel = "<bucket>", description = "With --aws: the stack's output "
            + "ReleaseBucketName (where the rewrite is recorded).")
    String releaseBucket = "";

    @Override
    public Integer call() {
        return MediaCommand.handled(() -> {
            validate();
            try (Cloud cloud = Cloud.connect(where)) {
                Rewriting rewriting = rewriting(cloud);
                String id = migration.isEmpty() ? new MediaCommand.Migrations(cloud, Clock.systemUTC()).newest(environment)
                        : migration;
                return run(rewriting, new RewriteRequest(environment, id, from, to), System.out, System.err);
            }
        });
    }

    /** Everything checked before anything is read or sent. */
    void validate() {
        where.validate();
        MediaCommand.requireEnvironment(environment);
        try {
            RewriteRequest.requireUrls(from, to);
        } catch (IllegalArgumentException e) {
            throw new MediaException(e.getMessage(), 2);
        }
        if (!migration.isEmpty()) {
            MediaCommand.requireMigrationId(migration);
        }
        if (!instance.isEmpty()) {
            MediaCommand.require(MediaCommand.INSTANCE_ID, instance, "--instance", "an EC2 instance id");
        }
        if (retryFailed && !apply) {
            throw new MediaException("--retry-failed goes with --apply", 2);
        }
        if (where.aws) {
            if (releaseBucket.isEmpty()) {
                throw new MediaException("--aws needs --release-bucket <bucket>: the stack's output ReleaseBucketName", 2);
            }
            MediaCommand.require(BUCKET, releaseBucket, "--release-bucket", "an S3 bucket name");
        } else if (!releaseBucket.isEmpty()) {
            throw new MediaException("--release-bucket goes with --aws; against localcloud it comes from template.yaml", 2);
        }
    }

    /**
     * The rewrite over {@code cloud}: its records in the release bucket, the reports in the media bucket, the
     * stack's rewrite document, and the instances that run the environment's current release.
     */
    record Rewriting(Cloud cloud, UrlRewrite rewrite, StoredMigrationReports reports, String repeat) {
    }

    Rewriting rewriting(Cloud cloud) {
        if (cloud.groups().groupOf(environment).isEmpty()) {
            throw new MediaException("unknown environment " + environment + ": template.yaml's FLEET_GROUPS has "
                    + cloud.groups().environments(), 2);
        }
        String bucket = releaseBucket;
        String prefix = "/fleetpress/" + cloud.stackName();
        if (cloud.local()) {
            Map<String, String> outputs = Workspace.localTemplate().outputs();
            bucket = outputs.get("ReleaseBucketName");
            prefix = outputs.get("ParameterPrefix");
        }
        return rewriting(cloud, bucket, prefix, instance, RewriteConfig.of(cloud.stackName() + "-rewrite-urls")
                .withPollInterval(Duration.ofSeconds(1)), Pause.SLEEP, Clock.systemUTC(), where.arguments()
                + (where.aws ? " --release-bucket " + releaseBucket : ""));
    }

    /**
     * @param requested the instance to use, "" for the first that runs the current release
     * @param repeat    the options that reach the same cloud again ({@code --aws …}), for the hints printed
     */
    static Rewriting rewriting(Cloud cloud, String releaseBucket, String parameterPrefix, String requested, RewriteConfig config,
                             Pause pause, Clock clock, String repeat) {
        S3Client s3 = cloud.s3();
        FleetRecords fleet = new FleetRecords(S3Ledger.create(s3, releaseBucket, "fleet/"));
        ReleaseInstances running = cloud.local() ? recordedInstances(s3, releaseBucket, fleet)
                : new FleetReleaseInstances(cloud.groups(), AutoScalingGroupMembers.create(cloud::autoScaling), fleet);
        ReleaseInstances chosen = requested.isEmpty() ? running : (environment, release) -> {
            List<String> candidates = running.running(environment, release);
            if (!candidates.contains(requested)) {
                throw new MediaException("instance " + requested + " is not InService in " + environment + " running its "
                        + "current release " + release + "; these are: " + candidates, 2);
            }
            return List.of(requested);
        };
        StoredMigrationReports reports = new StoredMigrationReports(S3ObjectStore.create(s3, cloud.bucket()));
        UrlRewrite rewrite = UrlRewrite.of(config, new RewriteRecords(S3Ledger.create(s3, releaseBucket, RewriteRecords.PREFIX)),
                reports, SsmEnvironmentPointers.create(cloud.ssm(), parameterPrefix), chosen,
                SsmCommandRunner.create(cloud::ssm), () -> UUID.randomUUID().toString(), clock, pause);
        return new Rewriting(cloud, rewrite, reports, repeat);
    }

    /**
     * Against a localcloud in another process, whose Auto Scaling this process cannot ask: the instances
     * whose records say they serve the release in the environment (a terminated one answers as SSM does).
     */
    private static ReleaseInstances recordedInstances(S3Client s3, String bucket, FleetRecords fleet) {
        return (environment, release) -> {
            List<String> ids = new java.util.ArrayList<>();
            for (ListObjectsV2Response page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix("fleet/instances/"))) {
                for (S3Object o : page.contents()) {
                    String name = o.key().substring("fleet/instances/".length());
                    if (name.matches("^i-[0-9a-f]{8,17}\\.json$")) {
                        ids.add(name.substring(0, name.length() - ".json".length()));
                    }
                }
            }
            return ids.stream().filter(id -> fleet.instance(id).filter(r -> r.environment().equals(environment)
                    && r.release().equals(release.value()) && SERVING.contains(r.state())).isPresent()).sorted().toList();
        };
    }

    /** Runs the dry run or the real run and prints its outcome; the exit code. */
    int run(Rewriting settings, RewriteRequest request, PrintStream out, PrintStream err) {
        RewriteOutcome outcome;
        try {
            err.println(request.environment() + ", migration " + request.migrationId() + ": " + (apply ? "rewrite " : "dry run of ")
                    + request.from() + " → " + request.to() + "…");
            outcome = apply ? settings.rewrite().apply(request, retryFailed) : settings.rewrite().dryRun(request);
        } catch (IllegalArgumentException e) {
            throw new MediaException(e.getMessage(), 2);
        } catch (LedgerException | FleetBackendException | ReleaseBackendException | ObjectStoreException e) {
            throw new MediaException(String.valueOf(e.getMessage()).replace("; the trigger will retry", "")
                    + "; run the command again", 2);
        }
        print(outcome, out);
        Optional<MigrationReport> report = settings.reports().report(request.migrationId());
        if (outcome.kind().done() && report.map(MigrationReport::rejected).orElse(0) > 0) {
            err.println("note: the import rejected " + report.get().rejected() + " entries (fleetpress media status "
                    + request.environment() + " " + request.migrationId() + " lists them); URLs pointing at them are "
                    + "rewritten too and will not resolve");
        }
        if (!settings.repeat().isEmpty() && !outcome.kind().done()) {
            err.println("(repeat the commands above with" + settings.repeat() + ")");
        }
        return outcome.kind().done() ? 0 : 1;
    }

    static void print(RewriteOutcome outcome, PrintStream out) {
        out.println(outcome.environment() + ", migration " + outcome.migrationId() + ": " + outcome.message());
        ReplacementReport report = outcome.report();
        if (report == ReplacementReport.NONE) {
            return;
        }
        int tableWidth = "Table".length();
        int columnWidth = "Column".length();
        for (ReplacementReport.Row r : report.rows()) {
            tableWidth = Math.max(tableWidth, r.table().length());
            columnWidth = Math.max(columnWidth, r.column().length());
        }
        String format = "  %-" + tableWidth + "s  %-" + columnWidth + "s  %12s%n";
        out.printf(Locale.ROOT, format, "Table", "Column", report.dryRun() ? "To replace" : "Replaced");
        for (ReplacementReport.Row r : report.rows()) {
            out.printf(Locale.ROOT, format, r.table(), r.column(), r.replacements());
        }
        if (report.omittedRows() > 0) {
            out.printf(Locale.ROOT, "  … and %d more columns (SSM keeps only the first lines of the output)%n",
                    report.omittedRows());
        }
        out.printf(Locale.ROOT, format, "total", "", report.total());
    }
}

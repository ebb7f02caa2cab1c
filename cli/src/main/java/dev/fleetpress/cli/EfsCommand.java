package dev.fleetpress.cli;

import dev.fleetpress.Settings;
import dev.fleetpress.aws.DependencyFactory;
import dev.fleetpress.aws.S3Ledger;
import dev.fleetpress.cli.MediaCommand.Cloud;
import dev.fleetpress.cli.MediaCommand.MediaException;
import dev.fleetpress.cli.MediaCommand.Where;
import dev.fleetpress.efs.EfsRecords;
import dev.fleetpress.efs.EvacuationRecord;
import dev.fleetpress.efs.EvacuationReport;
import dev.fleetpress.efs.Evacuations;
import dev.fleetpress.efs.FileSystemRecord;
import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.template.FunctionSpec;
import dev.fleetpress.localcloud.template.StackContext;
import dev.fleetpress.localcloud.template.Template;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingGroupsRequest;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingGroupsResponse;
import software.amazon.awssdk.services.autoscaling.model.Instance;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;
import software.amazon.awssdk.services.codebuild.CodeBuildClient;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * {@code fleetpress efs status} and {@code fleetpress efs evacuate <env>}: the EFS side of FleetPress for
 * operators. {@code status} reads what EfsFunction recorded in the release bucket ({@code efs/<fs-id>.json},
 * {@code efs/evacuations/<env>.json}, {@code efs/reports/<env>.json}): each file system's throughput mode,
 * credit trend, credit alarm, the time until EFS allows the next restricted change, incidents, and the exit
 * plan's progress. {@code evacuate} starts (or resumes) an environment's exit plan exactly as the credit
 * alarm does, through the same {@link Evacuations} with EfsFunction's configuration from template.yaml.
 *
 * <p>Against the localcloud of {@code ./fleetpress local up} (default) or AWS ({@code --aws --stack
 * --release-bucket --media-bucket}); localcloud keeps Auto Scaling in its own process, so {@code evacuate}
 * against it needs {@code --instance}.
 */
@Command(name = "efs", mixinStandardHelpOptions = true,
        description = "Show the EFS file systems FleetPress watches and lead an environment off EFS.",
        subcommands = {EfsCommand.Status.class, EfsCommand.Evacuate.class})
final class EfsCommand implements Runnable {
    private static final Pattern BUCKET = MediaCommand.BUCKET_NAME;
    private static final Pattern FILE_SYSTEM_KEY = Pattern.compile("^efs/(fs-[0-9a-f]{8,40})\\.json$");

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The release bucket (where the EFS records live): the template's output locally, {@code --release-bucket} on AWS. */
    static final class ReleaseBucket {
        @Option(names = "--release-bucket", paramLabel = "<bucket>", description = "With --aws: the stack's output "
                + "ReleaseBucketName (where EfsFunction keeps its records).")
        String name = "";

        String resolve(Where where) {
            if (!where.aws) {
                if (!name.isEmpty()) {
                    throw new MediaException("--release-bucket goes with --aws; against localcloud it comes from template.yaml", 2);
                }
                return Workspace.localTemplate().outputs().get("ReleaseBucketName");
            }
            if (name.isEmpty()) {
                throw new MediaException("--aws needs --release-bucket <bucket>: the stack's output ReleaseBucketName", 2);
            }
            MediaCommand.require(BUCKET, name, "--release-bucket", "an S3 bucket name");
            return name;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Each watched file system's throughput mode, credit trend, alarm, time until the next allowed "
                    + "mode change and incidents, and each environment's exit plan off EFS.")
    static final class Status implements Callable<Integer> {
        @Mixin
        Where where;

        @Mixin
        ReleaseBucket releaseBucket;

        @Parameters(arity = "0..1", paramLabel = "ENV", description = "Only this environment.")
        String environment = "";

        @Option(names = "--json", description = "Print the records as JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            try {
                where.validate();
                if (!environment.isEmpty()) {
                    MediaCommand.requireEnvironment(environment);
                }
                String bucket = releaseBucket.resolve(where);
                try (Cloud cloud = Cloud.connect(where)) {
                    EfsRecords records = new EfsRecords(S3Ledger.create(cloud.s3(), bucket, EfsRecords.PREFIX));
                    List<FileSystemRecord> fileSystems = new ArrayList<>();
                    for (String id : fileSystemIds(cloud, bucket)) {
                        records.fileSystem(id).filter(r -> environment.isEmpty() || environment.equals(r.environment()))
                                .ifPresent(fileSystems::add);
                    }
                    Map<String, Optional<EvacuationRecord>> plans = new LinkedHashMap<>();
                    Map<String, Optional<EvacuationReport>> reports = new LinkedHashMap<>();
                    for (String env : cloud.groups().environments()) {
                        if (environment.isEmpty() || environment.equals(env)) {
                            plans.put(env, records.evacuation(env));
                            reports.put(env, records.report(env));
                        }
                    }
                    if (json) {
                        printJson(System.out, fileSystems, plans, reports);
                    } else {
                        print(System.out, fileSystems, plans, reports, Clock.systemUTC().instant());
                    }
                    return 0;
                }
            } catch (MediaException e) {
                System.err.println("fleetpress: " + e.getMessage());
                return e.exitCode;
            } catch (SdkException e) {
                System.err.println("fleetpress: reading the EFS records failed: " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "evacuate", mixinStandardHelpOptions = true,
            description = "Start (or resume) ENV's exit plan off EFS: capture the live webroot as a release, promote it, "
                    + "migrate the uploads still on EFS to S3, report what is left. Each step is idempotent; nothing is "
                    + "deleted from EFS. Follow it with `fleetpress efs status ENV`.")
    static final class Evacuate implements Callable<Integer> {
        @Mixin
        Where where;

        @Mixin
        ReleaseBucket releaseBucket;

        @Parameters(index = "0", paramLabel = "ENV", description = "The environment (production, staging, ...).")
        String environment;

        @Option(names = "--instance", paramLabel = "ID", description = "Capture and export on this instance (default: one "
                + "InService instance of the group). Against localcloud, which keeps Auto Scaling in its own process, it is required.")
        String instance = "";

        @Option(names = "--alert-topic", paramLabel = "ARN", description = "With --aws: the stack's output AlertTopicArn, "
                + "which hears when a step stops (default: the alert is printed here instead).")
        String alertTopic = "";

        @Override
        public Integer call() throws Exception {
            try {
                where.validate();
                MediaCommand.requireEnvironment(environment);
                if (!instance.isEmpty()) {
                    MediaCommand.require(MediaCommand.INSTANCE_ID, instance, "--instance", "an EC2 instance id");
                }
                String bucket = releaseBucket.resolve(where);
                try (Cloud cloud = Cloud.connect(where)) {
                    Optional<String> group = cloud.groups().groupOf(environment);
                    if (group.isEmpty()) {
                        throw new MediaException(environment + " has no Auto Scaling group in FLEET_GROUPS (template.yaml)", 2);
                    }
                    if (cloud.local() && instance.isEmpty()) {
                        throw new MediaException("localcloud keeps Auto Scaling in its own process: pass --instance with one "
                                + "of " + group.get() + "'s instances", 2);
                    }
                    AutoScalingClient autoScaling = instance.isEmpty() ? cloud.autoScaling() : oneInstance(group.get(), instance);
                    DependencyFactory deps = DependencyFactory.of(cloud.s3(), cloud.ssm(),
                            MediaCommand.unavailable(CodeBuildClient.class, "efs evacuate starts no build"), autoScaling,
                            MediaCommand.unavailable(SqsClient.class, "efs evacuate uses no queue"), alerts(where));
                    Settings settings = Settings.of(efsFunctionEnvironment(where, bucket, cloud.bucket()));
                    EvacuationRecord plan = Evacuations.create(deps, settings).start(environment, "operator " + user());
                    System.out.println(describe(plan));
                    System.err.println("follow it: fleetpress efs status " + environment + where.arguments()
                            + (where.aws ? " --release-bucket " + bucket : ""));
                    return plan.state() == EvacuationRecord.State.STOPPED ? 1 : 0;
                }
            } catch (MediaException e) {
                System.err.println("fleetpress: " + e.getMessage());
                return e.exitCode;
            } catch (IllegalArgumentException | IllegalStateException e) {
                System.err.println("fleetpress: " + e.getMessage());
                return 2;
            } catch (SdkException e) {
                System.err.println("fleetpress: the exit plan could not take its step: " + e.getMessage());
                return 1;
            }
        }

        private SnsClient alerts(Where where) {
            if (where.aws && !alertTopic.isEmpty()) {
                return SnsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
            }
            return printingSns();
        }

        /** EfsFunction's variables as template.yaml sets them for this stack, with the buckets and topic named here. */
        private Map<String, String> efsFunctionEnvironment(Where where, String releaseBucket, String mediaBucket) {
            Template template = where.aws
                    ? Template.load(Workspace.root().resolve("template.yaml"), new StackContext(where.stack, "us-east-1",
                            "000000000000", "aws", Map.of("SourceLocation", "https://example.invalid/site.git")))
                    : Workspace.localTemplate();
            Map<String, String> env = new HashMap<>(functionEnvironment(template, "EfsFunction"));
            env.put("RELEASE_BUCKET", releaseBucket);
            env.put("MEDIA_BUCKET", mediaBucket);
            if (where.aws) {
                env.put("ALERT_TOPIC_ARN", alertTopic.isEmpty() ? "arn:aws:sns:us-east-1:000000000000:printed-here" : alertTopic);
            }
            return env;
        }
    }

    /** The names of the file systems EfsFunction keeps a record of ({@code efs/<fs-id>.json}). */
    static List<String> fileSystemIds(Cloud cloud, String bucket) {
        List<String> ids = new ArrayList<>();
        String token = null;
        do {
            String t = token;
            ListObjectsV2Response page = cloud.s3().listObjectsV2(b -> b.bucket(bucket).prefix(EfsRecords.PREFIX).delimiter("/")
                    .continuationToken(t));
            for (S3Object o : page.contents()) {
                var m = FILE_SYSTEM_KEY.matcher(o.key());
                if (m.matches()) {
                    ids.add(m.group(1));
                }
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        return ids;
    }

    static void print(PrintStream out, List<FileSystemRecord> fileSystems, Map<String, Optional<EvacuationRecord>> plans,
                      Map<String, Optional<EvacuationReport>> reports, Instant now) {
        if (fileSystems.isEmpty()) {
            out.println("No file system recorded yet: EfsFunction records one when its credit alarm first changes state or "
                    + "its schedule samples it (set ProductionFileSystemId / StagingFileSystemId when deploying).");
        }
        for (FileSystemRecord r : fileSystems) {
            out.printf("%s  %s  mode %s%s%n", r.fileSystemId(), r.environment().isEmpty() ? "-" : r.environment(),
                    r.mode().isEmpty() ? "unknown" : r.mode(),
                    "provisioned".equals(r.mode()) ? String.format(Locale.ROOT, " (%.0f MiB/s)", r.provisionedMibps()) : "");
            out.println("  credits     " + r.trend().map(EfsCommand::trend).orElse("no sample yet"));
            out.println("  alarm       " + (r.alarm().state().isEmpty() ? "no state seen yet"
                    : r.alarm().state() + " since " + r.alarm().timestamp() + " (" + r.alarm().name() + ")"));
            Duration until = r.untilNextRestrictedChange(now);
            out.println("  next change " + (until.isZero() ? "allowed now" : "allowed in " + Timeline.hours(until) + " (at "
                    + r.nextRestrictedChangeAt() + ")") + "; restricted changes in the last 24 h: " + r.restrictedChangesWithin24h(now));
            r.openIncident().ifPresentOrElse(
                    i -> out.println("  incident    " + i.id() + " open since " + i.openedAt() + ": " + i.response()
                            + (i.reopened() > 0 ? " (reopened " + i.reopened() + "x)" : "")),
                    () -> out.println("  incident    none open (" + r.incidents().size() + " recorded)"));
            if (!r.history().isEmpty()) {
                FileSystemRecord.HistoryEntry last = r.history().get(r.history().size() - 1);
                out.println("  last change " + last.at() + " " + (last.from().isEmpty() ? "" : last.from() + " -> ") + last.to()
                        + ": " + last.result() + (last.message().isEmpty() ? "" : " (" + last.message() + ")"));
            }
        }
        plans.forEach((env, plan) -> {
            out.println();
            out.println("exit plan " + env + ": " + plan.map(EfsCommand::describe).orElse("not started (fleetpress efs evacuate "
                    + env + ")"));
            reports.getOrDefault(env, Optional.empty()).ifPresent(report -> out.println("  report      " + report.summary()));
        });
    }

    static String trend(FileSystemRecord.CreditTrend t) {
        String rate = String.format(Locale.ROOT, "%+.1f GiB/h", t.bytesPerHour() / (1L << 30));
        String left = t.bytesPerHour() >= 0 || !(t.hoursToExhaustion() > 0) || t.hoursToExhaustion() >= 1000 ? "not declining"
                : String.format(Locale.ROOT, "%.1f h to exhaustion", t.hoursToExhaustion());
        return String.format(Locale.ROOT, "%.2f TiB, %s, %s (sample %s)", t.balanceBytes() / Math.pow(2, 40), rate, left, t.at());
    }

    static String describe(EvacuationRecord plan) {
        StringBuilder s = new StringBuilder(plan.state() + ", step " + plan.step().slug());
        if (!plan.reason().isEmpty()) {
            s.append(" (").append(plan.reason()).append(')');
        }
        if (!plan.capture().captureId().isEmpty()) {
            s.append("; capture ").append(plan.capture().captureId()).append(" on ").append(plan.capture().instanceId())
                    .append(plan.capture().status().isEmpty() ? "" : " " + plan.capture().status());
        }
        if (!plan.promotion().result().isEmpty()) {
            s.append("; promotion ").append(plan.promotion().result());
        }
        if (!plan.migration().migrationId().isEmpty()) {
            s.append("; migration ").append(plan.migration().migrationId())
                    .append(plan.migration().status().isEmpty() ? "" : " " + plan.migration().status());
        }
        return s.append("; started ").append(plan.startedAt()).append(" by ").append(plan.requestedBy()).toString();
    }

    private static void printJson(PrintStream out, List<FileSystemRecord> fileSystems, Map<String, Optional<EvacuationRecord>> plans,
                                  Map<String, Optional<EvacuationReport>> reports) {
        StringBuilder s = new StringBuilder("{\"fileSystems\":[");
        for (int i = 0; i < fileSystems.size(); i++) {
            s.append(i == 0 ? "" : ",").append(fileSystems.get(i).toJson());
        }
        s.append("],\"exitPlans\":{");
        boolean first = true;
        for (var e : plans.entrySet()) {
            s.append(first ? "" : ",").append(Json.write(e.getKey())).append(":{\"plan\":")
                    .append(e.getValue().map(EvacuationRecord::toJson).orElse("null")).append(",\"report\":")
                    .append(reports.get(e.getKey()).map(EvacuationReport::toJson).orElse("null")).append('}');
            first = false;
        }
        out.println(s.append("}}"));
    }

    static Map<String, String> functionEnvironment(Template template, String logicalId) {
        for (FunctionSpec f : template.functions()) {
            if (f.logicalId().equals(logicalId)) {
                return f.environment();
            }
        }
        throw new MediaException("template.yaml has no " + logicalId, 2);
    }

    /** An Auto Scaling client that knows one group with one InService instance: {@code --instance}. */
    static AutoScalingClient oneInstance(String group, String instanceId) {
        AutoScalingGroup described = AutoScalingGroup.builder().autoScalingGroupName(group).instances(Instance.builder()
                .instanceId(instanceId).lifecycleState(LifecycleState.IN_SERVICE).healthStatus("Healthy").build()).build();
        return new AutoScalingClient() {
            @Override
            public DescribeAutoScalingGroupsResponse describeAutoScalingGroups(DescribeAutoScalingGroupsRequest request) {
                boolean asked = request.autoScalingGroupNames().isEmpty() || request.autoScalingGroupNames().contains(group);
                return DescribeAutoScalingGroupsResponse.builder().autoScalingGroups(asked ? List.of(described) : List.of()).build();
            }

            @Override
            public String serviceName() {
                return "autoscaling";
            }

            @Override
            public void close() {
            }
        };
    }

    /** Alerts printed on standard error: localcloud's SNS lives in its own process, and on AWS no topic was named. */
    static SnsClient printingSns() {
        return new SnsClient() {
            @Override
            public PublishResponse publish(PublishRequest request) {
                System.err.println("alert: " + request.subject() + ": " + request.message());
                return PublishResponse.builder().messageId("printed").build();
            }

            @Override
            public String serviceName() {
                return "sns";
            }

            @Override
            public void close() {
            }
        };
    }

    private static String user() {
        String name = System.getProperty("user.name", "unknown");
        return name.matches("^[A-Za-z0-9._-]{1,64}$") ? name : "unknown";
    }
}

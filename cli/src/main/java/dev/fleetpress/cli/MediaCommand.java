package dev.fleetpress.cli;

import dev.fleetpress.fleet.FleetGroups;
import dev.fleetpress.json.Json;
import dev.fleetpress.json.JsonException;
import dev.fleetpress.localcloud.s3.LocalS3;
import dev.fleetpress.localcloud.template.FunctionSpec;
import dev.fleetpress.localcloud.template.StackContext;
import dev.fleetpress.localcloud.template.Template;
import dev.fleetpress.aws.S3ObjectStore;
import dev.fleetpress.aws.SsmCommandRunner;
import dev.fleetpress.media.MigrationKeys;
import dev.fleetpress.media.MigrationStart;
import dev.fleetpress.media.MigrationStarter;
import dev.fleetpress.media.MigrationManifest;
import dev.fleetpress.media.ShardResult;
import dev.fleetpress.release.Environments;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Instance;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.InvocationDoesNotExistException;

/**
 * {@code fleetpress media migrate <env>} and {@code fleetpress media status <env>}: moving an
 * environment's existing uploads into the media bucket, and following it.
 *
 * <p>{@code migrate} sends the stack's media export document ({@code <stack>-media-export}) to one
 * InService instance of the environment's Auto Scaling group (FLEET_GROUPS in template.yaml, or
 * {@code --group}) with a fresh migration id, records who was asked to export in
 * {@code _migration/<id>/started.json} and prints the id. The export shards the instance's uploads
 * into the bucket; S3 notifications then drive MediaFunction, which writes one result per shard and,
 * once every shard has one, report.json.
 *
 * <p>{@code status} reads {@code _migration/<id>/} (migration.json, the shards, results/, report.json)
 * and shows a progress bar (shards, files, bytes, rejected entries); with {@code --watch} it polls
 * until report.json exists and then prints the verification report's summary. Without an id it
 * follows the environment's newest migration.
 *
 * <p>Against AWS ({@code --aws --stack <name> --media-bucket <bucket>}) the region and credentials come
 * from the usual AWS environment; otherwise against the localcloud that {@code ./fleetpress local up}
 * runs (its {@code endpoint.json}), or, for {@code status} when it is not running, its data folder.
 */
@Command(name = "media", mixinStandardHelpOptions = true,
        description = "Move an environment's existing uploads into the media bucket and follow the migration.",
        subcommands = {MediaCommand.Migrate.class, MediaCommand.Status.class, MediaRewriteCommand.class,
                MediaConfigureCommand.class})
final class MediaCommand implements Runnable {
    static final Pattern STACK_NAME = Pattern.compile("^[A-Za-z][A-Za-z0-9-]{0,127}$");
    static final Pattern BUCKET_NAME = Pattern.compile("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$");
    static final Pattern GROUP_NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$");
    static final Pattern INSTANCE_ID = Pattern.compile("^i-[0-9a-f]{8,17}$");
    /** The export document's allowedPattern for UploadsPath. */
    static final Pattern UPLOADS_PATH = Pattern.compile("^/[A-Za-z0-9_./-]{1,255}$");

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** A failure to report as {@code fleetpress: <message>} with an exit code (2: how it was called or local state). */
    static final class MediaException extends RuntimeException {
        final int exitCode;

        MediaException(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    /** Where the bucket and the fleet are: AWS with {@code --aws}, else localcloud (as the other commands). */
    static final class Where {
        @Option(names = "--aws", description = "Act on AWS (the SDK's default region and credentials) instead of the localcloud "
                + "of `./fleetpress local up`. Needs --stack and --media-bucket.")
        boolean aws;

        @Option(names = "--stack", paramLabel = "<name>", description = "With --aws: the deployed stack's name (its export "
                + "document is <name>-media-export).")
        String stack = "";

        @Option(names = "--media-bucket", paramLabel = "<bucket>", description = "With --aws: the stack's output "
                + "MediaBucketName (<stack>-media-<account id>).")
        String mediaBucket = "";

        /** Against AWS, the options a follow-up command repeats. */
        String arguments() {
            return aws ? " --aws --stack " + stack + " --media-bucket " + mediaBucket : "";
        }

        void validate() {
            if (!aws) {
                if (!stack.isEmpty() || !mediaBucket.isEmpty()) {
                    throw new MediaException("--stack and --media-bucket go with --aws; against localcloud both come from "
                            + "template.yaml", 2);
                }
                return;
            }
            if (stack.isEmpty()) {
                throw new MediaException("--aws needs --stack <name>: the name of the deployed FleetPress stack", 2);
            }
            require(STACK_NAME, stack, "--stack", "a CloudFormation stack name");
            if (mediaBucket.isEmpty()) {
                throw new MediaException("--aws needs --media-bucket <bucket>: the stack's output MediaBucketName (sam list "
                        + "stack-outputs --stack-name " + stack + ")", 2);
            }
            require(BUCKET_NAME, mediaBucket, "--media-bucket", "an S3 bucket name");
        }
    }

    static void require(Pattern pattern, String value, String option, String what) {
        if (!pattern.matcher(value).matches()) {
            throw new MediaException(option + " '" + value + "' is not " + what + " (" + pattern.pattern() + ")", 2);
        }
    }

    static String requireEnvironment(String environment) {
        try {
            return Environments.requireValid(environment);
        } catch (IllegalArgumentException e) {
            throw new MediaException(e.getMessage(), 2);
        }
    }

    static String requireMigrationId(String id) {
        try {
            return MigrationKeys.requireId(id);
        } catch (IllegalArgumentException e) {
            throw new MediaException(e.getMessage(), 2);
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = "Send the media export document to one InService instance of the environment's group and print the "
                    + "migration id; follow it with `fleetpress media status <env> --watch`.")
    static final class Migrate implements Callable<Integer> {
        @Parameters(paramLabel = "ENV", description = "The environment whose uploads move (production, staging…).")
        String environment;

        @Mixin
        Where where = new Where();

        @Option(names = "--group", paramLabel = "NAME", description = "The Auto Scaling group (default: the environment's in "
                + "template.yaml's FLEET_GROUPS).")
        String group = "";

        @Option(names = "--instance", paramLabel = "ID", description = "Export from this instance (default: one InService "
                + "instance of the group). Against localcloud, which keeps Auto Scaling in its own process, it is required.")
        String instance = "";

        @Option(names = "--id", paramLabel = "ID", description = "Resume this migration (its shards already uploaded are skipped) "
                + "instead of starting a new one.")
        String id = "";

        @Option(names = "--shard-mb", paramLabel = "N", defaultValue = "64", description = "Largest shard in MiB, 1 to 9999 "
                + "(default: ${DEFAULT-VALUE}).")
        int shardMegabytes;

        @Option(names = "--uploads-path", paramLabel = "PATH", description = "The uploads folder on the instance (default: the "
                + "document's, /var/www/fleetpress/current/wp-content/uploads).")
        String uploadsPath = "";

        @Override
        public Integer call() {
            return handled(() -> {
                Request request = validate();
                try (Cloud cloud = Cloud.connect(where)) {
                    MigrationStart started = new Migrations(cloud, Clock.systemUTC()).start(request);
                    System.out.println(started.migrationId());
                    System.err.println("export sent to " + started.instanceId() + " (group " + started.group() + ", document "
                            + started.documentName() + ", command " + started.commandId() + ")");
                    System.err.println("follow it: fleetpress media status " + started.environment() + " " + started.migrationId()
                            + " --watch" + where.arguments());
                    return 0;
                }
            });
        }

        Request validate() {
            where.validate();
            requireEnvironment(environment);
            if (!group.isEmpty()) {
                require(GROUP_NAME, group, "--group", "an Auto Scaling group name");
            }
            if (!instance.isEmpty()) {
                require(INSTANCE_ID, instance, "--instance", "an EC2 instance id");
            }
            if (!id.isEmpty()) {
                requireMigrationId(id);
            }
            if (shardMegabytes < 1 || shardMegabytes > 9999) {
                throw new MediaException("--shard-mb must be 1 to 9999 (MiB), got " + shardMegabytes, 2);
            }
            if (!uploadsPath.isEmpty()) {
                require(UPLOADS_PATH, uploadsPath, "--uploads-path", "an absolute path of letters, digits and _ . / -");
            }
            return new Request(environment, group, instance, id, shardMegabytes, uploadsPath);
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show a migration's progress (shards, files, bytes, rejected entries) and, once it has one, its "
                    + "verification report. Without an id: the environment's newest migration.")
    static final class Status implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ENV", description = "The environment.")
        String environment;

        @Parameters(index = "1", arity = "0..1", paramLabel = "ID", description = "The migration (default: the newest of ENV).")
        String id = "";

        @Mixin
        Where where = new Where();

        @Option(names = "--watch", description = "Poll until the report exists, then print its summary.")
        boolean watch;

        @Option(names = "--json", description = "Print JSON (with --watch, one line per change).")
        boolean json;

        @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2", description = "Seconds between polls with "
                + "--watch (default: ${DEFAULT-VALUE}).")
        double interval;

        @Override
        public Integer call() {
            return handled(() -> {
                validate();
                try (Cloud cloud = Cloud.connect(where)) {
                    Migrations migrations = new Migrations(cloud, Clock.systemUTC());
                    String chosen = id.isEmpty() ? migrations.newest(environment) : id;
                    return follow(migrations, chosen, System.out, watch && !json && System.console() != null);
                }
            });
        }

        void validate() {
            where.validate();
            requireEnvironment(environment);
            if (!id.isEmpty()) {
                requireMigrationId(id);
            }
            if (!(interval >= 0.05 && interval <= 3600)) {
                throw new MediaException("--interval must be 0.05 to 3600 seconds, got " + interval, 2);
            }
        }

        /** Shows {@code migrationId} on {@code out} (redrawing one line on a terminal) until done, or once without --watch. */
        int follow(Migrations migrations, String migrationId, PrintStream out, boolean redraw) throws InterruptedException {
            Output output = new Output(out, json, redraw);
            while (true) {
                Snapshot snapshot = migrations.read(migrationId);
                if (!snapshot.environment().isEmpty() && !snapshot.environment().equals(environment)) {
                    throw new MediaException("migration " + migrationId + " belongs to environment " + snapshot.environment()
                            + ", not " + environment, 2);
                }
                Progress progress = Progress.of(snapshot);
                output.show(progress);
                if (progress.report().written()) {
                    output.finish(progress);
                    return progress.report().complete() ? 0 : 1;
                }
                if (!watch) {
                    return 0;
                }
                String failure = migrations.exportFailure(snapshot);
                if (!failure.isEmpty()) {
                    output.finish(progress);
                    throw new MediaException(failure + "; resume it: fleetpress media migrate " + environment + " --id "
                            + migrationId + where.arguments(), 1);
                }
                Thread.sleep((long) (interval * 1000));
            }
        }
    }

    interface Body {
        int run() throws Exception;
    }

    static int handled(Body body) {
        try {
            return body.run();
        } catch (MediaException e) {
            System.err.println("fleetpress: " + e.getMessage());
            return e.exitCode;
        } catch (SdkException e) {
            System.err.println("fleetpress: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        } catch (Exception e) {
            System.err.println("fleetpress: " + e);
            return 1;
        }
    }

    /** What {@code migrate} was asked; empty strings for the defaults. */
    record Request(String environment, String group, String instance, String id, int shardMegabytes, String uploadsPath) {
    }

    /** A migration without started.json (started otherwise, or the write failed). */
    static final MigrationStart NO_START = new MigrationStart("", "", "", "", "", "", Instant.EPOCH);

    /**
     * The clients and names a media subcommand works with. {@code ssm} and {@code autoScaling} may be
     * stand-ins that refuse every call with the reason they are not available.
     *
     * @param local against localcloud, whose Auto Scaling cannot be asked from this process
     */
    record Cloud(String stackName, String bucket, FleetGroups groups, S3Client s3, SsmClient ssm,
                 AutoScalingClient autoScaling, boolean local, List<AutoCloseable> resources) implements AutoCloseable {
        String exportDocument() {
            return stackName + "-media-export";
        }

        @Override
        public void close() {
            for (int i = resources.size() - 1; i >= 0; i--) {
                closeQuietly(resources.get(i));
            }
        }

        static Cloud connect(Where where) throws IOException {
            return where.aws ? onAws(where.stack, where.mediaBucket) : onLocalcloud();
        }

        private static Cloud onAws(String stack, String bucket) {
            List<AutoCloseable> resources = new ArrayList<>();
            try {
                S3Client s3 = S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
                resources.add(s3);
                SsmClient ssm = SsmClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
                resources.add(ssm);
                AutoScalingClient autoScaling = AutoScalingClient.builder()
                        .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
                resources.add(autoScaling);
                // Only FLEET_GROUPS is read, with the parameters' defaults: --group names a group deployed otherwise.
                Template template = Template.load(Workspace.root().resolve("template.yaml"), new StackContext(stack,
                        "us-east-1", "000000000000", "aws", Map.of("SourceLocation", "https://example.invalid/site.git")));
                return new Cloud(stack, bucket, groups(template), s3, ssm, autoScaling, false, resources);
            } catch (SdkException e) {
                resources.forEach(MediaCommand::closeQuietly);
                throw new MediaException("cannot set up the AWS clients: " + e.getMessage() + " (set AWS_REGION and the "
                        + "usual AWS credentials: environment, profile or instance role)", 2);
            }
        }

        private static Cloud onLocalcloud() throws IOException {
            Path home = Workspace.home();
            Path data = home.resolve("cloud");
            if (!Files.isDirectory(data.resolve("s3"))) {
                throw new MediaException("no localcloud state in " + home + ": run ./fleetpress local up (or set FLEETPRESS_HOME), "
                        + "or pass --aws --stack <name> --media-bucket <bucket> for AWS", 2);
            }
            Template template = Workspace.localTemplate();
            String bucket = template.outputs().get("MediaBucketName");
            List<AutoCloseable> resources = new ArrayList<>();
            S3Client s3;
            SsmClient ssm;
            Path endpointFile = LocalCommand.endpointFile();
            Json.Node endpoints = Files.isRegularFile(endpointFile) ? Json.parse(Files.readString(endpointFile)) : null;
            if (endpoints != null && reachable(URI.create(endpoints.text("s3Endpoint")))) {
                s3 = LocalS3.clientFor(URI.create(endpoints.text("s3Endpoint")));
                resources.add(s3);
                String ssmEndpoint = endpoints.findText("ssmEndpoint").orElse("");
                if (ssmEndpoint.isEmpty()) {
                    ssm = unavailable(SsmClient.class, endpointFile + " names no ssmEndpoint: this localcloud cannot be "
                            + "sent commands from another process");
                } else {
                    ssm = SsmClient.builder().endpointOverride(URI.create(ssmEndpoint)).region(LocalS3.REGION)
                            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("localcloud",
                                    "localcloud-secret")))
                            .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
                    resources.add(ssm);
                }
            } else {
                // localcloud is not running: its S3 data folder is read through a short-lived server.
                LocalS3 transientS3 = LocalS3.start(data.resolve("s3"), (target, event) -> { });
                resources.add(transientS3);
                s3 = transientS3.client();
                ssm = unavailable(SsmClient.class, "localcloud is not running: start it with ./fleetpress local up");
            }
            AutoScalingClient autoScaling = unavailable(AutoScalingClient.class, "localcloud keeps Auto Scaling in its own "
                    + "process: pass --instance with one of its instances");
            return new Cloud(template.context().stackName(), bucket, groups(template), s3, ssm, autoScaling, true, resources);
        }

        private static FleetGroups groups(Template template) {
            for (FunctionSpec f : template.functions()) {
                String spec = f.environment().get("FLEET_GROUPS");
                if (spec != null) {
                    return FleetGroups.parse(spec);
                }
            }
            throw new MediaException("no function in template.yaml sets FLEET_GROUPS; pass --group", 2);
        }

        private static boolean reachable(URI endpoint) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), 500);
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }

    static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            // Clients and a transient local S3 server: nothing is left to save.
        }
    }

    /** A client that answers every call with a {@link MediaException} saying why it is not available (a null object). */
    static <T> T unavailable(Class<T> api, String reason) {
        return api.cast(Proxy.newProxyInstance(api.getClassLoader(), new Class<?>[] {api}, (proxy, method, args) ->
                switch (method.getName()) {
                    case "close" -> null;
                    case "serviceName" -> api.getSimpleName();
                    case "toString" -> "unavailable " + api.getSimpleName() + ": " + reason;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new MediaException(reason, 2);
                }));
    }

    /** Everything read about one migration at one moment. */
    record Snapshot(String migrationId, MigrationStart started, boolean exported, MigrationManifest migration,
                    Set<Integer> shardsUploaded, Map<Integer, ShardResult> results, Report report) {
        /** The environment, from migration.json or started.json; empty when neither says. */
        String environment() {
            if (exported && !migration.environment().isEmpty()) {
                return migration.environment();
            }
            return started.environment();
        }
    }

    /** report.json's summary; {@link #PENDING} until it exists. */
    record Report(boolean written, boolean complete, long entries, long verified, long imported, long skipped,
                  List<String> rejected, List<String> missing, long durationSeconds) {
        static final Report PENDING = new Report(false, false, 0, 0, 0, 0, List.of(), List.of(), 0);

        static Report parse(Json.Node root) {
            return new Report(true, root.get("complete").asBoolean(), root.get("entries").asLong(),
                    root.get("verified").asLong(), root.get("imported").asLong(), root.get("skipped").asLong(),
                    lines(root.get("rejected")), lines(root.get("missing")), root.get("durationSeconds").asLong());
        }

        private static List<String> lines(Json.Node entries) {
            List<String> out = new ArrayList<>();
            for (Json.Node e : entries.elements()) {
                out.add(e.text("path") + ": " + e.text("reason"));
            }
            return out;
        }
    }

    /**
     * How far a migration has come.
     *
     * @param shardsTotal  migration.json's count, or -1 while the export runs
     * @param filesDone    entries of the shards with a result: imported, skipped or rejected
     * @param bytesWritten bytes the import wrote (skipped files excluded)
     */
    record Progress(String migrationId, String environment, int shardsUploaded, int shardsTotal, int shardsDone,
                    long filesTotal, long filesDone, long skipped, long rejected, long bytesTotal, long bytesWritten,
                    Report report) {
        static Progress of(Snapshot s) {
            long imported = 0;
            long skipped = 0;
            long rejected = 0;
            long bytes = 0;
            for (ShardResult r : s.results().values()) {
                imported += r.imported();
                skipped += r.skipped();
                rejected += r.rejected().size();
                bytes += r.bytes();
            }
            int total = s.exported() ? s.migration().shards() : -1;
            return new Progress(s.migrationId(), s.environment(), s.shardsUploaded().size(), total, s.results().size(),
                    s.exported() ? s.migration().files() : -1, imported + skipped + rejected, skipped, rejected,
                    s.exported() ? s.migration().bytes() : -1, bytes, s.report());
        }

        /** Done shards over all shards; 0 while the export runs (the total is not known yet). */
        double fraction() {
            if (report.written() || shardsTotal == 0) {
                return shardsTotal < 0 && !report.written() ? 0 : 1;
            }
            return shardsTotal < 0 ? 0 : Math.min(1, (double) shardsDone / shardsTotal);
        }

        /** One line: bar, shards, files, bytes and rejected entries. */
        String line(int width) {
            int filled = (int) Math.round(fraction() * width);
            StringBuilder out = new StringBuilder("[").append("█".repeat(filled)).append("░".repeat(width - filled)).append("] ");
            out.append(String.format(Locale.ROOT, "%3d%%  ", Math.round(fraction() * 100)));
            if (shardsTotal < 0) {
                out.append(String.format(Locale.ROOT, "shards %d imported of %d uploaded so far (export running)", shardsDone,
                        shardsUploaded));
                out.append(String.format(Locale.ROOT, " · files %,d · %s written", filesDone, megabytes(bytesWritten)));
            } else {
                out.append(String.format(Locale.ROOT, "shards %d/%d · files %,d/%,d", shardsDone, shardsTotal, filesDone, filesTotal));
                out.append(String.format(Locale.ROOT, " · %s/%s written", megabytes(bytesWritten), megabytes(bytesTotal)));
            }
            if (skipped > 0) {
                out.append(String.format(Locale.ROOT, " · %,d already there", skipped));
            }
            out.append(String.format(Locale.ROOT, " · %,d rejected", rejected));
            return out.toString();
        }

        Map<String, Object> toJson() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("migrationId", migrationId);
            out.put("environment", environment);
            out.put("exportFinished", shardsTotal >= 0);
            out.put("shards", Json.object("uploaded", shardsUploaded, "total", shardsTotal < 0 ? null : shardsTotal,
                    "done", shardsDone));
            out.put("files", Json.object("total", filesTotal < 0 ? null : filesTotal, "done", filesDone, "skipped", skipped));
            out.put("bytes", Json.object("total", bytesTotal < 0 ? null : bytesTotal, "written", bytesWritten));
            out.put("rejected", rejected);
            out.put("fraction", fraction());
            out.put("report", !report.written() ? null : Json.object("complete", report.complete(), "entries", report.entries(),
                    "verified", report.verified(), "imported", report.imported(), "skipped", report.skipped(),
                    "rejected", report.rejected().size(), "missing", report.missing().size(),
                    "durationSeconds", report.durationSeconds()));
            return out;
        }

        private static String megabytes(long bytes) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
        }
    }

    /** Prints progress: a line per change, redrawn in place on a terminal, or JSON lines. */
    static final class Output {
        static final int BAR = 24;
        static final int SHOWN = 10;
        private final PrintStream out;
        private final boolean json;
        private final boolean redraw;
        private String last = "";

        Output(PrintStream out, boolean json, boolean redraw) {
            this.out = out;
            this.json = json;
            this.redraw = redraw;
        }

        void show(Progress p) {
            String text = json ? Json.write(p.toJson()) : p.line(BAR);
            if (text.equals(last)) {
                return;
            }
            if (last.isEmpty() && !json) {
                out.println(p.migrationId() + (p.environment().isEmpty() ? "" : " (" + p.environment() + ")"));
            }
            if (redraw) {
                out.print("\r" + text + " ".repeat(Math.max(0, last.length() - text.length())));
                out.flush();
            } else {
                out.println(text);
            }
            last = text;
        }

        void finish(Progress p) {
            if (redraw) {
                out.println();
            }
            Report r = p.report();
            if (json || !r.written()) {
                return;
            }
            out.printf(Locale.ROOT, "report: %s — %,d of %,d entries verified in S3 (%,d imported, %,d already there), %d rejected, "
                            + "%d missing, %d s%n", r.complete() ? "complete" : "INCOMPLETE", r.verified(), r.entries(), r.imported(),
                    r.skipped(), r.rejected().size(), r.missing().size(), r.durationSeconds());
            list("rejected (not imported, with the reason)", r.rejected());
            list("missing (neither in S3 as listed nor rejected)", r.missing());
        }

        private void list(String title, List<String> entries) {
            if (entries.isEmpty()) {
                return;
            }
            out.println("  " + title + ":");
            entries.stream().limit(SHOWN).forEach(e -> out.println("    " + e));
            if (entries.size() > SHOWN) {
                out.println("    … and " + (entries.size() - SHOWN) + " more in report.json");
            }
        }
    }

    /** One media bucket's migrations: starting one and reading how far each has come. */
    static final class Migrations {
        private static final Pattern SHARD = Pattern.compile("^shard-([0-9]{5})\\.tar$");
        private static final Pattern RESULT = Pattern.compile("^results/shard-([0-9]{5})\\.json$");
        private static final Set<String> FAILED = Set.of("Cancelled", "Cancelling", "TimedOut", "Failed", "DeliveryTimedOut",
                "ExecutionTimedOut", "Undeliverable", "Terminated", "InvalidPlatform", "AccessDenied");

        private final Cloud cloud;
        private final Clock clock;
        /** Results never change once written, so --watch reads each once. */
        private final Map<String, ShardResult> results = new HashMap<>();

        Migrations(Cloud cloud, Clock clock) {
            this.cloud = cloud;
            this.clock = clock;
        }

        MigrationStart start(Request request) {
            String environment = request.environment();
            String group = request.group().isEmpty() ? cloud.groups().groupOf(environment).orElseThrow(() -> new MediaException(
                    "environment " + environment + " has no group in template.yaml's FLEET_GROUPS (" + cloud.groups().environments()
                            + "); pass --group", 2)) : request.group();
            String instance = request.instance().isEmpty() || !cloud.local() ? instance(group, request.instance())
                    : request.instance();
            MigrationStarter starter = MigrationStarter.of(SsmCommandRunner.create(cloud::ssm),
                    S3ObjectStore.create(cloud.s3(), cloud.bucket()), cloud.exportDocument(), cloud.bucket(), clock);
            String id = request.id().isEmpty() ? starter.newId(environment) : request.id();
            try {
                return starter.start(new MigrationStarter.Request(environment, group, instance, id, request.shardMegabytes(),
                        request.uploadsPath()));
            } catch (MigrationStarter.NotStarted e) {
                throw new MediaException(e.getMessage() + "; run the command again in a minute", 1);
            }
        }

        /**
         * The instance to export from: {@code requested} if the group has it InService, else the first
         * InService, healthy instance by id. Exactly one, so the shards come from one copy of the uploads.
         */
        String instance(String group, String requested) {
            List<AutoScalingGroup> groups = cloud.autoScaling().describeAutoScalingGroups(b -> b.autoScalingGroupNames(group))
                    .autoScalingGroups();
            if (groups.isEmpty()) {
                throw new MediaException("Auto Scaling has no group " + group + "; pass --group with the environment's group", 2);
            }
            return choose(group, groups.get(0).instances(), requested);
        }

        static String choose(String group, List<Instance> instances, String requested) {
            List<String> inService = instances.stream()
                    .filter(i -> "InService".equals(i.lifecycleStateAsString()) && "Healthy".equalsIgnoreCase(i.healthStatus()))
                    .map(Instance::instanceId).sorted().toList();
            if (inService.isEmpty()) {
                throw new MediaException("group " + group + " has no InService, healthy instance to export from ("
                        + instances.size() + " instances: " + instances.stream().map(i -> i.instanceId() + " "
                        + i.lifecycleStateAsString()).toList() + ")", 1);
            }
            if (requested.isEmpty()) {
                return inService.get(0);
            }
            if (!inService.contains(requested)) {
                throw new MediaException("instance " + requested + " is not InService and healthy in group " + group
                        + "; these are: " + inService, 2);
            }
            return requested;
        }

        /** What is known of a migration without reading its shards: for choosing the newest. */
        record Candidate(String migrationId, String environment, Instant startedAt) {
        }

        /** The newest migration of {@code environment} in the bucket. */
        String newest(String environment) {
            List<Candidate> candidates = new ArrayList<>();
            for (String id : ids()) {
                candidates.add(candidate(id));
            }
            return newest(candidates, environment, cloud.bucket());
        }

        /**
         * The candidate of {@code environment} that started last (ties: the greatest id). Migrations of
         * unknown environment (neither started.json nor migration.json yet) are not chosen.
         */
        static String newest(List<Candidate> candidates, String environment, String bucket) {
            return candidates.stream().filter(c -> c.environment().equals(environment))
                    .max(Comparator.comparing(Candidate::startedAt).thenComparing(Candidate::migrationId))
                    .map(Candidate::migrationId)
                    .orElseThrow(() -> new MediaException("no migration of " + environment + " in s3://" + bucket + "/"
                            + MigrationKeys.ROOT + (candidates.isEmpty() ? "" : " (there are " + candidates.size() + " of other "
                            + "or unknown environments; name one by its id)") + ": start one with fleetpress media migrate "
                            + environment, 2));
        }

        /** The migration ids under {@code _migration/}; folders that are not ids are left out. */
        List<String> ids() {
            List<String> ids = new ArrayList<>();
            String token = null;
            do {
                String from = token;
                ListObjectsV2Response page = list(b -> {
                    b.bucket(cloud.bucket()).prefix(MigrationKeys.ROOT).delimiter("/");
                    if (from != null) {
                        b.continuationToken(from);
                    }
                });
                for (CommonPrefix p : page.commonPrefixes()) {
                    String id = p.prefix().substring(MigrationKeys.ROOT.length(), p.prefix().length() - 1);
                    try {
                        ids.add(MigrationKeys.requireId(id));
                    } catch (IllegalArgumentException e) {
                        // Not a migration's folder.
                    }
                }
                token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            } while (token != null);
            return ids;
        }

        private Candidate candidate(String id) {
            MigrationStart started = started(id);
            if (!started.migrationId().isEmpty()) {
                return new Candidate(id, started.environment(), started.startedAt());
            }
            ListObjectsV2Response first = list(b -> b.bucket(cloud.bucket()).prefix(MigrationKeys.ROOT + id + "/"));
            Instant earliest = first.contents().stream().map(S3Object::lastModified).min(Comparator.naturalOrder())
                    .orElse(Instant.EPOCH);
            String environment = json(MigrationKeys.migrationManifest(id)).map(j -> j.findText("environment").orElse(""))
                    .orElse("");
            return new Candidate(id, environment, earliest);
        }

        /** Everything {@code status} shows about {@code id}. */
        Snapshot read(String id) {
            String prefix = MigrationKeys.ROOT + requireMigrationId(id) + "/";
            Set<Integer> shards = new TreeSet<>();
            List<Integer> done = new ArrayList<>();
            boolean exported = false;
            boolean reported = false;
            boolean any = false;
            String token = null;
            do {
                String from = token;
                ListObjectsV2Response page = list(b -> {
                    b.bucket(cloud.bucket()).prefix(prefix);
                    if (from != null) {
                        b.continuationToken(from);
                    }
                });
                for (S3Object o : page.contents()) {
                    String name = o.key().substring(prefix.length());
                    any = true;
                    Matcher shard = SHARD.matcher(name);
                    Matcher result = RESULT.matcher(name);
                    if (shard.matches()) {
                        shards.add(Integer.parseInt(shard.group(1)));
                    } else if (result.matches()) {
                        done.add(Integer.parseInt(result.group(1)));
                    } else if (name.equals("migration.json")) {
                        exported = true;
                    } else if (name.equals("report.json")) {
                        reported = true;
                    }
                }
                token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            } while (token != null);
            if (!any) {
                throw new MediaException("no migration " + id + " in s3://" + cloud.bucket() + "/" + MigrationKeys.ROOT, 2);
            }
            MigrationManifest migration = new MigrationManifest(id, 0, 0, 0, "", "");
            if (exported) {
                String key = MigrationKeys.migrationManifest(id);
                migration = parsed(key, () -> MigrationManifest.parse(json(key).orElseThrow(() -> gone(key)), id));
            }
            Map<Integer, ShardResult> shardResults = new LinkedHashMap<>();
            for (int shard : done) {
                String key = MigrationKeys.ROOT + MigrationKeys.resultLedgerKey(id, shard);
                ShardResult cached = results.get(key);
                if (cached == null) {
                    cached = parsed(key, () -> ShardResult.parse(text(key).orElseThrow(() -> gone(key))));
                    results.put(key, cached);
                }
                shardResults.put(shard, cached);
            }
            Report report = Report.PENDING;
            if (reported) {
                String key = MigrationKeys.ROOT + MigrationKeys.reportLedgerKey(id);
                report = parsed(key, () -> Report.parse(json(key).orElseThrow(() -> gone(key))));
            }
            return new Snapshot(id, started(id), exported, migration, shards, shardResults, report);
        }

        /**
         * Why the export will not finish (its command ended without success and migration.json is not
         * there), or "" when it may still (or did). Unknown when started.json or SSM is not available.
         */
        String exportFailure(Snapshot snapshot) {
            MigrationStart started = snapshot.started();
            if (snapshot.exported() || started.commandId().isEmpty()) {
                return "";
            }
            GetCommandInvocationResponse invocation;
            try {
                invocation = cloud.ssm().getCommandInvocation(b -> b.commandId(started.commandId())
                        .instanceId(started.instanceId()));
            } catch (InvocationDoesNotExistException | MediaException e) {
                return "";
            }
            if (!FAILED.contains(invocation.statusAsString())) {
                return "";
            }
            String[] errors = invocation.standardErrorContent() == null ? new String[0]
                    : invocation.standardErrorContent().strip().split("\n");
            return "the export (command " + started.commandId() + " on " + started.instanceId() + ") ended "
                    + invocation.statusAsString() + (errors.length == 0 || errors[errors.length - 1].isBlank() ? ""
                    : ": " + errors[errors.length - 1]);
        }

        private MigrationStart started(String id) {
            String key = MigrationKeys.started(id);
            try {
                return json(key).map(MigrationStart::parse).orElse(NO_START);
            } catch (JsonException | DateTimeParseException e) {
                // Only for choosing and for watching the export: a broken one is as good as none.
                return NO_START;
            }
        }

        private interface Parse<T> {
            T get();
        }

        private static <T> T parsed(String key, Parse<T> parse) {
            try {
                return parse.get();
            } catch (JsonException | DateTimeParseException e) {
                throw new MediaException(key + " is not what MediaFunction writes: " + e.getMessage(), 1);
            }
        }

        private static MediaException gone(String key) {
            return new MediaException(key + " was listed but is gone; run the command again", 1);
        }

        private Optional<Json.Node> json(String key) {
            return text(key).map(Json::parse);
        }

        private Optional<String> text(String key) {
            try {
                return Optional.of(cloud.s3().getObjectAsBytes(b -> b.bucket(cloud.bucket()).key(key))
                        .asString(StandardCharsets.UTF_8));
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            } catch (NoSuchBucketException e) {
                throw noBucket();
            }
        }

        private ListObjectsV2Response list(Consumer<ListObjectsV2Request.Builder> request) {
            try {
                return cloud.s3().listObjectsV2(request);
            } catch (NoSuchBucketException e) {
                throw noBucket();
            }
        }

        private MediaException noBucket() {
            return new MediaException("there is no bucket " + cloud.bucket() + (cloud.local() ? " in this localcloud"
                    : "; --media-bucket takes the stack's MediaBucketName output"), 2);
        }
    }

}

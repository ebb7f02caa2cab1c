package dev.fleetpress.localcloud;

import dev.fleetpress.aws.DependencyFactory;
import dev.fleetpress.localcloud.autoscaling.LocalAutoScaling;
import dev.fleetpress.localcloud.cloudwatch.LocalCloudWatch;
import dev.fleetpress.localcloud.cloudwatch.MetricStore;
import dev.fleetpress.localcloud.cloudwatch.SimulatedClock;
import dev.fleetpress.localcloud.codebuild.LocalCodeBuild;
import dev.fleetpress.localcloud.codebuild.ProjectSpec;
import dev.fleetpress.localcloud.efs.LocalEfs;
import dev.fleetpress.localcloud.events.EventBus;
import dev.fleetpress.localcloud.events.FaultPlan;
import dev.fleetpress.localcloud.http.LocalHttpApi;
import dev.fleetpress.localcloud.lambda.InvocationResult;
import dev.fleetpress.localcloud.lambda.LocalLambda;
import dev.fleetpress.localcloud.s3.LocalS3;
import dev.fleetpress.localcloud.s3.NotificationRule;
import dev.fleetpress.localcloud.ec2.Instances;
import dev.fleetpress.localcloud.schedule.LocalScheduler;
import dev.fleetpress.localcloud.sns.LocalSns;
import dev.fleetpress.localcloud.sqs.LocalSqs;
import dev.fleetpress.localcloud.sqs.SqsSettings;
import dev.fleetpress.localcloud.ssm.LocalSsm;
import dev.fleetpress.localcloud.ssm.LocalSsmEndpoint;
import dev.fleetpress.localcloud.ssm.run.CommandDocument;
import dev.fleetpress.localcloud.ssm.run.RunCommandConfig;
import dev.fleetpress.localcloud.template.CodeBuildProjectSpec;
import dev.fleetpress.localcloud.template.FunctionSpec;
import dev.fleetpress.localcloud.template.S3Trigger;
import dev.fleetpress.localcloud.template.SqsTrigger;
import dev.fleetpress.localcloud.template.StackContext;
import dev.fleetpress.localcloud.template.Template;
import dev.fleetpress.localcloud.wordpress.LocalDatabase;
import dev.fleetpress.localcloud.wordpress.LocalDatabases;
import dev.fleetpress.localcloud.wordpress.WpStandIn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import software.amazon.awssdk.services.efs.model.ThroughputMode;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.model.ParameterAlreadyExistsException;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * The embedded AWS for one machine: everything {@code template.yaml} declares, wired the way the
 * deployed stack wires it. S3 is a real protocol server (S3Proxy with S3's conditional writes and
 * event notifications added); SSM and CodeBuild are in-process implementations of the SDK client
 * interfaces; EventBridge routes with AWS's event-ruler; functions are the real handler classes,
 * invoked as the Lambda Java runtime invokes them; the HTTP API is a loopback HTTP server. Instances
 * are sandbox folders with a {@code wp} stand-in for wp-cli and folder databases for WordPress (see
 * {@link dev.fleetpress.localcloud.wordpress}). EFS and CloudWatch run on a simulated clock that moves only
 * through {@link LocalCloudWatch#advance} ({@code cloud.cloudWatch().advance(Duration.ofHours(6))}):
 * credits drain, the template's alarms are evaluated and their events reach the functions, which
 * read the same clock through {@link DependencyFactory#clock()}.
 *
 * <p>Start one with {@link #builder()}; {@link #close()} stops it, keeping its data folder.
 */
public final class LocalCloud implements AutoCloseable {
    /** The local stack's name; resource names derive from it as they would on AWS. */
    public static final String STACK_NAME = "fleetpress-local";
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);

    private final Path dataDir;
    private final Template template;
    private final LocalS3 s3;
    private final LocalSsm ssm;
    private final LocalCodeBuild codeBuild;
    private final EventBus events;
    private final LocalLambda lambda;
    private final LocalHttpApi http;
    private final ExecutorService asyncInvocations;
    private final List<InvocationResult> asyncFailures = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger asyncPending = new java.util.concurrent.atomic.AtomicInteger();
    private final Instances instances;
    private final LocalDatabases databases;
    private final Map<String, String> instanceEnvironment;
    private final LocalSsmEndpoint ssmEndpoint;
    private final LocalAutoScaling autoScaling;
    private final LocalSqs sqs;
    private final LocalSns sns;
    private final LocalScheduler scheduler;
    private final SimulatedClock clock;
    private final LocalEfs efs;
    private final LocalCloudWatch cloudWatch;
    private final DependencyFactory dependencies;
    private final String webhookSecret;

    private LocalCloud(Builder b) {
        this.dataDir = createDirectories(b.dataDir);
        Map<String, String> parameters = new HashMap<>(b.parameters);
        parameters.putIfAbsent("SourceLocation", b.siteRepository.toString());
        b.fileSystems.forEach((environment, fs) -> parameters.put(fileSystemParameter(environment), fs.id()));
        this.template = Template.load(b.projectRoot.resolve("template.yaml"), StackContext.local(parameters));

        // The parts call each other in a circle (a function calls CodeBuild, whose events reach
        // EventBridge, which invokes functions); a late-bound reference closes the circle.
        AtomicReference<LocalCloud> self = new AtomicReference<>();
        // S3 notifications and schedules invoke functions asynchronously, as on AWS.
        this.asyncInvocations = Executors.newFixedThreadPool(4, daemon("localcloud-async-invoke"));
        this.s3 = LocalS3.start(dataDir.resolve("s3"), (target, json) -> self.get().submitAsync(target, json));
        this.ssm = LocalSsm.open(dataDir.resolve("ssm"));
        this.events = EventBus.builder((function, json) -> self.get().invokeForEventBridge(function, json))
                .functions(template.functions())
                .stack(template.context())
                .faults(b.faults)
                .build();
        ssm.publishChangeEvents(events::put);
        this.codeBuild = LocalCodeBuild.create(dataDir.resolve("codebuild"), s3.client(), events::put, projects(template, b.siteRepository));

        // The fleet: instances are sandbox folders; Run Command runs the template's documents in
        // them with bash, and their aws CLI reaches this S3 and (through a JSON-protocol endpoint) SSM.
        // Each instance gets the wp stand-in (wp-cli is not installable here); its databases are folders.
        this.databases = LocalDatabases.in(dataDir.resolve("databases"));
        this.instances = Instances.create(dataDir.resolve("instances"), Clock.systemUTC(), WpStandIn::installInto);
        this.ssmEndpoint = LocalSsmEndpoint.start(ssm);
        this.instanceEnvironment = Map.of(
                "FLEETPRESS_LOCAL_DATABASES", databases.folder().toString(),
                "AWS_ENDPOINT_URL_S3", s3.endpoint().toString(),
                "AWS_ENDPOINT_URL_SSM", ssmEndpoint.endpoint().toString(),
                "AWS_ACCESS_KEY_ID", s3.accessKeyId(),
                "AWS_SECRET_ACCESS_KEY", s3.secretAccessKey(),
                "AWS_DEFAULT_REGION", template.context().region());
        ssm.enableRunCommand(RunCommandConfig.of(instances, CommandDocument.fromTemplate(template), events::put,
                        instanceEnvironment)
                .withAgentRegistration(scaled(RunCommandConfig.DEFAULT_AGENT_REGISTRATION, b.timeScale)));
        this.autoScaling = LocalAutoScaling.create(instances, events::put, LocalAutoScaling.fromTemplate(template),
                b.autoScalingSettings);
        this.sqs = LocalSqs.fromTemplate(template, SqsSettings.realTime().withSecondLength(scaled(Duration.ofSeconds(1), b.timeScale)));
        this.sns = LocalSns.fromTemplate(template);

        // EFS and CloudWatch live in simulated time; the template's alarms watch the configured file systems.
        this.clock = SimulatedClock.at(b.simulatedStart != null ? b.simulatedStart : Instant.now().truncatedTo(ChronoUnit.MINUTES));
        MetricStore metrics = new MetricStore();
        String region = template.context().region();
        String account = template.context().accountId();
        this.efs = LocalEfs.create(dataDir.resolve("efs"), clock, metrics, region, account);
        this.cloudWatch = LocalCloudWatch.create(clock, metrics, region, account, events::put);
        cloudWatch.addSource(efs);
        template.alarms().forEach(cloudWatch::addAlarm);
        b.fileSystems.values().forEach(fs -> efs.create(fs.id(), fs.storedBytes(), ThroughputMode.BURSTING));

        this.dependencies = DependencyFactory.of(s3.client(), ssm, codeBuild, autoScaling, sqs, sns)
                .withEfs(efs).withCloudWatch(cloudWatch).withClock(clock);
        this.lambda = new LocalLambda(template.functions(), dependencies);
        self.set(this);
        this.scheduler = LocalScheduler.create(template, this::submitAsync,
                scaled(Duration.ofSeconds(1), b.timeScale));
        if (b.schedules) {
            scheduler.start();
        }
        b.simulatedSchedules.forEach((function, every) -> {
            if (scheduler.rules().stream().noneMatch(r -> r.functionLogicalId().equals(function))) {
                throw new IllegalArgumentException(function + " has no Schedule event in template.yaml to fire in simulated time");
            }
            cloudWatch.every(every, at -> scheduler.tick(function));
        });
        // A state change's event (and a simulated schedule) is handled before simulated time moves on.
        cloudWatch.onSettle(() -> {
            if (!awaitIdle(SETTLE_TIMEOUT)) {
                System.err.println("localcloud: functions were still busy " + SETTLE_TIMEOUT.toSeconds()
                        + " s after an alarm changed state; simulated time moves on");
            }
        });
        for (FunctionSpec f : template.functions()) {
            for (SqsTrigger trigger : f.sqsTriggers()) {
                sqs.attach(trigger.queueName(), trigger, json -> lambda.invoke(f.logicalId(), json).orThrow());
            }
        }

        for (var bucket : template.buckets()) {
            s3.createBucket(bucket.name());
        }
        configureNotifications();
        this.webhookSecret = ensureWebhookSecret();
        this.http = LocalHttpApi.start(template, lambda, b.httpPort);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Template template() {
        return template;
    }

    /** The webhook URL for {@code provider} (github, gitlab, bitbucket). */
    public URI webhookUrl(String provider) {
        return http.baseUrl().resolve("/webhook/" + URLEncoder.encode(provider, StandardCharsets.UTF_8));
    }

    /** The webhook secret kept in SSM as a SecureString, created once per data folder. */
    public String webhookSecret() {
        return webhookSecret;
    }

    public URI s3Endpoint() {
        return s3.endpoint();
    }

    public S3Client s3() {
        return s3.client();
    }

    public LocalS3 localS3() {
        return s3;
    }

    public LocalSsm ssm() {
        return ssm;
    }

    public LocalCodeBuild codeBuild() {
        return codeBuild;
    }

    public EventBus events() {
        return events;
    }

    public LocalLambda lambda() {
        return lambda;
    }

    public Instances instances() {
        return instances;
    }

    /**
     * What Run Command adds to the environment of every command on the instances (this stack's S3
     * and SSM endpoints, credentials and region, and {@code FLEETPRESS_LOCAL_DATABASES} for the
     * {@code wp} stand-in), besides PATH, HOME and the instance's own FLEETPRESS_INSTANCE_ROOT and
     * FLEETPRESS_INSTANCE_ID.
     */
    public Map<String, String> instanceEnvironment() {
        return instanceEnvironment;
    }

    /**
     * The WordPress database {@code name} on {@code host} (wp-config.php's DB_HOST and DB_NAME), created
     * empty if new, which the instances' {@code wp} stand-in uses: install WordPress in it, activate
     * plugins, inject an upgrade failure, read its history. See {@link LocalDatabase}.
     */
    public LocalDatabase database(String host, String name) {
        return databases.database(host, name);
    }

    public LocalAutoScaling autoScaling() {
        return autoScaling;
    }

    public LocalSqs sqs() {
        return sqs;
    }

    public LocalSns sns() {
        return sns;
    }

    /** The template's schedules; {@code tick(function)} fires one now. */
    public LocalScheduler scheduler() {
        return scheduler;
    }

    /**
     * EFS: file systems ({@code create}, {@code load}, {@code mount}, {@code failNext}) and the
     * {@code EfsClient} the functions use. Its credits move with {@link #cloudWatch()}'s clock.
     */
    public LocalEfs efs() {
        return efs;
    }

    /**
     * CloudWatch: the template's alarms, {@code advance(Duration)} for simulated time, {@code history}
     * of alarm state changes, {@code addAlarm} for an extra alarm to compare with, and the
     * {@code CloudWatchClient} the functions use.
     */
    public LocalCloudWatch cloudWatch() {
        return cloudWatch;
    }

    /** Simulated time: what functions read from {@link DependencyFactory#clock()}; moved by {@link LocalCloudWatch#advance}. */
    public SimulatedClock clock() {
        return clock;
    }

    /** Parameter Store over SSM's JSON protocol, for the aws CLI (instances, scripts). */
    public URI ssmEndpoint() {
        return ssmEndpoint.endpoint();
    }

    /** The clients the functions use here; the CLI's local mode uses the same. */
    public DependencyFactory dependencies() {
        return dependencies;
    }

    public String releaseBucket() {
        return template.outputs().get("ReleaseBucketName");
    }

    public String parameterPrefix() {
        return template.outputs().get("ParameterPrefix");
    }

    /** The environment {@code template.yaml} gives {@code functionLogicalId}, resolved for this stack. */
    public Map<String, String> environmentOf(String functionLogicalId) {
        return template.function(functionLogicalId).environment();
    }

    public Path dataDir() {
        return dataDir;
    }

    /**
     * Waits until no build runs, no event is queued or in flight and no S3 notification is being
     * delivered, twice in a row (one part's work can start another's). False on timeout.
     */
    public boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int quietRounds = 0;
        try {
            while (System.nanoTime() < deadline && quietRounds < 2) {
                Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
                codeBuild.awaitIdle(left);
                boolean quiet = events.awaitIdle(left) && sqs.awaitIdle(left) && lambda.awaitIdle(left) && asyncPending.get() == 0;
                quietRounds = quiet ? quietRounds + 1 : 0;
                if (quietRounds < 2) {
                    Thread.sleep(20);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return quietRounds >= 2;
    }

    @Override
    public void close() {
        closeQuietly(http);
        closeQuietly(scheduler);
        closeQuietly(autoScaling);
        closeQuietly(sqs);
        closeQuietly(codeBuild);
        closeQuietly(events);
        asyncInvocations.shutdown();
        try {
            asyncInvocations.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(lambda);
        closeQuietly(ssmEndpoint);
        closeQuietly(sns);
        closeQuietly(s3);
        ssm.close();
    }

    /** Deletes a folder tree (the demo's temporary data), ignoring what is already gone. */
    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    /** An asynchronous invocation by EventBridge: a function error is thrown so the bus retries it. */
    private void invokeForEventBridge(String function, String eventJson) throws Exception {
        InvocationResult result = lambda.invoke(function, eventJson);
        if (result.error() instanceof Exception e) {
            throw e;
        } else if (result.error() != null) {
            throw new IllegalStateException(function + " failed", result.error());
        }
    }

    private void submitAsync(String function, String eventJson) {
        asyncPending.incrementAndGet();
        asyncInvocations.execute(() -> {
            try {
                invokeAsync(function, eventJson);
            } finally {
                asyncPending.decrementAndGet();
            }
        });
    }

    /**
     * An asynchronous invocation (S3 notification, schedule): like Lambda, a function error is
     * retried twice with a growing pause, then kept in {@link #asyncFailures()} rather than dropped.
     */
    private void invokeAsync(String function, String eventJson) {
        for (int attempt = 1; ; attempt++) {
            InvocationResult result = lambda.invoke(function, eventJson);
            if (result.error() == null) {
                return;
            }
            if (attempt == 3) {
                asyncFailures.add(result);
                System.err.println("localcloud: " + function + " failed an asynchronous event 3 times, kept aside: " + result.error());
                return;
            }
            try {
                Thread.sleep(100L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                asyncFailures.add(result);
                return;
            }
        }
    }

    /** Asynchronous invocations that failed every attempt (Lambda would send them to a dead-letter target). */
    public List<InvocationResult> asyncFailures() {
        return List.copyOf(asyncFailures);
    }

    private void configureNotifications() {
        Map<String, List<NotificationRule>> byBucket = new LinkedHashMap<>();
        for (FunctionSpec f : template.functions()) {
            for (S3Trigger t : f.s3Triggers()) {
                byBucket.computeIfAbsent(t.bucketName(), k -> new ArrayList<>())
                        .add(new NotificationRule(f.logicalId() + "-" + t.eventName(), t.events(), t.prefix(), t.suffix(), f.logicalId()));
            }
        }
        byBucket.forEach(s3::setNotifications);
    }

    private String ensureWebhookSecret() {
        String name = template.ref("WebhookSecretParameterName");
        String fresh = HexFormat.of().formatHex(randomBytes());
        try {
            ssm.putParameter(r -> r.name(name).type(ParameterType.SECURE_STRING).value(fresh).overwrite(false)
                    .description("FleetPress webhook secret (localcloud)"));
            return fresh;
        } catch (ParameterAlreadyExistsException e) {
            return ssm.getParameter(r -> r.name(name).withDecryption(true)).parameter().value();
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static List<ProjectSpec> projects(Template template, Path siteRepository) {
        List<ProjectSpec> out = new ArrayList<>();
        for (CodeBuildProjectSpec p : template.codeBuildProjects()) {
            var a = p.artifacts();
            boolean s3Artifacts = "S3".equals(a.type());
            out.add(new ProjectSpec(p.name(), p.buildSpec(), siteRepository,
                    s3Artifacts ? a.location() : null, a.path(), a.name(), a.overrideArtifactName(),
                    (int) Math.max(5, p.timeout().toMinutes())));
        }
        return out;
    }

    /** {@code production} → ProductionFileSystemId, the template parameter naming an environment's file system. */
    private static String fileSystemParameter(String environment) {
        return Character.toUpperCase(environment.charAt(0)) + environment.substring(1) + "FileSystemId";
    }

    private static Duration scaled(Duration d, double scale) {
        return Duration.ofNanos(Math.max(1_000_000L, (long) (d.toNanos() * scale)));
    }

    private static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir).toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data folder " + dir, e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            System.err.println("localcloud: closing " + c.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Options for a local cloud; {@link #build()} starts it. */
    public static final class Builder {
        private Path projectRoot;
        private Path dataDir;
        private Path siteRepository;
        private int httpPort;
        private FaultPlan faults = FaultPlan.none();
        private double timeScale = 1.0;
        private boolean schedules = true;
        private dev.fleetpress.localcloud.autoscaling.Settings autoScalingSettings = dev.fleetpress.localcloud.autoscaling.Settings.defaults();
        private final Map<String, String> parameters = new HashMap<>();
        private final Map<String, FileSystemOption> fileSystems = new LinkedHashMap<>();
        private final Map<String, Duration> simulatedSchedules = new LinkedHashMap<>();
        private Instant simulatedStart;

        private record FileSystemOption(String id, long storedBytes) {
        }

        /** The FleetPress repository root (template.yaml lives there). */
        public Builder projectRoot(Path projectRoot) {
            this.projectRoot = projectRoot;
            return this;
        }

        /** Where S3 objects, parameters and build workspaces live. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** The site's git repository (a path git can clone), CodeBuild's source. */
        public Builder siteRepository(Path siteRepository) {
            this.siteRepository = siteRepository;
            return this;
        }

        /** The HTTP API's port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder httpPort(int httpPort) {
            this.httpPort = httpPort;
            return this;
        }

        /** Drops, duplicates and delays of best-effort event sources (tests use this). */
        public Builder faults(FaultPlan faults) {
            this.faults = Objects.requireNonNull(faults, "faults");
            return this;
        }

        /**
         * How long a second of the emulated services' own timers lasts here (SQS delays and
         * visibility, SSM agent registration): 1.0 is real time; the demo and tests use less.
         */
        public Builder timeScale(double timeScale) {
            if (!(timeScale > 0) || timeScale > 1) {
                throw new IllegalArgumentException("timeScale must be in (0, 1], got " + timeScale);
            }
            this.timeScale = timeScale;
            return this;
        }

        /** Auto Scaling's knobs (heartbeat timeout override, transition delays, max size). */
        public Builder autoScaling(dev.fleetpress.localcloud.autoscaling.Settings settings) {
            this.autoScalingSettings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** Whether the template's schedules fire on their own (default true); tests may tick them by hand instead. */
        public Builder schedules(boolean run) {
            this.schedules = run;
            return this;
        }

        /** Overrides a template parameter. */
        public Builder parameter(String name, String value) {
            parameters.put(name, value);
            return this;
        }

        /**
         * Where simulated time starts (EFS, CloudWatch alarms, the functions' clock); default: now,
         * to the minute. Tests pass a fixed instant for repeatable times.
         */
        public Builder simulatedStart(Instant start) {
            this.simulatedStart = Objects.requireNonNull(start, "start");
            return this;
        }

        /**
         * An EFS file system for {@code environment} (production or staging): sets the template's
         * {@code <Environment>FileSystemId} parameter, so its credit alarm exists, and creates the file
         * system in bursting mode storing {@code storedBytes}, with full credits.
         */
        public Builder fileSystem(String environment, String fileSystemId, long storedBytes) {
            if (!environment.equals("production") && !environment.equals("staging")) {
                throw new IllegalArgumentException("file systems are configured for production or staging, not " + environment);
            }
            fileSystems.put(environment, new FileSystemOption(Objects.requireNonNull(fileSystemId, "fileSystemId"), storedBytes));
            return this;
        }

        /**
         * Fires {@code functionLogicalId}'s schedule every {@code every} of simulated time as
         * {@link LocalCloudWatch#advance} passes it (for example EfsFunction every 5 minutes), besides
         * any real-time firing that {@link #schedules(boolean)} leaves on.
         */
        public Builder simulatedSchedule(String functionLogicalId, Duration every) {
            simulatedSchedules.put(Objects.requireNonNull(functionLogicalId, "functionLogicalId"), Objects.requireNonNull(every, "every"));
            return this;
        }

        public LocalCloud build() {
            Objects.requireNonNull(projectRoot, "projectRoot");
            Objects.requireNonNull(dataDir, "dataDir");
            Objects.requireNonNull(siteRepository, "siteRepository");
            return new LocalCloud(this);
        }
    }
}

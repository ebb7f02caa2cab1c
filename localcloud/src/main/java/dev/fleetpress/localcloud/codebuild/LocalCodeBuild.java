package dev.fleetpress.localcloud.codebuild;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.services.codebuild.CodeBuildClient;
import software.amazon.awssdk.services.codebuild.model.BatchGetBuildsRequest;
import software.amazon.awssdk.services.codebuild.model.BatchGetBuildsResponse;
import software.amazon.awssdk.services.codebuild.model.Build;
import software.amazon.awssdk.services.codebuild.model.EnvironmentVariable;
import software.amazon.awssdk.services.codebuild.model.EnvironmentVariableType;
import software.amazon.awssdk.services.codebuild.model.StartBuildRequest;
import software.amazon.awssdk.services.codebuild.model.StartBuildResponse;
import software.amazon.awssdk.services.codebuild.model.StopBuildRequest;
import software.amazon.awssdk.services.codebuild.model.StopBuildResponse;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * CodeBuild for one machine, behind the SDK's own {@link CodeBuildClient} interface so FleetPress's
 * production adapters run against it unchanged. Builds run the project's buildspec with the host's
 * {@code bash}, {@code git} and tools (there is no container), upload artifacts through the given
 * {@link S3Client}, and report {@code CodeBuild Build State Change} events (IN_PROGRESS, then the
 * final status) as EventBridge JSON to the event sink.
 *
 * <p>Implemented: {@code StartBuild} ({@code projectName}, {@code sourceVersion} (required here:
 * the commit), {@code environmentVariablesOverride} (PLAINTEXT), {@code idempotencyToken} (5
 * minutes), {@code timeoutInMinutesOverride}; any other field is refused with
 * {@code InvalidInputException} rather than ignored), {@code BatchGetBuilds} and {@code StopBuild}.
 * Every other operation is the SDK's default, which throws {@link UnsupportedOperationException}.
 * See {@link BuildRun} for how a build runs and {@link BuildSpec} for the buildspec subset.
 *
 * <p>Each build lives in {@code workDir/<build-uuid>/}: the checkout in {@code src/} and the
 * build's output in {@code build.log}, whose {@code file:} URI is the build's log deep link.
 */
public final class LocalCodeBuild implements CodeBuildClient {
    private static final Duration TOKEN_LIFETIME = Duration.ofMinutes(5);
    private static final int MAX_TOKEN_LENGTH = 64;
    private static final int CONCURRENT_BUILDS = 4;
    /** A commit, branch or tag; never something git would read as an option. */
    private static final Pattern SOURCE_VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/^~-]{0,254}");
    private static final Set<String> SUPPORTED_FIELDS = Set.of("projectName", "sourceVersion",
            "environmentVariablesOverride", "idempotencyToken", "timeoutInMinutesOverride");

    private final Path workDir;
    private final S3Client s3;
    private final Consumer<String> eventSink;
    private final Map<String, ProjectSpec> projects = new LinkedHashMap<>();
    private final Map<String, AtomicLong> buildNumbers = new HashMap<>();
    private final Map<String, BuildRun> builds = new ConcurrentHashMap<>();
    private final Map<String, TokenUse> tokens = new HashMap<>();
    private final ExecutorService executor;
    private final Clock clock;
    private int running;
    private boolean closed;

    private record TokenUse(StartBuildRequest request, String buildId, Instant at) {
    }

    private LocalCodeBuild(Path workDir, S3Client s3, Consumer<String> eventSink, List<ProjectSpec> projects, Clock clock) {
        try {
            this.workDir = Files.createDirectories(workDir).toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the CodeBuild work folder " + workDir, e);
        }
        this.s3 = s3;
        this.eventSink = eventSink;
        this.clock = clock;
        for (ProjectSpec p : projects) {
            if (this.projects.putIfAbsent(p.name(), p) != null) {
                throw new IllegalArgumentException("project " + p.name() + " is defined twice");
            }
            buildNumbers.put(p.name(), new AtomicLong());
        }
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(CONCURRENT_BUILDS, r -> {
            Thread t = new Thread(r, "localcloud-codebuild-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A CodeBuild that keeps builds under {@code workDir}, uploads artifacts with {@code s3} and
     * hands each state change event (EventBridge JSON) to {@code eventSink} on the build's thread.
     */
    public static LocalCodeBuild create(Path workDir, S3Client s3, Consumer<String> eventSink, List<ProjectSpec> projects) {
        return new LocalCodeBuild(workDir, s3, eventSink, projects, Clock.systemUTC());
    }

    static LocalCodeBuild create(Path workDir, S3Client s3, Consumer<String> eventSink, List<ProjectSpec> projects,
            Clock clock) {
        return new LocalCodeBuild(workDir, s3, eventSink, projects, clock);
    }

    @Override
    public StartBuildResponse startBuild(StartBuildRequest request) {
        return startBuild(request, null);
    }

    /**
     * {@link #startBuild(StartBuildRequest)} with the build's timeout given directly (localcloud
     * only, so tests can time a build out in seconds); null keeps the project's or the request's.
     */
    public StartBuildResponse startBuild(StartBuildRequest request, Duration timeout) {
        refuseUnsupportedFields(request);
        ProjectSpec project = projects.get(request.projectName());
        if (project == null) {
            throw CodeBuildErrors.notFound("Project cannot be found: arn:aws:codebuild:" + BuildSnapshot.REGION + ":"
                    + BuildSnapshot.ACCOUNT + ":project/" + request.projectName());
        }
        String sourceVersion = request.sourceVersion();
        if (sourceVersion == null || !SOURCE_VERSION.matcher(sourceVersion).matches()) {
            throw CodeBuildErrors.invalidInput("sourceVersion " + (sourceVersion == null ? "is missing" : "'" + sourceVersion
                    + "' is invalid") + "; localcloud needs the commit id (or a branch or tag) to check out");
        }
        List<EnvironmentVariable> overrides = validOverrides(request.environmentVariablesOverride());
        int minutes = project.timeoutMinutes();
        if (request.timeoutInMinutesOverride() != null) {
            minutes = request.timeoutInMinutesOverride();
            if (minutes < 5 || minutes > 480) {
                throw CodeBuildErrors.invalidInput("1 validation error detected: Value '" + minutes
                        + "' at 'timeoutInMinutesOverride' failed to satisfy constraint: Member must have value between 5 and 480");
            }
        }
        String token = request.idempotencyToken();
        if (token != null && (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH)) {
            throw CodeBuildErrors.invalidInput("idempotencyToken must be 1-" + MAX_TOKEN_LENGTH + " characters");
        }
        StartBuildRequest fingerprint = request.toBuilder().idempotencyToken(null).build();
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("LocalCodeBuild is closed");
            }
            if (token != null) {
                Instant now = clock.instant();
                tokens.values().removeIf(u -> u.at().plus(TOKEN_LIFETIME).isBefore(now));
                TokenUse used = tokens.get(token);
                if (used != null) {
                    if (!used.request().equals(fingerprint)) {
                        throw CodeBuildErrors.invalidInput("idempotencyToken " + token
                                + " was already used with different StartBuild parameters in the last 5 minutes");
                    }
                    return StartBuildResponse.builder().build(builds.get(used.buildId()).snapshot().toSdk()).build();
                }
            }
            String uuid = UUID.randomUUID().toString();
            long number = buildNumbers.get(project.name()).incrementAndGet();
            BuildRun run = new BuildRun(uuid, project, number, sourceVersion, overrides,
                    timeout != null ? timeout : Duration.ofMinutes(minutes), minutes, workDir, s3, eventSink, clock,
                    this::finished);
            String id = run.snapshot().id();
            builds.put(id, run);
            if (token != null) {
                tokens.put(token, new TokenUse(fingerprint, id, clock.instant()));
            }
            running++;
            executor.execute(run);
            return StartBuildResponse.builder().build(run.snapshot().toSdk()).build();
        }
    }

    @Override
    public BatchGetBuildsResponse batchGetBuilds(BatchGetBuildsRequest request) {
        List<String> ids = request.ids();
        if (ids.isEmpty() || ids.size() > 100) {
            throw CodeBuildErrors.invalidInput("1 validation error detected: Value at 'ids' failed to satisfy constraint: "
                    + "Member must have length less than or equal to 100 and greater than or equal to 1");
        }
        List<Build> found = new ArrayList<>();
        List<String> notFound = new ArrayList<>();
        for (String id : ids) {
            BuildRun run = builds.get(buildIdOf(id));
            if (run == null) {
                notFound.add(id);
            } else {
                found.add(run.snapshot().toSdk());
            }
        }
        return BatchGetBuildsResponse.builder().builds(found).buildsNotFound(notFound).build();
    }

    @Override
    public StopBuildResponse stopBuild(StopBuildRequest request) {
        BuildRun run = request.id() == null ? null : builds.get(buildIdOf(request.id()));
        if (run == null) {
            throw CodeBuildErrors.notFound("Build " + request.id() + " cannot be found");
        }
        run.stop();
        return StopBuildResponse.builder().build(run.snapshot().toSdk()).build();
    }

    /**
     * Waits until no build is running (for tests and an orderly shutdown); throws
     * {@link IllegalStateException} naming the builds still running after {@code timeout}.
     */
    public void awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (running > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    List<String> busy = builds.values().stream().map(BuildRun::snapshot).filter(s -> !s.complete())
                            .map(BuildSnapshot::id).toList();
                    throw new IllegalStateException("builds still running after " + timeout + ": " + busy);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for builds to finish", e);
                }
            }
        }
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    /** Stops running builds (they end STOPPED and report it) and waits briefly for them; the S3 client stays open. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        builds.values().forEach(BuildRun::stop);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void finished() {
        running--;
        notifyAll();
    }

    /** Accepts a build id or its ARN, as CodeBuild does. */
    private static String buildIdOf(String idOrArn) {
        int slash = idOrArn.startsWith("arn:") ? idOrArn.indexOf(":build/") : -1;
        return slash < 0 ? idOrArn : idOrArn.substring(slash + ":build/".length());
    }

    private static List<EnvironmentVariable> validOverrides(List<EnvironmentVariable> overrides) {
        List<EnvironmentVariable> valid = new ArrayList<>();
        for (EnvironmentVariable v : overrides) {
            if (v.name() == null || v.name().isEmpty() || v.value() == null) {
                throw CodeBuildErrors.invalidInput("every environment variable override needs a name and a value");
            }
            if (v.name().startsWith("CODEBUILD_")) {
                throw CodeBuildErrors.invalidInput("Invalid environment variable name " + v.name()
                        + ": the CODEBUILD_ prefix is reserved");
            }
            if (v.type() != null && v.type() != EnvironmentVariableType.PLAINTEXT) {
                throw CodeBuildErrors.invalidInput("environment variable " + v.name() + " has type " + v.typeAsString()
                        + "; localcloud supports PLAINTEXT only");
            }
            valid.add(v.toBuilder().type(EnvironmentVariableType.PLAINTEXT).build());
        }
        return valid;
    }

    private static void refuseUnsupportedFields(StartBuildRequest request) {
        for (SdkField<?> field : request.sdkFields()) {
            Object value = field.getValueOrDefault(request);
            boolean set = value != null && !(value instanceof Collection<?> c && c.isEmpty())
                    && !(value instanceof Map<?, ?> m && m.isEmpty());
            if (set && !SUPPORTED_FIELDS.contains(field.memberName())) {
                throw CodeBuildErrors.invalidInput("StartBuild " + field.memberName() + " is not supported by localcloud; "
                        + "supported: " + SUPPORTED_FIELDS);
            }
        }
    }
}

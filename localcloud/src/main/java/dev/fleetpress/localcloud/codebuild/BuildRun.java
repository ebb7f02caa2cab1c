package dev.fleetpress.localcloud.codebuild;

import dev.fleetpress.localcloud.codebuild.Artifacts.ArtifactException;
import dev.fleetpress.localcloud.codebuild.Artifacts.ArtifactFile;
import dev.fleetpress.localcloud.codebuild.BuildSpec.BuildSpecException;
import dev.fleetpress.localcloud.codebuild.PhaseResult.PhaseOutcome;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.codebuild.model.BuildPhaseType;
import software.amazon.awssdk.services.codebuild.model.EnvironmentVariable;
import software.amazon.awssdk.services.codebuild.model.StatusType;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Runs one build through CodeBuild's phases on this machine and reports it.
 *
 * <p>Phase transitions follow CodeBuild: a failure in DOWNLOAD_SOURCE, INSTALL or PRE_BUILD goes
 * straight to FINALIZING (unless the phase says {@code on-failure: CONTINUE}); a failed BUILD still
 * runs POST_BUILD, and UPLOAD_ARTIFACTS is attempted after POST_BUILD whatever BUILD did; the build
 * keeps the first failure as its status. A stop or the timeout kills the running command's whole
 * process tree and ends the build STOPPED or TIMED_OUT.
 *
 * <p>Each command runs in its own {@code bash} in the checkout; as in CodeBuild, exported variables
 * and the working directory carry over to the next command, shell functions and options do not.
 * The environment starts clean (no host variables but {@code HOME} and {@code PATH}), so host
 * credentials never reach a build.
 */
final class BuildRun implements Runnable {
    private static final DateTimeFormatter LOG_TIME =
            DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);
    /** Set by bash itself for every process; carrying them over would only confuse the next one. */
    private static final Set<String> SHELL_OWNED = Set.of("_", "SHLVL", "PWD", "OLDPWD");

    private final String uuid;
    private final ProjectSpec project;
    private final long buildNumber;
    private final String sourceVersion;
    private final List<EnvironmentVariable> overrides;
    private final Duration timeout;
    private final int timeoutMinutes;
    private final Instant startTime;
    private final Path buildDir;
    private final Path srcDir;
    private final Path stateDir;
    private final Path logFile;
    private final S3Client s3;
    private final Consumer<String> events;
    private final Clock clock;
    private final Runnable onDone;

    private StatusType status = StatusType.IN_PROGRESS;
    private final List<PhaseResult> phases = new ArrayList<>();
    private String resolvedSourceVersion;
    private String artifactName;
    private Instant endTime;
    private boolean complete;
    private StatusType interruption;
    private Process current;
    private final List<ProcessHandle> killed = new ArrayList<>();

    // Touched only by the thread running the build.
    private BuildSpec spec;
    private Map<String, String> env;
    private Path cwd;
    private int commandCount;

    BuildRun(String uuid, ProjectSpec project, long buildNumber, String sourceVersion, List<EnvironmentVariable> overrides,
            Duration timeout, int timeoutMinutes, Path workDir, S3Client s3, Consumer<String> events, Clock clock,
            Runnable onDone) {
        this.uuid = uuid;
        this.project = project;
        this.buildNumber = buildNumber;
        this.sourceVersion = sourceVersion;
        this.overrides = List.copyOf(overrides);
        this.timeout = timeout;
        this.timeoutMinutes = timeoutMinutes;
        this.startTime = clock.instant();
        this.buildDir = workDir.resolve(uuid);
        this.srcDir = buildDir.resolve("src");
        this.stateDir = buildDir.resolve("state");
        this.logFile = buildDir.resolve("build.log");
        this.s3 = s3;
        this.events = events;
        this.clock = clock;
        this.onDone = onDone;
    }

    synchronized BuildSnapshot snapshot() {
        return new BuildSnapshot(uuid, project, buildNumber, sourceVersion, resolvedSourceVersion, overrides,
                timeoutMinutes, startTime, endTime, status, List.copyOf(phases), complete, artifactName, logFile);
    }

    /** Asks the build to stop; the running command's process tree is killed at once. */
    synchronized void stop() {
        if (!complete && interruption == null) {
            interruption = StatusType.STOPPED;
            if (current != null) {
                killTree(current);
            }
        }
    }

    @Override
    public void run() {
        try {
            publish();
            runPhases();
        } finally {
            synchronized (this) {
                if (status == StatusType.IN_PROGRESS) {
                    status = StatusType.SUCCEEDED;
                }
                endTime = clock.instant();
                complete = true;
            }
            publish();
            onDone.run();
        }
    }

    private void runPhases() {
        instantPhase(BuildPhaseType.SUBMITTED);
        instantPhase(BuildPhaseType.QUEUED);
        PhaseOutcome o = phase(BuildPhaseType.PROVISIONING, this::provision);
        if (o.status() == StatusType.SUCCEEDED) {
            o = phase(BuildPhaseType.DOWNLOAD_SOURCE, this::downloadSource);
        }
        if (o.status() == StatusType.SUCCEEDED) {
            o = commands(BuildPhaseType.INSTALL);
            if (proceeds(o, BuildPhaseType.INSTALL)) {
                o = commands(BuildPhaseType.PRE_BUILD);
            }
            if (proceeds(o, BuildPhaseType.PRE_BUILD)) {
                o = commands(BuildPhaseType.BUILD);
                if (ranToEnd(o)) {
                    env.put("CODEBUILD_BUILD_SUCCEEDING", snapshot().status() == StatusType.IN_PROGRESS ? "1" : "0");
                    o = commands(BuildPhaseType.POST_BUILD);
                    if (ranToEnd(o)) {
                        phase(BuildPhaseType.UPLOAD_ARTIFACTS, this::upload);
                    }
                }
            }
        }
        phase(BuildPhaseType.FINALIZING, () -> PhaseOutcome.SUCCEEDED);
        synchronized (this) {
            phases.add(PhaseResult.started(BuildPhaseType.COMPLETED, clock.instant()));
        }
    }

    private boolean proceeds(PhaseOutcome o, BuildPhaseType type) {
        return o.status() == StatusType.SUCCEEDED
                || (o.status() == StatusType.FAILED && spec.phase(type).continueOnFailure());
    }

    private static boolean ranToEnd(PhaseOutcome o) {
        return o.status() == StatusType.SUCCEEDED || o.status() == StatusType.FAILED;
    }

    private interface PhaseBody {
        PhaseOutcome run() throws Interrupted;
    }

    private void instantPhase(BuildPhaseType type) {
        Instant now = clock.instant();
        synchronized (this) {
            phases.add(PhaseResult.started(type, now).finish(now, PhaseOutcome.SUCCEEDED));
        }
    }

    private PhaseOutcome phase(BuildPhaseType type, PhaseBody body) {
        int index;
        synchronized (this) {
            phases.add(PhaseResult.started(type, clock.instant()));
            index = phases.size() - 1;
        }
        log("Entering phase " + type);
        PhaseOutcome outcome;
        try {
            if (type != BuildPhaseType.FINALIZING) {
                checkInterruption();
            }
            outcome = body.run();
        } catch (Interrupted i) {
            outcome = i.outcome;
        } catch (RuntimeException e) {
            // A fault of the emulator or the machine, not of the build's commands: CodeBuild's FAULT.
            outcome = new PhaseOutcome(StatusType.FAULT, "INTERNAL_ERROR", String.valueOf(e.getMessage()));
        }
        synchronized (this) {
            phases.set(index, phases.get(index).finish(clock.instant(), outcome));
            StatusType s = outcome.status();
            if (s == StatusType.STOPPED || s == StatusType.TIMED_OUT
                    || (s != StatusType.SUCCEEDED && status == StatusType.IN_PROGRESS)) {
                status = s;
            }
        }
        log("Phase complete: " + type + " State: " + outcome.status());
        log("Phase context status code: " + outcome.code() + " Message: " + outcome.message());
        return outcome;
    }

    private PhaseOutcome provision() {
        try {
            Files.createDirectories(stateDir);
            Files.writeString(logFile, "", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return PhaseOutcome.SUCCEEDED;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the build folder " + buildDir, e);
        }
    }

    private PhaseOutcome downloadSource() throws Interrupted {
        Map<String, String> gitEnv = hostEnv();
        gitEnv.put("GIT_TERMINAL_PROMPT", "0");
        String repository = project.sourceRepository().toString();
        int rc = exec(List.of("git", "clone", "--quiet", "--no-hardlinks", repository, srcDir.toString()), buildDir, gitEnv,
                ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        if (rc != 0) {
            return PhaseOutcome.failed("CLIENT_ERROR", "repository not found for primary source: git clone of "
                    + repository + " exited with status " + rc);
        }
        rc = exec(List.of("git", "-c", "advice.detachedHead=false", "checkout", "--quiet", sourceVersion), srcDir, gitEnv,
                ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        if (rc != 0) {
            return PhaseOutcome.failed("CLIENT_ERROR", "reference not found for primary source and source version "
                    + sourceVersion);
        }
        Path head = stateDir.resolve("head");
        if (exec(List.of("git", "rev-parse", "HEAD"), srcDir, gitEnv, ProcessBuilder.Redirect.to(head.toFile())) != 0) {
            return PhaseOutcome.failed("CLIENT_ERROR", "cannot resolve the commit of source version " + sourceVersion);
        }
        String resolved = read(head).trim();
        synchronized (this) {
            resolvedSourceVersion = resolved;
        }
        try {
            spec = BuildSpec.parse(project.buildSpecYaml());
        } catch (BuildSpecException e) {
            return failedWith(e.getMessage());
        }
        env = startingEnv(resolved);
        cwd = srcDir;
        return PhaseOutcome.SUCCEEDED;
    }

    private Map<String, String> startingEnv(String resolved) {
        Map<String, String> e = hostEnv();
        e.putAll(spec.variables());
        overrides.forEach(v -> e.put(v.name(), v.value()));
        e.put("CODEBUILD_SRC_DIR", srcDir.toString());
        e.put("CODEBUILD_BUILD_ID", snapshot().id());
        e.put("CODEBUILD_BUILD_ARN", snapshot().arn());
        e.put("CODEBUILD_BUILD_NUMBER", Long.toString(buildNumber));
        e.put("CODEBUILD_BUILD_IMAGE", BuildSnapshot.IMAGE);
        e.put("CODEBUILD_BUILD_SUCCEEDING", "1");
        e.put("CODEBUILD_INITIATOR", BuildSnapshot.INITIATOR);
        e.put("CODEBUILD_RESOLVED_SOURCE_VERSION", resolved);
        e.put("CODEBUILD_SOURCE_VERSION", sourceVersion);
        e.put("CODEBUILD_SOURCE_REPO_URL", project.sourceRepository().toString());
        e.put("CODEBUILD_START_TIME", Long.toString(startTime.toEpochMilli()));
        e.put("CODEBUILD_LOG_PATH", uuid);
        e.put("AWS_REGION", BuildSnapshot.REGION);
        e.put("AWS_DEFAULT_REGION", BuildSnapshot.REGION);
        return e;
    }

    private static Map<String, String> hostEnv() {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("HOME", System.getProperty("user.home"));
        String path = System.getenv("PATH");
        e.put("PATH", path != null ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        return e;
    }

    private PhaseOutcome commands(BuildPhaseType type) {
        BuildSpec.PhaseSpec p = spec.phase(type);
        return phase(type, () -> {
            PhaseOutcome outcome = PhaseOutcome.SUCCEEDED;
            for (String command : p.commands()) {
                outcome = shell(command);
                if (outcome.status() != StatusType.SUCCEEDED) {
                    break;
                }
            }
            for (String command : p.finallyCommands()) {
                PhaseOutcome f = shell(command);
                if (f.status() != StatusType.SUCCEEDED) {
                    outcome = outcome.status() == StatusType.SUCCEEDED ? f : outcome;
                    break;
                }
            }
            return outcome;
        });
    }

    /** Runs one buildspec command in its own bash, carrying exported variables and the directory over. */
    private PhaseOutcome shell(String command) throws Interrupted {
        int n = ++commandCount;
        Path script = stateDir.resolve("command-" + n + ".sh");
        Path envOut = stateDir.resolve("env-" + n);
        Path cwdOut = stateDir.resolve("cwd-" + n);
        String save = "__fleetpress_save() { __fleetpress_rc=$?; env -0 > " + quote(envOut) + "; pwd > " + quote(cwdOut)
                + "; exit \"$__fleetpress_rc\"; }\ntrap __fleetpress_save EXIT\n";
        try {
            Files.writeString(script, save + command + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + script, e);
        }
        log("Running command " + command);
        int rc = exec(List.of("bash", script.toString()), cwd, env, ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        carryOver(envOut, cwdOut);
        if (rc == 0) {
            return PhaseOutcome.SUCCEEDED;
        }
        log("Command did not exit successfully " + command + " exit status " + rc);
        return PhaseOutcome.failed("COMMAND_EXECUTION_ERROR",
                "Error while executing command: " + command + ". Reason: exit status " + rc);
    }

    private void carryOver(Path envOut, Path cwdOut) {
        if (!Files.exists(envOut) || !Files.exists(cwdOut)) {
            return; // the command replaced the EXIT trap or was killed: keep the previous state
        }
        Map<String, String> next = new LinkedHashMap<>();
        for (String entry : read(envOut).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0 && !SHELL_OWNED.contains(entry.substring(0, eq))) {
                next.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        env = next;
        String dir = read(cwdOut).strip();
        if (!dir.isEmpty() && Files.isDirectory(Path.of(dir))) {
            cwd = Path.of(dir);
        }
    }

    private PhaseOutcome upload() {
        if (project.artifactBucket() == null) {
            return PhaseOutcome.SUCCEEDED;
        }
        String name = project.overrideArtifactName() && spec.artifacts().name() != null
                ? Artifacts.expand(spec.artifacts().name(), env) : project.artifactName();
        if (name.isBlank() || name.startsWith("/") || name.contains("..")) {
            return PhaseOutcome.failed("CLIENT_ERROR", "invalid artifact name '" + name + "' (from '"
                    + spec.artifacts().name() + "'); is its variable set?");
        }
        synchronized (this) {
            artifactName = name;
        }
        List<ArtifactFile> files;
        try {
            files = Artifacts.select(srcDir, spec.artifacts());
        } catch (ArtifactException e) {
            return failedWith(e.getMessage());
        }
        String prefix = (project.artifactPath().isEmpty() ? "" : project.artifactPath() + "/") + name + "/";
        log("Uploading " + files.size() + " artifact file(s) to s3://" + project.artifactBucket() + "/" + prefix);
        for (ArtifactFile f : files) {
            try {
                s3.putObject(b -> b.bucket(project.artifactBucket()).key(prefix + f.relativeKey()),
                        RequestBody.fromFile(f.file()));
            } catch (SdkException e) {
                return PhaseOutcome.failed("CLIENT_ERROR", "upload of " + f.relativeKey() + " to s3://"
                        + project.artifactBucket() + "/" + prefix + " failed: " + e.getMessage());
            }
        }
        return PhaseOutcome.SUCCEEDED;
    }

    private int exec(List<String> argv, Path dir, Map<String, String> environment, ProcessBuilder.Redirect output)
            throws Interrupted {
        ProcessBuilder builder = new ProcessBuilder(argv).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(output)
                .redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process;
        synchronized (this) {
            checkInterruption();
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + argv.get(0) + ": " + e.getMessage(), e);
            }
            current = process;
        }
        try {
            long remaining = Duration.between(clock.instant(), startTime.plus(timeout)).toNanos();
            if (!process.waitFor(Math.max(0, remaining), TimeUnit.NANOSECONDS)) {
                synchronized (this) {
                    if (interruption == null) {
                        interruption = StatusType.TIMED_OUT;
                    }
                }
                killTree(process);
                process.waitFor();
            }
        } catch (InterruptedException e) {
            // The emulator is shutting down: end the build as a stop would.
            Thread.currentThread().interrupt();
            synchronized (this) {
                interruption = interruption == null ? StatusType.STOPPED : interruption;
            }
            killTree(process);
        }
        awaitKilled();
        synchronized (this) {
            current = null;
            checkInterruption();
        }
        return process.exitValue();
    }

    private synchronized void checkInterruption() throws Interrupted {
        if (interruption == StatusType.TIMED_OUT) {
            throw new Interrupted(new PhaseOutcome(StatusType.TIMED_OUT, "BUILD_TIMED_OUT", "Build has timed out. "));
        }
        if (interruption == StatusType.STOPPED) {
            throw new Interrupted(new PhaseOutcome(StatusType.STOPPED, "", ""));
        }
    }

    /** Kills a process and everything it started; the descendants are listed first, while they are still its. */
    private synchronized void killTree(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        killed.addAll(descendants);
    }

    /** Waits (bounded) for killed processes to be gone, so a build reported over leaves nothing running. */
    private void awaitKilled() {
        List<ProcessHandle> handles;
        synchronized (this) {
            handles = List.copyOf(killed);
            killed.clear();
        }
        for (ProcessHandle h : handles) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                log("Process " + h.pid() + " did not exit after being killed: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void publish() {
        try {
            events.accept(BuildEvents.stateChange(snapshot(), clock.instant()));
        } catch (RuntimeException e) {
            // Like EventBridge delivery, best effort: a failing consumer must not change the build.
            log("Could not deliver the build state change event: " + e);
        }
    }

    private void log(String line) {
        try {
            Files.createDirectories(buildDir);
            Files.writeString(logFile, "[Container] " + LOG_TIME.format(clock.instant()) + " " + line + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the build log " + logFile, e);
        }
    }

    private static PhaseOutcome failedWith(String codeAndMessage) {
        int sep = codeAndMessage.indexOf(": ");
        return sep < 0 ? PhaseOutcome.failed("CLIENT_ERROR", codeAndMessage)
                : PhaseOutcome.failed(codeAndMessage.substring(0, sep), codeAndMessage.substring(sep + 2));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static String quote(Path path) {
        return "'" + path.toString().replace("'", "'\\''") + "'";
    }

    /** The build was stopped or timed out while a phase ran. */
    private static final class Interrupted extends Exception {
        private final transient PhaseOutcome outcome;

        Interrupted(PhaseOutcome outcome) {
            super(outcome.message(), null, false, false);
            this.outcome = outcome;
        }
    }
}

package dev.fleetpress.cli.bench;

import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.GitHubPush;
import dev.fleetpress.localcloud.LocalCloud;
import dev.fleetpress.localcloud.LocalGit;
import dev.fleetpress.localcloud.autoscaling.InstanceView;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;
import software.amazon.awssdk.services.codebuild.model.Build;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * The FleetPress variant, for real on localcloud: a release built by buildspec.yml and promoted
 * through the signed webhook, then one launch into the production group per round, timed from the
 * moment the instance enters {@code Pending:Wait} (when Auto Scaling emits its launch lifecycle
 * event) to the moment it is {@code InService} (FleetFunction completed the action with CONTINUE).
 */
final class FleetPressLaunch {
    static final String GROUP = "fleetpress-production";
    private static final Duration LIMIT = Duration.ofMinutes(5);
    // Far below the seconds a bootstrap takes, so the polled moments are as good as the events'.
    private static final long POLL_NANOS = Duration.ofMillis(1).toNanos();

    /**
     * One launch: event → CONTINUE, and its parts: event → SendCommand accepted (FleetFunction, and
     * its retries while the instance's SSM agent is not registered), SendCommand → script start
     * (the agent picking the command up), the bootstrap script's run time as SSM reports it, and
     * script end → CONTINUE (status event, FleetFunction, CompleteLifecycleAction, InService).
     */
    record Launch(String instanceId, double eventToContinueMs, double eventToSendMs, double sendToStartMs, double scriptMs,
                  double endToContinueMs) {
        double orchestrationMs() {
            return eventToContinueMs - scriptMs;
        }
    }

    /** The bootstrap command's moments as SSM reports them. */
    private record Command(Instant requested, Instant start, Instant end) {
    }

    /** The bootstrap's instance step replayed outside the script: both downloads, then everything that verifies and unpacks. */
    record Split(double downloadMs, double verifyUnpackMs) {
    }

    private final LocalCloud cloud;

    FleetPressLaunch(LocalCloud cloud) {
        this.cloud = cloud;
    }

    /**
     * Pushes the site's HEAD to main through the signed webhook, lets buildspec.yml build the
     * release and waits until production points at it; returns the release id.
     */
    String promote(LocalGit site) throws Exception {
        String prefix = cloud.parameterPrefix() + "/config/production/";
        cloud.ssm().putParameter(b -> b.name(prefix + "DB_NAME").value("wordpress").type(ParameterType.STRING).overwrite(true));
        cloud.ssm().putParameter(b -> b.name(prefix + "DB_PASSWORD").value("bench-only-password").type(ParameterType.SECURE_STRING).overwrite(true));

        String commit = site.head();
        String release = "r-" + commit.substring(0, 12);
        GitHubPush.Response pushed = GitHubPush.push(cloud, "refs/heads/main", GitHubPush.ZERO, commit);
        if (pushed.status() != 202) {
            throw new IllegalStateException("the webhook answered " + pushed.status() + " to the push: " + pushed.body());
        }
        String buildId = Json.parse(pushed.body()).findText("buildId").orElse("");
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!release.equals(pointer()) && System.nanoTime() < deadline) {
            cloud.awaitIdle(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            Thread.sleep(50);
        }
        if (!release.equals(pointer())) {
            throw new IllegalStateException("production does not point at " + release + " after the push; " + buildReport(buildId));
        }
        return release;
    }

    /** Scales the group out by one, times the launch, then scales it back in and waits until the drain is done. */
    Launch launch() {
        Set<String> before = cloud.autoScaling().instances(GROUP).stream().map(InstanceView::id).collect(Collectors.toSet());
        cloud.autoScaling().scale(GROUP, before.size() + 1);
        String id = null;
        long waitAt = 0;
        long inServiceAt = 0;
        // Wall-clock twins of the two moments, to place them against SSM's timestamps.
        Instant waitInstant = null;
        Instant inServiceInstant = null;
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (inServiceAt == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no new instance went InService within " + LIMIT.toMinutes() + " minutes" + reasonOf(id));
            }
            Optional<InstanceView> fresh = cloud.autoScaling().instances(GROUP).stream().filter(i -> !before.contains(i.id())).findFirst();
            long now = System.nanoTime();
            if (fresh.isPresent()) {
                InstanceView instance = fresh.get();
                id = instance.id();
                LifecycleState state = instance.state();
                if (state == LifecycleState.PENDING_WAIT && waitAt == 0) {
                    waitAt = now;
                    waitInstant = Instant.now();
                } else if (state == LifecycleState.IN_SERVICE) {
                    inServiceAt = now;
                    inServiceInstant = Instant.now();
                } else if (state.toString().startsWith("Terminating")) {
                    throw new IllegalStateException(id + " was abandoned instead of going InService" + reasonOf(id));
                }
            } else if (id != null) {
                throw new IllegalStateException(id + " left the group before going InService" + reasonOf(id));
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        if (waitAt == 0) {
            throw new IllegalStateException(id + " went InService without being seen in Pending:Wait: is the launch hook missing from template.yaml?");
        }
        Command command = bootstrapCommand(id);
        String launched = id;
        cloud.autoScaling().terminateInstanceInAutoScalingGroup(b -> b.instanceId(launched).shouldDecrementDesiredCapacity(true));
        if (!cloud.autoScaling().awaitSteady(GROUP, LIMIT) || !cloud.awaitIdle(LIMIT)) {
            throw new IllegalStateException(id + " did not terminate (drain) within " + LIMIT.toMinutes() + " minutes");
        }
        return new Launch(id, (inServiceAt - waitAt) / 1e6, millis(waitInstant, command.requested()), millis(command.requested(), command.start()),
                millis(command.start(), command.end()), millis(command.end(), inServiceInstant));
    }

    /**
     * Replays the bootstrap script's download and its verify-and-unpack steps (the same commands,
     * see download_release in instance/bootstrap.sh) in {@code dir}, timing each: the script prints
     * no timestamps of its own.
     */
    Split replaySplit(String release, Path dir) throws IOException {
        Files.createDirectories(dir);
        String script = """
                set -euo pipefail
                t0=$(date +%s%N)
                aws --endpoint-url "$1" s3 cp --only-show-errors "s3://$2/releases/$3/manifest.json" manifest.json &
                manifest=$!
                aws --endpoint-url "$1" s3 cp --only-show-errors "s3://$2/releases/$3/release.tar.gz" release.tar.gz &
                tarball=$!
                wait "$manifest"
                wait "$tarball"
                t1=$(date +%s%N)
                sha256sum release.tar.gz >/dev/null
                tar --list --quoting-style=literal --gzip --file=release.tar.gz | grep -c '[\\\\]' >/dev/null || true
                mkdir tree
                tar --extract --gzip --file=release.tar.gz --directory=tree --no-same-owner --delay-directory-restore
                find tree -type f -printf 'f\\n' | wc -l >/dev/null
                (cd tree && find . -type f -print0 | sort -z | xargs -0 -r sha256sum --) >files.sha256
                t2=$(date +%s%N)
                echo "SPLIT $(( (t1 - t0) / 1000 )) $(( (t2 - t1) / 1000 ))"
                """;
        Map<String, String> env = Map.of(
                "AWS_ACCESS_KEY_ID", cloud.localS3().accessKeyId(),
                "AWS_SECRET_ACCESS_KEY", cloud.localS3().secretAccessKey(),
                "AWS_DEFAULT_REGION", cloud.template().context().region());
        String out = BootstrapProcess.run(dir, env, List.of("bash", "-c", script, "bash",
                cloud.s3Endpoint().toString(), cloud.releaseBucket(), release)).output();
        String[] split = out.lines().filter(l -> l.startsWith("SPLIT ")).findFirst()
                .orElseThrow(() -> new IllegalStateException("the replay printed no SPLIT line: " + out)).split(" ");
        return new Split(Long.parseLong(split[1]) / 1e3, Long.parseLong(split[2]) / 1e3);
    }

    /** The bootstrap command the instance's record names: when SendCommand accepted it (ListCommands), when it started and ended (GetCommandInvocation). */
    private Command bootstrapCommand(String instanceId) {
        Json.Node record = instanceRecord(instanceId)
                .orElseThrow(() -> new IllegalStateException(instanceId + " is InService but has no fleet/instances record"));
        if (!"BOOTSTRAPPED".equals(record.text("state"))) {
            throw new IllegalStateException(instanceId + " is InService but its record says " + record.text("state") + ": " + record.text("reason"));
        }
        String commandId = record.text("commandId");
        GetCommandInvocationResponse invocation = cloud.ssm().getCommandInvocation(b -> b.commandId(commandId).instanceId(instanceId));
        if (!"Success".equals(invocation.statusAsString())) {
            throw new IllegalStateException("the bootstrap of " + instanceId + " ended " + invocation.statusAsString() + ": " + invocation.standardErrorContent());
        }
        Instant requested = cloud.ssm().listCommands(b -> b.commandId(commandId)).commands().get(0).requestedDateTime();
        return new Command(requested, Instant.parse(invocation.executionStartDateTime()), Instant.parse(invocation.executionEndDateTime()));
    }

    private static double millis(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    private Optional<Json.Node> instanceRecord(String instanceId) {
        try {
            return Optional.of(Json.parse(cloud.s3().getObjectAsBytes(b -> b.bucket(cloud.releaseBucket())
                    .key("fleet/instances/" + instanceId + ".json")).asByteArray()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    private String reasonOf(String instanceId) {
        return instanceId == null ? "" : instanceRecord(instanceId).map(r -> " (its record: " + r.text("state") + ", " + r.text("reason") + ")").orElse("");
    }

    private String pointer() {
        try {
            return cloud.ssm().getParameter(b -> b.name(cloud.parameterPrefix() + "/env/production/release")).parameter().value();
        } catch (ParameterNotFoundException e) {
            return "(none)";
        }
    }

    /** The build's status and the end of its log, so that a failed release build explains itself. */
    private String buildReport(String buildId) {
        if (buildId.isEmpty()) {
            return "the webhook started no build";
        }
        Optional<Build> build = cloud.codeBuild().batchGetBuilds(b -> b.ids(buildId)).builds().stream().findFirst();
        if (build.isEmpty()) {
            return "build " + buildId + " is unknown to CodeBuild";
        }
        String status = "build " + build.get().buildStatusAsString();
        try {
            List<String> log = Files.readAllLines(Path.of(URI.create(build.get().logs().deepLink())));
            return status + "; the end of its log:\n" + String.join("\n", log.subList(Math.max(0, log.size() - 20), log.size()));
        } catch (IOException | RuntimeException e) {
            return status + " (no log: " + e.getMessage() + ")";
        }
    }
}

package dev.fleetpress.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.LocalCloud;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * A localcloud with releases, pointers and fleet records written straight into its bucket and SSM, in
 * the shapes the functions write them, for the release commands' tests.
 */
final class ReleaseFixture implements AutoCloseable {
    static final Path ROOT = Path.of(System.getProperty("fleetpress.root", "..")).toAbsolutePath().normalize();
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    final LocalCloud cloud;

    private ReleaseFixture(LocalCloud cloud) {
        this.cloud = cloud;
    }

    static ReleaseFixture start(Path tmp) throws Exception {
        Path site = Files.createDirectories(tmp.resolve("site"));
        return new ReleaseFixture(LocalCloud.builder().projectRoot(ROOT).dataDir(tmp.resolve("cloud"))
                .siteRepository(site).schedules(false).build());
    }

    /** The operations over this cloud, as the demo builds them. */
    ReleaseOperations operations() {
        return ReleaseOperations.of(cloud.s3(), cloud.ssm(), cloud.releaseBucket(), cloud.parameterPrefix(),
                java.time.Clock.systemUTC());
    }

    /** A release id for {@code digit} repeated: r-111111111111 and so on. */
    static String release(char digit) {
        return "r-" + String.valueOf(digit).repeat(12);
    }

    /** Records {@code release} (release.json beside its manifest) with WordPress {@code wordpress} at {@code dbVersion}. */
    String recorded(String release, String wordpress, long dbVersion) {
        String commit = release.substring(2) + "0".repeat(28);
        Map<String, Object> manifest = Json.object("formatVersion", 1, "releaseId", release, "kind", "built",
                "repository", "local/example-site", "commit", commit, "ref", "refs/heads/main",
                "targetEnvironment", "production", "builtAt", T0.toString(), "buildId", "fleetpress-local-release:" + release,
                "wordpress", Json.object("version", wordpress, "dbVersion", dbVersion), "plugins", List.of(),
                "themes", List.of(), "fileCount", 42,
                "artifact", Json.object("key", "release.tar.gz", "sha256", "a".repeat(64), "bytes", 1234));
        put("releases/" + release + "/manifest.json", Json.write(manifest));
        put("releases/" + release + "/release.json", Json.write(Json.object("formatVersion", 1, "releaseId", release,
                "buildId", "fleetpress-local-release:" + release, "recordedAt", T0.toString(), "manifest", manifest)));
        return release;
    }

    /** A build attempt that failed, leaving {@code release} unrecorded. */
    void failedBuild(String release, String reason) {
        put("releases/" + release + "/build.json", Json.write(Json.object("attempt", 1, "state", "FAILED",
                "buildId", "fleetpress-local-release:1", "requestedAt", T0.toString(), "updatedAt", T0.toString(),
                "reason", reason)));
    }

    /** Sets the pointer by hand (a new SSM version, as a push's promotion would), then lets its rollout settle. */
    void point(String environment, String value) {
        cloud.ssm().putParameter(b -> b.name(pointerName(environment)).value(value).type(ParameterType.STRING)
                .overwrite(true));
        settle();
    }

    String pointer(String environment) {
        return cloud.ssm().getParameter(b -> b.name(pointerName(environment))).parameter().value();
    }

    int pointerVersions(String environment) {
        return cloud.ssm().getParameterHistory(b -> b.name(pointerName(environment))).parameters().size();
    }

    /** The environment's database record as the upgrade gate writes it. */
    void database(String environment, long dbVersion, String upgradedBy, String blockedRelease, String blockedReason) {
        put("upgrades/" + environment + "/database.json", Json.write(Json.object("environment", environment,
                "dbVersion", dbVersion, "upgradedBy", upgradedBy, "upgradedAt", T0.toString(),
                "blockedRelease", blockedRelease, "blockedReason", blockedReason,
                "blockedAt", blockedRelease.isEmpty() ? Instant.EPOCH.toString() : T0.toString(),
                "acknowledgedRelease", "", "acknowledgedBy", "")));
    }

    /** A finished upgrade gate of {@code release} in {@code environment}. */
    void gate(String environment, String release, String state, long dbVersion) {
        put("upgrades/" + environment + "/" + release + ".json", Json.write(Json.object("environment", environment,
                "release", release, "dbVersion", dbVersion, "state", state, "attempt", 1, "owner", "test",
                "leaseUntil", T0.toString(), "commandId", "11111111-2222-3333-4444-555555555555",
                "instanceId", "i-0000000a", "reason", "upgrade commands " + state.toLowerCase(),
                "createdAt", T0.toString(), "updatedAt", T0.toString())));
    }

    /** {@code fleet/instances/<id>.json} as the fleet and rollout functions write it. */
    void instance(String instanceId, String environment, String release, String state) {
        put("fleet/instances/" + instanceId + ".json", Json.write(Json.object("instanceId", instanceId,
                "group", "fleetpress-local-" + environment, "environment", environment, "release", release,
                "state", state, "phase", "launch", "commandId", "", "reason", "test record",
                "updatedAt", T0.toString())));
    }

    void put(String key, String content) {
        cloud.s3().putObject(b -> b.bucket(cloud.releaseBucket()).key(key).contentType("application/json"),
                RequestBody.fromString(content));
    }

    /** Waits for what a pointer change started in the cloud (the RolloutFunction) to finish. */
    void settle() {
        assertThat(cloud.awaitIdle(Duration.ofSeconds(60))).isTrue();
    }

    private String pointerName(String environment) {
        return cloud.parameterPrefix() + "/env/" + environment + "/release";
    }

    @Override
    public void close() {
        cloud.close();
    }
}

package dev.fleetpress.cli;

import static dev.fleetpress.cli.ReleaseFixture.release;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * promote, rollback, upgrade ack and status through {@link Main#run}, reaching an in-process localcloud
 * over its S3 and SSM endpoints as they reach the one `fleetpress local up` runs.
 */
class ReleaseCommandsTest {
    private static final String PRODUCTION = "production";

    @TempDir
    Path tmp;

    private ReleaseFixture fixture;
    private Path home;
    private String old;
    private String current;

    @BeforeEach
    void start() throws Exception {
        fixture = ReleaseFixture.start(tmp);
        home = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(home.resolve("endpoint.json"), Json.write(Json.object(
                "s3Endpoint", fixture.cloud.s3Endpoint().toString(),
                "ssmEndpoint", fixture.cloud.ssmEndpoint().toString())));
        System.setProperty("fleetpress.home", home.toString());
        old = fixture.recorded(release('1'), "6.7.2", 58975);
        current = fixture.recorded(release('2'), "6.8.3", 60421);
        fixture.point(PRODUCTION, current);
    }

    @AfterEach
    void stop() {
        System.clearProperty("fleetpress.home");
        fixture.close();
    }

    @Test
    void promote_whenAllowed_exits0AndSaysWhereToWatch() {
        Result result = run("promote", old, PRODUCTION);

        assertThat(result.exit).as(result.err).isZero();
        assertThat(result.out.strip()).isEqualTo("production: promoted " + old + " (was " + current
                + "); the rollout starts now — watch it with fleetpress status");
        assertThat(fixture.pointer(PRODUCTION)).isEqualTo(old);
        fixture.settle();
    }

    @Test
    void promote_whenTheGuardRefuses_exits1WithItsReason() {
        fixture.database(PRODUCTION, 60421, current, "", "");

        Result result = run("promote", old, PRODUCTION);

        assertThat(result.exit).isEqualTo(1);
        assertThat(result.err).contains("production: refused " + old + ": " + old + " ships WordPress 6.7.2",
                "pass --force");
        assertThat(result.out).isEmpty();
        assertThat(fixture.pointer(PRODUCTION)).isEqualTo(current);
    }

    @Test
    void promote_whenTheReleaseIsMalformed_exits2() {
        Result result = run("promote", "latest", PRODUCTION);

        assertThat(result.exit).isEqualTo(2);
        assertThat(result.err).contains("not a release id: 'latest'");
    }

    @Test
    void promote_whenTheReleaseIsUnknown_exits2() {
        Result result = run("promote", release('9'), PRODUCTION);

        assertThat(result.exit).isEqualTo(2);
        assertThat(result.err).contains("unknown release " + release('9'));
    }

    @Test
    void promote_whenLocalcloudIsNotRunning_exits2SayingHowToStartIt() throws Exception {
        Files.delete(home.resolve("endpoint.json"));

        Result result = run("promote", old, PRODUCTION);

        assertThat(result.exit).isEqualTo(2);
        assertThat(result.err).contains("start it with ./fleetpress local up");
    }

    @Test
    void promote_withAwsButNoStack_exits2SayingWhatIsMissing() {
        Result result = run("promote", old, PRODUCTION, "--aws");

        assertThat(result.exit).isEqualTo(2);
        assertThat(result.err).contains("--aws needs --stack <name>");
    }

    @Test
    void promote_withAwsButNoBucket_exits2NamingTheStackOutput() {
        Result result = run("promote", old, PRODUCTION, "--aws", "--stack", "fleetpress");

        assertThat(result.exit).isEqualTo(2);
        assertThat(result.err).contains("--release-bucket", "ReleaseBucketName");
    }

    @Test
    void promote_withAStackButNoAws_exits2SayingToAddIt() {
        Result result = run("promote", old, PRODUCTION, "--stack", "fleetpress");

        assertThat(result.exit).isEqualTo(2);
        assertThat(result.err).contains("add --aws");
        assertThat(fixture.pointer(PRODUCTION)).isEqualTo(current);
    }

    @Test
    void rollback_whenThereIsAnEarlierRelease_exits0() {
        fixture.point(PRODUCTION, old);
        fixture.point(PRODUCTION, current);

        Result result = run("rollback", PRODUCTION);

        assertThat(result.exit).as(result.err).isZero();
        assertThat(result.out).contains("production: rolled back to " + old + " (was " + current + ")");
        fixture.settle();
    }

    @Test
    void rollback_whenThereIsNoEarlierRelease_exits2() {
        Result result = run("rollback", PRODUCTION);

        assertThat(result.exit).isEqualTo(2);
        assertThat(result.err).contains("no earlier recorded release", "--to <release>");
    }

    @Test
    void rollback_whenRefusedThenForced_exits1Then0() {
        fixture.database(PRODUCTION, 60421, current, "", "");

        Result refused = run("rollback", PRODUCTION, "--to", old);
        Result forced = run("rollback", PRODUCTION, "--to", old, "--force");

        assertThat(refused.exit).isEqualTo(1);
        assertThat(forced.exit).as(forced.err).isZero();
        assertThat(fixture.pointer(PRODUCTION)).isEqualTo(old);
        fixture.settle();
    }

    @Test
    void upgradeAck_whenBlocked_exits0AndUnblocks() {
        fixture.database(PRODUCTION, 58975, old, current, "wp core update-db exited 1");
        assertThat(run("promote", old, PRODUCTION, "--force").exit).isEqualTo(1);

        Result ack = run("upgrade", "ack", PRODUCTION);

        assertThat(ack.exit).as(ack.err).isZero();
        assertThat(ack.out).contains("production: acknowledged the failed upgrade of " + current,
                "promotions are allowed again");
        assertThat(run("promote", old, PRODUCTION).exit).isZero();
        fixture.settle();
    }

    @Test
    void upgradeAck_whenNotBlocked_exits0SayingSo() {
        Result ack = run("upgrade", "ack", PRODUCTION);

        assertThat(ack.exit).as(ack.err).isZero();
        assertThat(ack.out).contains("production: not blocked");
    }

    @Test
    void status_marksInstancesNotOnTheCurrentRelease() {
        fixture.instance("i-0000000a", PRODUCTION, current, "ACTIVATED");
        fixture.instance("i-0000000b", PRODUCTION, old, "ACTIVATION_FAILED");
        fixture.instance("i-0000000c", PRODUCTION, old, "DRAINED");
        fixture.database(PRODUCTION, 58975, old, current, "wp core update-db exited 1");

        Result result = run("status");

        assertThat(result.exit).as(result.err).isZero();
        assertThat(result.out).contains("production  " + current + "  WordPress 6.8.3 (db version 60421)",
                "instances  2, 1 on " + current, "i-0000000b", "← not on " + current,
                "BLOCKED: the upgrade of " + current + " failed", "fleetpress upgrade ack production");
        assertThat(result.out).doesNotContain("i-0000000c");
    }

    @Test
    void statusJson_showsInstancesGateDatabaseAndHistory() {
        fixture.instance("i-0000000a", PRODUCTION, current, "ACTIVATED");
        fixture.gate(PRODUCTION, current, "SUCCEEDED", 60421);

        Result result = run("status", "--json", "--history", "1");

        assertThat(result.exit).as(result.err).isZero();
        Json.Node production = Json.parse(result.out.strip()).get("environments").elements().get(0);
        assertThat(production.text("current")).isEqualTo(current);
        assertThat(production.get("wordpress").get("dbVersion").asLong()).isEqualTo(60421);
        assertThat(production.get("instances").elements()).singleElement()
                .satisfies(i -> assertThat(i.get("onCurrent").asBoolean()).isTrue());
        assertThat(production.text("upgrade", "state")).isEqualTo("SUCCEEDED");
        assertThat(production.get("database", "blocked").asBoolean()).isFalse();
        assertThat(production.get("history").elements()).hasSize(1);
    }

    @Test
    void status_forAnUnknownEnvironment_exits2() {
        Result result = run("status", "prodution");

        assertThat(result.exit).isEqualTo(2);
        assertThat(result.err).contains("unknown environment 'prodution'");
    }

    private record Result(int exit, String out, String err) {
    }

    /**
     * Runs the command. The in-process cloud's functions log JSON lines to the same standard output (a
     * separate `local up` process keeps them to itself), so those are left out of what the command printed.
     */
    private static Result run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
        ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
            exit = Main.run(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        String printed = capturedOut.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> !line.startsWith("{\"timestamp\":"))
                .map(line -> line + "\n").collect(Collectors.joining());
        Result result = new Result(exit, printed, capturedErr.toString(StandardCharsets.UTF_8));
        out.print(result.out);
        err.print(result.err);
        return result;
    }
}

package dev.fleetpress.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The README's run command, played once in the test suite: every step must verify its effect and
 * the command exit 0; `status` then reads back what the demo left in its data folder.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoCommandTest {
    private Path home;
    private int demoExit;
    private String demoOutput;

    @BeforeAll
    void playTheDemo() throws Exception {
        home = Files.createTempDirectory("fleetpress-demo-test-");
        System.setProperty("fleetpress.home", home.toString());
        Result demo = run("demo", "--data", home.toString());
        demoExit = demo.exit;
        demoOutput = demo.out;
    }

    @AfterAll
    void cleanUp() {
        System.clearProperty("fleetpress.home");
        dev.fleetpress.localcloud.LocalCloud.deleteRecursively(home);
    }

    @Test
    void demo_onAFreshDataFolder_exitsZero() {
        assertThat(demoExit).as(demoOutput).isZero();
    }

    @Test
    void demo_onAFreshDataFolder_verifiesEveryStep() {
        assertThat(demoOutput).contains("production → r-", "tag v1.0.0 → staging, no rebuild",
                "broken commit: build fails, production unchanged", "rewrite-urls --apply again: already done",
                "time-to-exhaustion alarm ALARM", "exit plan: webroot captured as a release, promoted, uploads migrated",
                "pressure over: back to bursting only once EFS's 24 h rule allows", "All 34 steps verified their effect.");
        assertThat(demoOutput).doesNotContain("✘");
    }

    @Test
    void demo_keepsFunctionLogsOffTheTimeline() {
        assertThat(demoOutput).doesNotContain("\"level\":\"INFO\"");
    }

    @Test
    void status_afterTheDemo_showsProductionAndStagingOnTheRelease() {
        Result status = run("status", "--json");

        assertThat(status.exit).as(status.out).isZero();
        Json.Node json = Json.parse(status.out.trim());
        assertThat(json.get("environments").elements()).extracting(e -> e.text("environment"))
                .containsExactly("production", "staging");
        String production = json.get("environments").elements().get(0).text("current");
        assertThat(production).startsWith("r-");
        // Staging keeps the tagged first release; production moved on in the demo's rollout part.
        assertThat(json.get("environments").elements().get(1).text("current")).startsWith("r-").isNotEqualTo(production);
    }

    @Test
    void efsStatus_afterTheDemo_showsStagingsFileSystemBackToBurstingAndItsExitPlanDone() {
        Result status = run("efs", "status", "--json");

        assertThat(status.exit).as(status.out).isZero();
        Json.Node json = Json.parse(status.out.trim());
        Json.Node fileSystem = json.get("fileSystems").elements().get(0);
        assertThat(fileSystem.text("environment")).isEqualTo("staging");
        assertThat(fileSystem.text("mode")).isEqualTo("bursting");
        assertThat(fileSystem.get("history").elements()).extracting(h -> h.text("to"), h -> h.text("result"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("elastic", "CHANGED"),
                        org.assertj.core.groups.Tuple.tuple("bursting", "CHANGED"));
        assertThat(json.get("exitPlans").get("staging").get("plan").text("state")).isEqualTo("DONE");
        assertThat(json.get("exitPlans").get("production").find("plan")).isEmpty();
    }

    @Test
    void efsStatus_asText_namesTheModeTheTrendAndTheNextAllowedChange() {
        Result status = run("efs", "status", "staging");

        assertThat(status.exit).as(status.out).isZero();
        assertThat(status.out).contains("fs-0de1f00dcafe00001  staging  mode bursting", "credits", "next change",
                "exit plan staging: DONE");
    }

    @Test
    void status_withoutLocalState_saysHowToStartAndExits2() throws Exception {
        Path empty = Files.createTempDirectory("fleetpress-empty-");
        System.setProperty("fleetpress.home", empty.toString());
        try {
            assertThat(run("status").exit).isEqualTo(2);
        } finally {
            System.setProperty("fleetpress.home", home.toString());
            Files.delete(empty);
        }
    }

    private record Result(int exit, String out) {
    }

    private static Result run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exit = Main.run(args);
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        original.print(out);
        return new Result(exit, out);
    }
}

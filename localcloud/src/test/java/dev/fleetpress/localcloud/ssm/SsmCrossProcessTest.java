package dev.fleetpress.localcloud.ssm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ssm.model.ParameterAlreadyExistsException;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/** Two processes on one data folder, as the local stack and a `fleetpress status` CLI are. */
class SsmCrossProcessTest {
    private static final int NAMES = 40;

    @TempDir
    Path dataDir;

    @Test
    void putParameter_whenTwoProcessesRaceToCreateTheSameNames_eachNameIsWonOnce() throws Exception {
        Path childWins = dataDir.resolve("child-wins.txt");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CreateRacer.class.getName(),
                dataDir.toString(), childWins.toString())
                .redirectErrorStream(true).redirectOutput(dataDir.resolve("child.log").toFile()).start();

        List<String> ourWins = CreateRacer.race(LocalSsm.open(dataDir));
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child process finished").isTrue();
        assertThat(child.exitValue()).as(Files.readString(dataDir.resolve("child.log"))).isZero();

        List<String> theirWins = Files.readAllLines(childWins);
        Set<String> all = new HashSet<>(ourWins);
        all.addAll(theirWins);
        assertThat(ourWins.size() + theirWins.size()).isEqualTo(NAMES);
        assertThat(all).hasSize(NAMES);
    }

    /** The child process: tries to create every name and writes down the ones it created. */
    public static final class CreateRacer {
        public static void main(String[] args) throws Exception {
            Files.write(Path.of(args[1]), race(LocalSsm.open(Path.of(args[0]))));
        }

        static List<String> race(LocalSsm ssm) {
            List<String> won = new ArrayList<>();
            for (int i = 0; i < NAMES; i++) {
                String name = "/fp/ledger/n" + i;
                try {
                    ssm.putParameter(b -> b.name(name).value("x").type(ParameterType.STRING));
                    won.add(name);
                } catch (ParameterAlreadyExistsException lost) {
                    // The other process created it first: exactly the outcome the ledger relies on.
                }
            }
            return won;
        }
    }
}

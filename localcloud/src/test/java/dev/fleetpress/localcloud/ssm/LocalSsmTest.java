package dev.fleetpress.localcloud.ssm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ssm.model.GetParameterHistoryResponse;
import software.amazon.awssdk.services.ssm.model.GetParametersByPathResponse;
import software.amazon.awssdk.services.ssm.model.HierarchyLevelLimitExceededException;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterAlreadyExistsException;
import software.amazon.awssdk.services.ssm.model.ParameterHistory;
import software.amazon.awssdk.services.ssm.model.ParameterMaxVersionLimitExceededException;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.ssm.model.ParameterVersionLabelLimitExceededException;
import software.amazon.awssdk.services.ssm.model.ParameterVersionNotFoundException;
import software.amazon.awssdk.services.ssm.model.SsmException;

class LocalSsmTest {
    @TempDir
    Path dataDir;

    private LocalSsm ssm() {
        return LocalSsm.open(dataDir);
    }

    private static void put(LocalSsm ssm, String name, String value, boolean overwrite) {
        ssm.putParameter(b -> b.name(name).value(value).type(ParameterType.STRING).overwrite(overwrite));
    }

    @Test
    void putParameter_whenNameExistsWithoutOverwrite_throwsParameterAlreadyExists() {
        LocalSsm ssm = ssm();
        put(ssm, "/fp/env/production/release", "r-1", false);

        assertThatThrownBy(() -> put(ssm, "/fp/env/production/release", "r-2", false))
                .isInstanceOfSatisfying(ParameterAlreadyExistsException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ParameterAlreadyExists");
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorMessage()).contains("set the overwrite option");
                });
    }

    @Test
    void putParameter_whenTwentyThreadsRaceToCreate_exactlyOneWins() throws Exception {
        LocalSsm ssm = ssm();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> attempts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String value = "writer-" + i;
            attempts.add(pool.submit(() -> {
                start.await();
                try {
                    put(ssm, "/fp/ledger/upgrade", value, false);
                    return true;
                } catch (ParameterAlreadyExistsException lost) {
                    return false;
                }
            }));
        }
        start.countDown();
        int wins = 0;
        for (Future<Boolean> attempt : attempts) {
            wins += attempt.get() ? 1 : 0;
        }
        pool.shutdown();

        assertThat(wins).isEqualTo(1);
        assertThat(ssm.getParameter(b -> b.name("/fp/ledger/upgrade")).parameter().version()).isEqualTo(1);
    }

    @Test
    void putParameter_withOverwrite_storesTheNextVersion() {
        LocalSsm ssm = ssm();
        put(ssm, "/fp/x", "one", false);

        long version = ssm.putParameter(b -> b.name("/fp/x").value("two").overwrite(true)).version();

        assertThat(version).isEqualTo(2);
        Parameter latest = ssm.getParameter(b -> b.name("/fp/x")).parameter();
        assertThat(latest.value()).isEqualTo("two");
        assertThat(latest.type()).isEqualTo(ParameterType.STRING);
    }

    @Test
    void putParameter_whenHundredVersionsExist_dropsTheOldest() {
        LocalSsm ssm = ssm();
        for (int i = 1; i <= 101; i++) {
            put(ssm, "/fp/many", "v" + i, true);
        }

        List<ParameterHistory> history = ssm.getParameterHistoryPaginator(b -> b.name("/fp/many")).stream()
                .flatMap(page -> page.parameters().stream()).toList();

        assertThat(history).hasSize(100);
        assertThat(history.get(0).version()).isEqualTo(2);
        assertThat(history.get(99).version()).isEqualTo(101);
    }

    @Test
    void putParameter_whenTheOldestOfHundredVersionsIsLabelled_throwsMaxVersionLimitExceeded() {
        LocalSsm ssm = ssm();
        put(ssm, "/fp/many", "v1", true);
        ssm.labelParameterVersion(b -> b.name("/fp/many").parameterVersion(1L).labels("golden"));
        for (int i = 2; i <= 100; i++) {
            put(ssm, "/fp/many", "v" + i, true);
        }

        assertThatThrownBy(() -> put(ssm, "/fp/many", "v101", true))
                .isInstanceOf(ParameterMaxVersionLimitExceededException.class)
                .hasMessageContaining("Version 1, the oldest version");
    }

    @Test
    void putParameter_whenValueExceedsFourKilobytes_throwsValidationException() {
        LocalSsm ssm = ssm();

        assertThatThrownBy(() -> put(ssm, "/fp/big", "x".repeat(4097), false))
                .isInstanceOfSatisfying(SsmException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorMessage()).startsWith("Standard tier parameters support");
                });
    }

    @Test
    void putParameter_whenNameHasReservedPrefix_throwsValidationException() {
        LocalSsm ssm = ssm();

        assertThatThrownBy(() -> put(ssm, "/aws/thing", "v", false))
                .isInstanceOfSatisfying(SsmException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
    }

    @Test
    void putParameter_whenNameHasSpaces_throwsValidationException() {
        LocalSsm ssm = ssm();

        assertThatThrownBy(() -> put(ssm, "/fp/has space", "v", false))
                .isInstanceOfSatisfying(SsmException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
    }

    @Test
    void putParameter_whenHierarchyIsDeeperThanFifteen_throwsHierarchyLevelLimitExceeded() {
        LocalSsm ssm = ssm();
        String deep = "/a".repeat(16);

        assertThatThrownBy(() -> put(ssm, deep, "v", false)).isInstanceOf(HierarchyLevelLimitExceededException.class);
    }

    @Test
    void putParameter_whenCreatingWithoutType_throwsValidationException() {
        LocalSsm ssm = ssm();

        assertThatThrownBy(() -> ssm.putParameter(b -> b.name("/fp/untyped").value("v")))
                .isInstanceOfSatisfying(SsmException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage()).contains("type is required"));
    }

    @Test
    void getParameter_whenMissing_throwsParameterNotFound() {
        LocalSsm ssm = ssm();

        assertThatThrownBy(() -> ssm.getParameter(b -> b.name("/fp/missing")))
                .isInstanceOfSatisfying(ParameterNotFoundException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ParameterNotFound");
                    assertThat(e.statusCode()).isEqualTo(400);
                });
    }

    @Test
    void getParameter_secureStringWithoutDecryption_returnsCiphertext() {
        LocalSsm ssm = ssm();
        ssm.putParameter(b -> b.name("/fp/webhook-secret").value("hunter2").type(ParameterType.SECURE_STRING));

        Parameter p = ssm.getParameter(b -> b.name("/fp/webhook-secret")).parameter();

        assertThat(p.type()).isEqualTo(ParameterType.SECURE_STRING);
        assertThat(p.value()).isNotEqualTo("hunter2").doesNotContain("hunter2");
    }

    @Test
    void getParameter_secureStringWithDecryption_returnsPlaintext() {
        LocalSsm ssm = ssm();
        ssm.putParameter(b -> b.name("/fp/webhook-secret").value("hunter2").type(ParameterType.SECURE_STRING));

        assertThat(ssm.getParameter(b -> b.name("/fp/webhook-secret").withDecryption(true)).parameter().value())
                .isEqualTo("hunter2");
    }

    @Test
    void putParameter_secureString_neverWritesThePlaintextToDisk() throws Exception {
        LocalSsm ssm = ssm();
        ssm.putParameter(b -> b.name("/fp/webhook-secret").value("hunter2").type(ParameterType.SECURE_STRING));

        assertThat(Files.readString(dataDir.resolve("parameters.json"))).doesNotContain("hunter2");
    }

    @Test
    void getParameter_withVersionSelector_returnsThatVersion() {
        LocalSsm ssm = ssm();
        put(ssm, "/fp/x", "one", false);
        put(ssm, "/fp/x", "two", true);

        Parameter p = ssm.getParameter(b -> b.name("/fp/x:1")).parameter();

        assertThat(p.value()).isEqualTo("one");
        assertThat(p.selector()).isEqualTo(":1");
    }

    @Test
    void getParameter_withLabelSelector_returnsTheLabelledVersion() {
        LocalSsm ssm = ssm();
        put(ssm, "/fp/x", "one", false);
        put(ssm, "/fp/x", "two", true);
        ssm.labelParameterVersion(b -> b.name("/fp/x").parameterVersion(1L).labels("previous"));

        assertThat(ssm.getParameter(b -> b.name("/fp/x:previous")).parameter().value()).isEqualTo("one");
    }

    @Test
    void getParameter_withUnknownVersion_throwsParameterVersionNotFound() {
        LocalSsm ssm = ssm();
        put(ssm, "/fp/x", "one", false);

        assertThatThrownBy(() -> ssm.getParameter(b -> b.name("/fp/x:7")))
                .isInstanceOf(ParameterVersionNotFoundException.class);
    }

    @Test
    void getParameters_whenSomeAreMissing_reportsThemAsInvalid() {
        LocalSsm ssm = ssm();
        put(ssm, "/fp/a", "1", false);

        var response = ssm.getParameters(b -> b.names("/fp/a", "/fp/b"));

        assertThat(response.parameters()).extracting(Parameter::name).containsExactly("/fp/a");
        assertThat(response.invalidParameters()).containsExactly("/fp/b");
    }

    @Test
    void getParameterHistory_returnsVersionsOldestFirstInPagesOfAtMostFifty() {
        LocalSsm ssm = ssm();
        for (int i = 1; i <= 60; i++) {
            put(ssm, "/fp/h", "v" + i, true);
        }

        GetParameterHistoryResponse first = ssm.getParameterHistory(b -> b.name("/fp/h"));
        GetParameterHistoryResponse second = ssm.getParameterHistory(b -> b.name("/fp/h").nextToken(first.nextToken()));

        assertThat(first.parameters()).hasSize(50);
        assertThat(first.parameters().get(0).version()).isEqualTo(1);
        assertThat(second.parameters()).extracting(ParameterHistory::version)
                .containsExactlyElementsOf(IntStream.rangeClosed(51, 60).mapToObj(Long::valueOf).toList());
        assertThat(second.nextToken()).isNull();
    }

    @Test
    void getParameterHistory_reportsLabelsAndModificationTimes() {
        LocalSsm ssm = ssm();
        put(ssm, "/fp/h", "v1", false);
        ssm.labelParameterVersion(b -> b.name("/fp/h").labels("live"));

        ParameterHistory only = ssm.getParameterHistory(b -> b.name("/fp/h")).parameters().get(0);

        assertThat(only.labels()).containsExactly("live");
        assertThat(only.lastModifiedDate()).isNotNull();
    }

    @Test
    void getParameterHistory_whenMaxResultsAboveFifty_throwsValidationException() {
        LocalSsm ssm = ssm();
        put(ssm, "/fp/h", "v1", false);

        assertThatThrownBy(() -> ssm.getParameterHistory(b -> b.name("/fp/h").maxResults(51)))
                .isInstanceOfSatisfying(SsmException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
    }

    @Test
    void getParametersByPath_withoutRecursive_returnsOnlyTheFirstLevel() {
        LocalSsm ssm = ssm();
        put(ssm, "/fp/env/production", "p", false);
        put(ssm, "/fp/env/production/release", "r", false);
        put(ssm, "/fp/envelope", "not below /fp/env", false);

        GetParametersByPathResponse response = ssm.getParametersByPath(b -> b.path("/fp/env"));

        assertThat(response.parameters()).extracting(Parameter::name).containsExactly("/fp/env/production");
    }

    @Test
    void getParametersByPath_recursive_returnsEverythingBelowAcrossPages() {
        LocalSsm ssm = ssm();
        for (int i = 0; i < 25; i++) {
            put(ssm, "/fp/env/e" + i + "/release", "r" + i, false);
        }

        List<String> names = ssm.getParametersByPathPaginator(b -> b.path("/fp/").recursive(true).maxResults(10))
                .stream().flatMap(page -> page.parameters().stream()).map(Parameter::name).toList();

        assertThat(names).hasSize(25).doesNotHaveDuplicates().allMatch(n -> n.startsWith("/fp/env/e"));
    }

    @Test
    void getParametersByPath_withDecryption_revealsSecureStrings() {
        LocalSsm ssm = ssm();
        ssm.putParameter(b -> b.name("/fp/s/secret").value("hunter2").type(ParameterType.SECURE_STRING));

        assertThat(ssm.getParametersByPath(b -> b.path("/fp/s").withDecryption(true)).parameters().get(0).value())
                .isEqualTo("hunter2");
    }

    @Test
    void deleteParameter_removesTheParameter() {
        LocalSsm ssm = ssm();
        put(ssm, "/fp/x", "one", false);

        ssm.deleteParameter(b -> b.name("/fp/x"));

        assertThatThrownBy(() -> ssm.getParameter(b -> b.name("/fp/x"))).isInstanceOf(ParameterNotFoundException.class);
    }

    @Test
    void deleteParameter_whenMissing_throwsParameterNotFound() {
        LocalSsm ssm = ssm();

        assertThatThrownBy(() -> ssm.deleteParameter(b -> b.name("/fp/x"))).isInstanceOf(ParameterNotFoundException.class);
    }

    @Test
    void labelParameterVersion_whenLabelIsOnAnotherVersion_movesIt() {
        LocalSsm ssm = ssm();
        put(ssm, "/fp/x", "one", false);
        put(ssm, "/fp/x", "two", true);
        ssm.labelParameterVersion(b -> b.name("/fp/x").parameterVersion(1L).labels("live"));

        ssm.labelParameterVersion(b -> b.name("/fp/x").parameterVersion(2L).labels("live"));

        List<ParameterHistory> history = ssm.getParameterHistory(b -> b.name("/fp/x")).parameters();
        assertThat(history.get(0).labels()).isEmpty();
        assertThat(history.get(1).labels()).containsExactly("live");
    }

    @Test
    void labelParameterVersion_whenVersionWouldHaveElevenLabels_throwsLabelLimitExceeded() {
        LocalSsm ssm = ssm();
        put(ssm, "/fp/x", "one", false);
        ssm.labelParameterVersion(b -> b.name("/fp/x").labels("l0", "l1", "l2", "l3", "l4", "l5", "l6", "l7", "l8", "l9"));

        assertThatThrownBy(() -> ssm.labelParameterVersion(b -> b.name("/fp/x").labels("l10")))
                .isInstanceOf(ParameterVersionLabelLimitExceededException.class);
    }

    @Test
    void labelParameterVersion_withInvalidLabel_reportsItWithoutAttachingIt() {
        LocalSsm ssm = ssm();
        put(ssm, "/fp/x", "one", false);

        var response = ssm.labelParameterVersion(b -> b.name("/fp/x").labels("ok", "1starts-with-digit"));

        assertThat(response.invalidLabels()).containsExactly("1starts-with-digit");
        assertThat(ssm.getParameterHistory(b -> b.name("/fp/x")).parameters().get(0).labels()).containsExactly("ok");
    }

    @Test
    void setThrottle_whenCallsExceedTheRate_throwsThrottlingException() {
        LocalSsm ssm = ssm();
        put(ssm, "/fp/x", "one", false);
        ssm.setThrottle(1);

        List<SsmException> throttled = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            try {
                ssm.getParameter(b -> b.name("/fp/x"));
            } catch (SsmException e) {
                throttled.add(e);
            }
        }

        assertThat(throttled).isNotEmpty().allSatisfy(e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Rate exceeded");
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.isThrottlingException()).isTrue();
        });
    }

    @Test
    void setThrottle_zero_turnsThrottlingOff() {
        LocalSsm ssm = ssm();
        put(ssm, "/fp/x", "one", false);
        ssm.setThrottle(1);
        ssm.setThrottle(0);

        for (int i = 0; i < 20; i++) {
            ssm.getParameter(b -> b.name("/fp/x"));
        }
    }

    @Test
    void open_whenAnotherClientOfTheFolderWrote_seesItsChanges() {
        LocalSsm reader = ssm();
        reader.getParametersByPath(b -> b.path("/fp"));
        LocalSsm writer = ssm();

        put(writer, "/fp/env/production/release", "r-abc", false);

        assertThat(reader.getParameter(b -> b.name("/fp/env/production/release")).parameter().value()).isEqualTo("r-abc");
    }

    @Test
    void open_onAnExistingFolder_decryptsSecureStringsWrittenBefore() {
        ssm().putParameter(b -> b.name("/fp/secret").value("hunter2").type(ParameterType.SECURE_STRING));

        assertThat(ssm().getParameter(b -> b.name("/fp/secret").withDecryption(true)).parameter().value())
                .isEqualTo("hunter2");
    }

    @Test
    void serviceName_isSsm() {
        assertThat(ssm().serviceName()).isEqualTo("ssm");
    }
}

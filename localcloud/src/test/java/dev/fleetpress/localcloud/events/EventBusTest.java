package dev.fleetpress.localcloud.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.localcloud.template.FunctionSpec;
import dev.fleetpress.localcloud.template.StackContext;
import dev.fleetpress.localcloud.template.Template;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventBusTest {
    private static final Path ROOT = Path.of(System.getProperty("fleetpress.root", ".."));
    private static final List<FunctionSpec> FUNCTIONS =
            Template.load(ROOT.resolve("template.yaml"), StackContext.local()).functions();
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Queue<String> reached = new ConcurrentLinkedQueue<>();
    private final Target recording = (function, event) -> reached.add(function);
    private EventBus bus;

    @AfterEach
    void close() {
        if (bus != null) {
            bus.close();
        }
    }

    private static String fixture(String name) throws IOException {
        return Files.readString(ROOT.resolve("events").resolve(name));
    }

    private static String codeBuildEvent(String status) {
        return """
                {"source":"aws.codebuild","detail-type":"CodeBuild Build State Change",
                 "detail":{"build-status":"%s","project-name":"fleetpress-local-release"}}""".formatted(status);
    }

    private EventBus bus(Target target, FaultPlan faults) {
        bus = EventBus.builder(target).functions(FUNCTIONS).faults(faults).retryBackoff(Duration.ZERO).build();
        return bus;
    }

    @Test
    void put_whenCodeBuildSucceeded_deliversToReleaseFunction() throws Exception {
        EventBus bus = bus(recording, FaultPlan.none());

        bus.put(fixture("release/codebuild-succeeded.json"));

        assertThat(bus.awaitIdle(WAIT)).isTrue();
        assertThat(reached).containsExactly("ReleaseFunction");
    }

    @ParameterizedTest
    @ValueSource(strings = {"codebuild-succeeded.json", "codebuild-failed.json", "codebuild-fault.json",
            "codebuild-stopped.json", "codebuild-timed-out.json"})
    void matchingFunctions_whenFinishedBuild_isReleaseFunction(String file) throws Exception {
        assertThat(bus(recording, FaultPlan.none()).matchingFunctions(fixture("release/" + file)))
                .containsExactly("ReleaseFunction");
    }

    @Test
    void matchingFunctions_whenBuildInProgress_isNone() throws Exception {
        assertThat(bus(recording, FaultPlan.none()).matchingFunctions(fixture("unrouted/codebuild-in-progress.json")))
                .isEmpty();
    }

    @Test
    void matchingFunctions_whenOtherProject_isNone() {
        String other = codeBuildEvent("SUCCEEDED").replace("fleetpress-local-release", "someone-elses-project");

        assertThat(bus(recording, FaultPlan.none()).matchingFunctions(other)).isEmpty();
    }

    @Test
    void put_whenDetailTypeMissing_failsNamingIt() {
        EventBus bus = bus(recording, FaultPlan.none());

        assertThatThrownBy(() -> bus.put("{\"source\":\"aws.codebuild\",\"detail\":{}}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("detail-type");
    }

    @Test
    void put_whenDetailIsNotAnObject_fails() {
        EventBus bus = bus(recording, FaultPlan.none());

        assertThatThrownBy(() -> bus.put("{\"source\":\"a\",\"detail-type\":\"b\",\"detail\":\"x\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("detail");
    }

    @Test
    void put_whenEnvelopeIsMinimal_deliversTheFullEnvelope() throws Exception {
        Queue<String> events = new ConcurrentLinkedQueue<>();
        EventBus bus = bus((function, event) -> events.add(event), FaultPlan.none());

        String id = bus.put(codeBuildEvent("SUCCEEDED"));

        assertThat(bus.awaitIdle(WAIT)).isTrue();
        assertThat(events).singleElement().satisfies(e -> assertThat(e)
                .contains("\"id\":\"" + id + "\"", "\"account\":\"000000000000\"", "\"region\":\"us-east-1\"",
                        "\"version\":\"0\"", "\"resources\":[]"));
    }

    @Test
    void put_whenSourceDropsEverything_deliversNothingAndCountsDrops() throws Exception {
        EventBus bus = bus(recording, FaultPlan.seeded(1).with("aws.codebuild", SourceFaults.drop(1.0)));

        bus.put(codeBuildEvent("SUCCEEDED"));
        bus.put(codeBuildEvent("FAILED"));

        assertThat(bus.awaitIdle(WAIT)).isTrue();
        assertThat(reached).isEmpty();
        assertThat(bus.counters().dropped()).isEqualTo(2);
        assertThat(bus.counters().received()).isEqualTo(2);
    }

    @Test
    void put_whenOtherSourceIsFaulty_deliversThisOne() throws Exception {
        EventBus bus = bus(recording, FaultPlan.seeded(1).with("aws.autoscaling", SourceFaults.drop(1.0)));

        bus.put(codeBuildEvent("SUCCEEDED"));

        assertThat(bus.awaitIdle(WAIT)).isTrue();
        assertThat(reached).containsExactly("ReleaseFunction");
    }

    @Test
    void put_whenSourceDuplicatesEverything_deliversTwiceAndCountsDuplicates() throws Exception {
        EventBus bus = bus(recording, FaultPlan.seeded(1).with("aws.codebuild", SourceFaults.duplicate(1.0)));

        bus.put(codeBuildEvent("SUCCEEDED"));

        assertThat(bus.awaitIdle(WAIT)).isTrue();
        assertThat(reached).containsExactly("ReleaseFunction", "ReleaseFunction");
        assertThat(bus.counters().duplicated()).isEqualTo(1);
        assertThat(bus.counters().matched()).isEqualTo(1);
        assertThat(bus.counters().delivered()).isEqualTo(2);
    }

    @Test
    void put_whenDelayed_awaitIdleWaitsForTheDelivery() throws Exception {
        EventBus bus = bus(recording, FaultPlan.seeded(1)
                .with("aws.codebuild", SourceFaults.delay(Duration.ofMillis(50), Duration.ofMillis(150))));

        bus.put(codeBuildEvent("SUCCEEDED"));

        assertThat(bus.awaitIdle(WAIT)).isTrue();
        assertThat(reached).containsExactly("ReleaseFunction");
    }

    @Test
    void faultDecisions_whenSameSeedAndPuts_areTheSame() throws Exception {
        FaultPlan plan = FaultPlan.seeded(42).with("aws.codebuild",
                new SourceFaults(0.3, 0.3, Duration.ZERO, Duration.ofMillis(5)));

        List<String> first = decisionsFor(plan);
        List<String> second = decisionsFor(plan);

        assertThat(first).isEqualTo(second);
        assertThat(first).anyMatch(d -> d.startsWith("dropped")).anyMatch(d -> d.startsWith("copies=2"));
    }

    @Test
    void faultDecisions_whenSeedDiffers_differ() throws Exception {
        SourceFaults faults = new SourceFaults(0.3, 0.3, Duration.ZERO, Duration.ofMillis(5));

        assertThat(decisionsFor(FaultPlan.seeded(1).with("aws.codebuild", faults)))
                .isNotEqualTo(decisionsFor(FaultPlan.seeded(2).with("aws.codebuild", faults)));
    }

    private List<String> decisionsFor(FaultPlan plan) throws InterruptedException {
        try (EventBus b = EventBus.builder(recording).functions(FUNCTIONS).faults(plan).build()) {
            for (int i = 0; i < 40; i++) {
                b.put(codeBuildEvent("SUCCEEDED"));
            }
            assertThat(b.awaitIdle(WAIT)).isTrue();
            return b.faultDecisions().stream()
                    .map(d -> d.dropped() ? "dropped" : "copies=" + d.copies() + " delays=" + d.delays())
                    .toList();
        }
    }

    @Test
    void put_whenFunctionAlwaysFails_retriesAsLambdaAsyncThenDeadLetters() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        EventBus bus = bus((function, event) -> {
            calls.incrementAndGet();
            throw new IllegalStateException("boom");
        }, FaultPlan.none());

        bus.put(codeBuildEvent("SUCCEEDED"));

        assertThat(bus.awaitIdle(WAIT)).isTrue();
        assertThat(calls).hasValue(3);
        assertThat(bus.counters().retried()).isEqualTo(2);
        assertThat(bus.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.functionLogicalId()).isEqualTo("ReleaseFunction");
            assertThat(d.attempts()).isEqualTo(3);
            assertThat(d.reason()).contains("boom");
        });
    }

    @Test
    void put_whenTargetUnavailable_retriesUnderTheRulesPolicyThenDeadLetters() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        EventBus bus = bus((function, event) -> {
            calls.incrementAndGet();
            throw new TargetUnavailableException("throttled");
        }, FaultPlan.none());

        bus.put(codeBuildEvent("SUCCEEDED"));

        assertThat(bus.awaitIdle(WAIT)).isTrue();
        assertThat(calls).hasValue(11);
        assertThat(bus.deadLetters()).singleElement().satisfies(d -> assertThat(d.keptOnAws()).isTrue());
        assertThat(bus.counters().deadLettered()).isEqualTo(1);
    }

    @Test
    void put_whenFunctionFailsOnce_deliversOnTheRetry() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        EventBus bus = bus((function, event) -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("transient");
            }
        }, FaultPlan.none());

        bus.put(codeBuildEvent("SUCCEEDED"));

        assertThat(bus.awaitIdle(WAIT)).isTrue();
        assertThat(bus.counters().delivered()).isEqualTo(1);
        assertThat(bus.deadLetters()).isEmpty();
    }
}

package dev.fleetpress.localcloud.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.template.StackContext;
import dev.fleetpress.localcloud.template.Template;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LocalSchedulerTest {
    private static final String SCHEDULES = """
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: a.B::handleRequest
                  Events:
                    Often:
                      Type: Schedule
                      Properties:
                        Schedule: rate(1 minute)
                    Off:
                      Type: Schedule
                      Properties:
                        Schedule: rate(1 minute)
                        Enabled: false
                        Input: '{"off":true}'
              Nightly:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: a.C::handleRequest
                  Events:
                    Job:
                      Type: Schedule
                      Properties:
                        Schedule: cron(0 2 * * ? *)
                        Input: '{"job":"nightly"}'
            """;

    private record Invocation(String function, String payload) {
    }

    private final List<Invocation> invocations = new CopyOnWriteArrayList<>();
    private LocalScheduler scheduler;

    @AfterEach
    void close() {
        if (scheduler != null) {
            scheduler.close();
        }
    }

    private LocalScheduler realTemplate() {
        Template template = Template.load(Path.of(System.getProperty("fleetpress.root"), "template.yaml"),
                StackContext.local(Map.of("SourceLocation", "x")));
        scheduler = LocalScheduler.create(template, (f, p) -> invocations.add(new Invocation(f, p)), Duration.ofSeconds(1));
        return scheduler;
    }

    private LocalScheduler inline(Duration secondLength) {
        scheduler = LocalScheduler.create(Template.parse(SCHEDULES, StackContext.local()),
                (f, p) -> invocations.add(new Invocation(f, p)), secondLength);
        return scheduler;
    }

    @Test
    void create_whenRealTemplate_hasFleetReconcileEveryTwoMinutes() {
        List<ScheduledRule> fleet = realTemplate().rules().stream()
                .filter(rule -> rule.functionLogicalId().equals("FleetFunction")).toList();

        assertThat(fleet).singleElement().satisfies(rule -> {
            assertThat(rule.eventName()).isEqualTo("Reconcile");
            assertThat(rule.ruleName()).isEqualTo("fleetpress-local-FleetFunctionReconcile");
            assertThat(rule.expression()).isEqualTo(new ScheduleExpression.Rate(Duration.ofMinutes(2)));
            assertThat(rule.enabled()).isTrue();
        });
    }

    @Test
    void tick_whenFleetFunction_invokesItWithEventBridgesScheduledEvent() {
        Instant before = Instant.now().minusSeconds(1);

        List<String> payloads = realTemplate().tick("FleetFunction");

        assertThat(invocations).singleElement().satisfies(i -> {
            assertThat(i.function()).isEqualTo("FleetFunction");
            assertThat(i.payload()).isEqualTo(payloads.get(0));
        });
        Json.Node event = Json.parse(payloads.get(0));
        assertThat(event.fields().keySet()).containsExactly("version", "id", "detail-type", "source", "account", "time",
                "region", "resources", "detail");
        assertThat(event.text("version")).isEqualTo("0");
        assertThat(event.text("id")).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(event.text("detail-type")).isEqualTo("Scheduled Event");
        assertThat(event.text("source")).isEqualTo("aws.events");
        assertThat(event.text("account")).isEqualTo("000000000000");
        assertThat(event.text("time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(Instant.parse(event.text("time"))).isAfter(before);
        assertThat(event.text("region")).isEqualTo("us-east-1");
        assertThat(event.get("resources").elements()).extracting(Json.Node::asText)
                .containsExactly("arn:aws:events:us-east-1:000000000000:rule/fleetpress-local-FleetFunctionReconcile");
        assertThat(event.get("detail").fields()).isEmpty();
    }

    @Test
    void tick_whenTwice_sendsDistinctEventIds() {
        LocalScheduler scheduler = realTemplate();

        String first = Json.parse(scheduler.tick("FleetFunction").get(0)).text("id");
        String second = Json.parse(scheduler.tick("FleetFunction").get(0)).text("id");

        assertThat(first).isNotEqualTo(second);
        assertThat(scheduler.fired()).isEqualTo(2);
    }

    @Test
    void tick_whenScheduleHasInput_invokesWithTheInput() {
        assertThat(inline(Duration.ofSeconds(1)).tick("Nightly")).containsExactly("{\"job\":\"nightly\"}");
    }

    @Test
    void tick_whenFunctionHasNoSchedule_failsNamingThoseThatDo() {
        LocalScheduler scheduler = realTemplate();

        assertThatThrownBy(() -> scheduler.tick("ReleaseFunction"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FleetFunction");
    }

    @Test
    void tick_whenFunctionHasDisabledSchedule_firesOnlyTheEnabledOne() {
        List<String> payloads = inline(Duration.ofSeconds(1)).tick("Fn");

        assertThat(payloads).singleElement().satisfies(p -> assertThat(Json.parse(p).text("detail-type")).isEqualTo("Scheduled Event"));
    }

    @Test
    void start_whenTimeScaled_firesEnabledRatesRepeatedlyAndNeverDisabledOnes() throws Exception {
        LocalScheduler scheduler = inline(Duration.ofMillis(1));

        scheduler.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (invocations.size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }

        assertThat(invocations).hasSizeGreaterThanOrEqualTo(3);
        assertThat(invocations).allSatisfy(i -> {
            assertThat(i.function()).isEqualTo("Fn");
            assertThat(i.payload()).doesNotContain("\"off\"");
        });
    }

    @Test
    void start_whenInvokeThrows_keepsTheFailureAndKeepsFiring() throws Exception {
        scheduler = LocalScheduler.create(Template.parse(SCHEDULES, StackContext.local()), (f, p) -> {
            invocations.add(new Invocation(f, p));
            throw new IllegalStateException("function unavailable");
        }, Duration.ofMillis(1));

        scheduler.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (invocations.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }

        assertThat(invocations).hasSizeGreaterThanOrEqualTo(2);
        assertThat(scheduler.failures()).isNotEmpty()
                .allSatisfy(f -> assertThat(f.error()).hasMessage("function unavailable"));
    }

    @Test
    void create_whenCronUnsupported_failsNamingFunctionAndEvent() {
        String yaml = SCHEDULES.replace("cron(0 2 * * ? *)", "cron(0 2 L * ? *)");

        assertThatThrownBy(() -> LocalScheduler.create(Template.parse(yaml, StackContext.local()), (f, p) -> { }, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Nightly.Events.Job")
                .hasMessageContaining("does not support");
    }
}

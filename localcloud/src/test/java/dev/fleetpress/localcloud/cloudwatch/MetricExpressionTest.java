package dev.fleetpress.localcloud.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class MetricExpressionTest {
    private static final Instant T0 = Instant.parse("2026-11-27T20:00:00Z");
    private static final Instant T1 = T0.plusSeconds(300);
    private static final Instant T2 = T0.plusSeconds(600);

    private static NavigableMap<Instant, Double> series(double... values) {
        NavigableMap<Instant, Double> out = new TreeMap<>();
        for (int i = 0; i < values.length; i++) {
            out.put(T0.plusSeconds(300L * i), values[i]);
        }
        return out;
    }

    private static NavigableMap<Instant, Double> eval(String expression, Map<String, NavigableMap<Instant, Double>> inputs) {
        return MetricExpression.parse(expression).evaluate(inputs);
    }

    @Test
    void evaluate_whenArithmetic_appliesPrecedenceAndParentheses() {
        var m = Map.of("a", series(2, 4), "b", series(3, 5));

        assertThat(eval("a + b * 2", m)).containsExactlyEntriesOf(series(8, 14));
        assertThat(eval("(a + b) * 2", m)).containsExactlyEntriesOf(series(10, 18));
        assertThat(eval("a - b - 1", m)).containsExactlyEntriesOf(series(-2, -2));
        assertThat(eval("b / a / 2", m).get(T0)).isCloseTo(0.75, within(1e-12));
    }

    @Test
    void evaluate_whenUnaryMinus_negates() {
        var m = Map.of("a", series(2, -4));

        assertThat(eval("-a", m)).containsExactlyEntriesOf(series(-2, 4));
        assertThat(eval("-1 * -a", m)).containsExactlyEntriesOf(series(2, -4));
    }

    @Test
    void evaluate_whenNumbersWithExponent_parsesThem() {
        assertThat(eval("a * 1.5e3 + .5", Map.of("a", series(2)))).containsExactlyEntriesOf(series(3000.5));
    }

    @Test
    void evaluate_whenComparisons_giveOneOrZero() {
        var m = Map.of("a", series(1, 2, 3));

        assertThat(eval("a < 2", m)).containsExactlyEntriesOf(series(1, 0, 0));
        assertThat(eval("a <= 2", m)).containsExactlyEntriesOf(series(1, 1, 0));
        assertThat(eval("a > 2", m)).containsExactlyEntriesOf(series(0, 0, 1));
        assertThat(eval("a >= 2", m)).containsExactlyEntriesOf(series(0, 1, 1));
        assertThat(eval("a == 2", m)).containsExactlyEntriesOf(series(0, 1, 0));
        assertThat(eval("a != 2", m)).containsExactlyEntriesOf(series(1, 0, 1));
    }

    @Test
    void evaluate_whenTwoSeries_combinesOnSharedTimestampsOnly() {
        NavigableMap<Instant, Double> b = new TreeMap<>(Map.of(T1, 10.0, T2, 20.0));

        assertThat(eval("a + b", Map.of("a", series(1, 2), "b", b))).containsExactlyEntriesOf(Map.of(T1, 12.0));
    }

    @Test
    void evaluate_whenRate_givesChangePerSecondWithoutFirstPoint() {
        var result = eval("RATE(a)", Map.of("a", series(1000, 400, 400)));

        assertThat(result).containsOnlyKeys(T1, T2);
        assertThat(result.get(T1)).isEqualTo(-2.0);
        assertThat(result.get(T2)).isEqualTo(0.0);
    }

    @Test
    void evaluate_whenIf_picksBranchPerPoint() {
        var m = Map.of("a", series(1, -1), "b", series(10, 20));

        assertThat(eval("IF(a > 0, b, 1000)", m)).containsExactlyEntriesOf(series(10, 1000));
    }

    @Test
    void evaluate_whenDivisionByZeroInUnpickedBranch_ignoresIt() {
        var m = Map.of("a", series(5, 0));

        assertThat(eval("IF(a != 0, 10 / a, -1)", m)).containsExactlyEntriesOf(series(2, -1));
        assertThat(eval("10 / a", m)).containsExactlyEntriesOf(series(2));
    }

    @Test
    void evaluate_whenTemplateHoursExpression_givesHoursUntilEmpty() {
        String hours = "IF(RATE(credits) < 0, credits / (-1 * RATE(credits)) / 3600, 1000)";
        // 3600 bytes lost per 300 s = 12 bytes/s; 36000 left -> 3000 s -> 0.8333 h
        var result = eval(hours, Map.of("credits", series(43200, 39600, 39600)));

        assertThat(result.get(T1)).isCloseTo(39600.0 / 12 / 3600, within(1e-9));
        assertThat(result.get(T2)).isEqualTo(1000.0);
        assertThat(result).doesNotContainKey(T0);
    }

    @Test
    void references_whenParsed_listsMetricIds() {
        assertThat(MetricExpression.parse("IF(RATE(credits) < 0, credits / x, 1000)").references()).containsExactly("credits", "x");
    }

    @Test
    void parse_whenUnsupportedFunction_failsNamingIt() {
        assertThatThrownBy(() -> MetricExpression.parse("SUM(METRICS())"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("function SUM")
                .hasMessageContaining("not supported");
    }

    @Test
    void parse_whenLogicalOperators_fails() {
        assertThatThrownBy(() -> MetricExpression.parse("a > 1 && b > 1")).hasMessageContaining("'&'");
        assertThatThrownBy(() -> MetricExpression.parse("a > 1 AND b > 1")).hasMessageContaining("AND");
    }

    @Test
    void parse_whenMalformed_failsSayingWhat() {
        assertThatThrownBy(() -> MetricExpression.parse("(a + 1")).hasMessageContaining("expected ')'");
        assertThatThrownBy(() -> MetricExpression.parse("a +")).hasMessageContaining("ends where a value was expected");
        assertThatThrownBy(() -> MetricExpression.parse("a b")).hasMessageContaining("unexpected 'b'");
        assertThatThrownBy(() -> MetricExpression.parse("IF(a, b)")).hasMessageContaining("IF takes 3 arguments");
        assertThatThrownBy(() -> MetricExpression.parse(" ")).hasMessageContaining("empty");
    }

    @Test
    void evaluate_whenIdHasNoMetric_failsNamingIt() {
        assertThatThrownBy(() -> eval("a + zz", Map.of("a", series(1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("zz");
    }

    @Test
    void evaluate_whenResultIsANumber_fails() {
        assertThatThrownBy(() -> eval("1 + 2", Map.of())).hasMessageContaining("single number");
    }

    @Test
    void evaluate_whenRateOfNumber_fails() {
        assertThatThrownBy(() -> eval("RATE(5)", Map.of())).hasMessageContaining("RATE needs a time series");
    }
}

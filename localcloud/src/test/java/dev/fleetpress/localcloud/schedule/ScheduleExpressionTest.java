package dev.fleetpress.localcloud.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScheduleExpressionTest {
    @Test
    void parse_whenRateMinutes_givesThePeriod() {
        assertThat(ScheduleExpression.parse("rate(2 minutes)")).isEqualTo(new ScheduleExpression.Rate(Duration.ofMinutes(2)));
    }

    @Test
    void parse_whenRateOfOneHour_givesOneHour() {
        assertThat(ScheduleExpression.parse("rate(1 hour)")).isEqualTo(new ScheduleExpression.Rate(Duration.ofHours(1)));
    }

    @Test
    void parse_whenRateDays_givesDays() {
        assertThat(ScheduleExpression.parse("rate(3 days)")).isEqualTo(new ScheduleExpression.Rate(Duration.ofDays(3)));
    }

    @Test
    void parse_whenPluralUnitForOne_failsSayingSingular() {
        assertThatThrownBy(() -> ScheduleExpression.parse("rate(1 minutes)")).hasMessageContaining("singular");
    }

    @Test
    void parse_whenSingularUnitForMany_failsSayingPlural() {
        assertThatThrownBy(() -> ScheduleExpression.parse("rate(5 minute)")).hasMessageContaining("plural");
    }

    @Test
    void parse_whenRateZero_fails() {
        assertThatThrownBy(() -> ScheduleExpression.parse("rate(0 minutes)")).hasMessageContaining("at least 1");
    }

    @Test
    void parse_whenRateUnitUnknown_failsNamingUnits() {
        assertThatThrownBy(() -> ScheduleExpression.parse("rate(5 seconds)")).hasMessageContaining("minute(s), hour(s) or day(s)");
    }

    @Test
    void next_whenRate_addsThePeriod() {
        Instant t = Instant.parse("2024-01-01T00:00:30Z");

        assertThat(ScheduleExpression.parse("rate(2 minutes)").next(t)).contains(Instant.parse("2024-01-01T00:02:30Z"));
    }

    @Test
    void next_whenDailyCronTimePassedToday_givesTomorrow() {
        ScheduleExpression noon = ScheduleExpression.parse("cron(0 12 * * ? *)");

        assertThat(noon.next(Instant.parse("2024-01-01T13:00:00Z"))).contains(Instant.parse("2024-01-02T12:00:00Z"));
    }

    @Test
    void next_whenWeekdayCronOnSaturday_givesMondayMidnight() {
        ScheduleExpression weekdays = ScheduleExpression.parse("cron(0/15 * ? * MON-FRI *)");

        assertThat(weekdays.next(Instant.parse("2024-01-06T10:07:00Z"))).contains(Instant.parse("2024-01-08T00:00:00Z"));
    }

    @Test
    void next_whenIncrementWithinHour_givesNextStep() {
        ScheduleExpression quarter = ScheduleExpression.parse("cron(0/15 * * * ? *)");

        assertThat(quarter.next(Instant.parse("2024-01-01T10:07:59Z"))).contains(Instant.parse("2024-01-01T10:15:00Z"));
    }

    @Test
    void next_whenYearsAllPassed_givesNothing() {
        assertThat(ScheduleExpression.parse("cron(0 0 1 1 ? 1999)").next(Instant.parse("2024-01-01T00:00:00Z"))).isEmpty();
    }

    @Test
    void parse_whenCronUsesL_failsSayingUnsupported() {
        assertThatThrownBy(() -> ScheduleExpression.parse("cron(0 12 L * ? *)"))
                .hasMessageContaining("L, W or #").hasMessageContaining("not support");
    }

    @Test
    void parse_whenCronHasBothDayFields_failsNamingTheRule() {
        assertThatThrownBy(() -> ScheduleExpression.parse("cron(0 12 1 * MON *)")).hasMessageContaining("exactly one of");
    }

    @Test
    void parse_whenCronHasFiveFields_failsAskingForSix() {
        assertThatThrownBy(() -> ScheduleExpression.parse("cron(0 12 * * ?)")).hasMessageContaining("six");
    }

    @Test
    void parse_whenCronValueOutOfRange_failsNamingTheField() {
        assertThatThrownBy(() -> ScheduleExpression.parse("cron(0 24 * * ? *)")).hasMessageContaining("Hours value 24");
    }
}

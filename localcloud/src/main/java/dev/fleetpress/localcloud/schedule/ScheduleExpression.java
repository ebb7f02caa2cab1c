package dev.fleetpress.localcloud.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An EventBridge schedule expression: {@code rate(value unit)} or {@code cron(six fields)}, in UTC.
 */
public sealed interface ScheduleExpression permits ScheduleExpression.Rate, CronSchedule {

    /** The first time after {@code after} that the schedule fires; empty when it never fires again. */
    Optional<Instant> next(Instant after);

    /**
     * Parses {@code rate(N minute|minutes|hour|hours|day|days)} (singular exactly when N is 1, as
     * EventBridge requires) or {@code cron(Minutes Hours Day-of-month Month Day-of-week Year)}.
     *
     * @throws IllegalArgumentException naming what is wrong, or what localcloud does not support
     */
    static ScheduleExpression parse(String expression) {
        Objects.requireNonNull(expression, "expression");
        String e = expression.strip();
        if (e.startsWith("rate(") && e.endsWith(")")) {
            return Rate.parse(e);
        }
        if (e.startsWith("cron(") && e.endsWith(")")) {
            return CronSchedule.parse(e.substring(5, e.length() - 1));
        }
        if (e.startsWith("at(")) {
            throw new IllegalArgumentException("schedule " + e + ": one-time at(...) schedules are not supported by localcloud; "
                    + "use rate(...) or cron(...)");
        }
        throw new IllegalArgumentException("schedule " + e + " is neither rate(value unit) nor cron(six fields)");
    }

    /** A fixed period, first fired one period after the rule starts. */
    record Rate(Duration period) implements ScheduleExpression {
        private static final Pattern RATE = Pattern.compile("rate\\(\\s*(\\d+)\\s+(minute|minutes|hour|hours|day|days)\\s*\\)");

        public Rate {
            Objects.requireNonNull(period, "period");
            if (period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("a rate must be positive, got " + period);
            }
        }

        static Rate parse(String expression) {
            Matcher m = RATE.matcher(expression);
            if (!m.matches()) {
                throw new IllegalArgumentException("schedule " + expression + " is not rate(value unit) with a whole value and "
                        + "a unit of minute(s), hour(s) or day(s)");
            }
            long value;
            try {
                value = Long.parseLong(m.group(1));
            } catch (NumberFormatException tooLong) {
                throw new IllegalArgumentException("schedule " + expression + ": the value is too large", tooLong);
            }
            String unit = m.group(2);
            if (value < 1) {
                throw new IllegalArgumentException("schedule " + expression + ": the value must be at least 1");
            }
            if ((value == 1) == unit.endsWith("s")) {
                throw new IllegalArgumentException("schedule " + expression + ": EventBridge wants the singular unit for 1 "
                        + "and the plural for more (rate(1 minute), rate(5 minutes))");
            }
            Duration one = switch (unit.replaceFirst("s$", "")) {
                case "minute" -> Duration.ofMinutes(1);
                case "hour" -> Duration.ofHours(1);
                default -> Duration.ofDays(1);
            };
            return new Rate(one.multipliedBy(value));
        }

        @Override
        public Optional<Instant> next(Instant after) {
            return Optional.of(after.plus(period));
        }
    }
}

package dev.fleetpress.localcloud.schedule;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An EventBridge {@code cron(Minutes Hours Day-of-month Month Day-of-week Year)} expression in UTC.
 * Supported in each field: values, {@code *}, ranges {@code a-b}, lists {@code a,b}, increments
 * {@code a/n} and {@code *}{@code /n}, month names JAN–DEC and day names SUN–SAT (1 is Sunday), and
 * {@code ?} in exactly one of the two day fields. {@code L}, {@code W} and {@code #} are refused with a
 * message saying so.
 */
public final class CronSchedule implements ScheduleExpression {
    private static final int FIRST_YEAR = 1970;
    private static final int LAST_YEAR = 2199;
    private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP",
            "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

    private final String expression;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final BitSet years;
    private final boolean anyDayOfMonth;

    private CronSchedule(String expression, BitSet minutes, BitSet hours, BitSet daysOfMonth, BitSet months,
                         BitSet daysOfWeek, BitSet years, boolean anyDayOfMonth) {
        this.expression = expression;
        this.minutes = minutes;
        this.hours = hours;
        this.daysOfMonth = daysOfMonth;
        this.months = months;
        this.daysOfWeek = daysOfWeek;
        this.years = years;
        this.anyDayOfMonth = anyDayOfMonth;
    }

    /** The expression as written, {@code cron(...)} included. */
    public String expression() {
        return expression;
    }

    @Override
    public String toString() {
        return expression;
    }

    static CronSchedule parse(String fields) {
        String expression = "cron(" + fields + ")";
        String[] f = fields.strip().split("\\s+");
        if (f.length != 6) {
            throw new IllegalArgumentException("schedule " + expression + " has " + f.length
                    + " fields; EventBridge cron takes six: Minutes Hours Day-of-month Month Day-of-week Year");
        }
        boolean domAny = f[2].equals("?");
        boolean dowAny = f[4].equals("?");
        if (domAny == dowAny) {
            throw new IllegalArgumentException("schedule " + expression + ": exactly one of Day-of-month and Day-of-week "
                    + "must be ?, as EventBridge requires");
        }
        return new CronSchedule(expression,
                field(expression, "Minutes", f[0], 0, 59, List.of(), 0),
                field(expression, "Hours", f[1], 0, 23, List.of(), 0),
                domAny ? all(1, 31) : field(expression, "Day-of-month", f[2], 1, 31, List.of(), 0),
                field(expression, "Month", f[3], 1, 12, MONTHS, 1),
                dowAny ? all(1, 7) : field(expression, "Day-of-week", f[4], 1, 7, DAYS, 1),
                field(expression, "Year", f[5], FIRST_YEAR, LAST_YEAR, List.of(), 0),
                domAny);
    }

    @Override
    public Optional<Instant> next(Instant after) {
        ZonedDateTime start = after.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        LocalDate day = start.toLocalDate();
        while (day.getYear() <= LAST_YEAR) {
            if (!years.get(day.getYear())) {
                day = LocalDate.of(day.getYear() + 1, 1, 1);
                continue;
            }
            if (!months.get(day.getMonthValue())) {
                day = day.withDayOfMonth(1).plusMonths(1);
                continue;
            }
            if (dayMatches(day)) {
                boolean firstDay = day.equals(start.toLocalDate());
                for (int h = hours.nextSetBit(firstDay ? start.getHour() : 0); h >= 0; h = hours.nextSetBit(h + 1)) {
                    int fromMinute = firstDay && h == start.getHour() ? start.getMinute() : 0;
                    int m = minutes.nextSetBit(fromMinute);
                    if (m >= 0) {
                        return Optional.of(day.atTime(h, m).toInstant(ZoneOffset.UTC));
                    }
                }
            }
            day = day.plusDays(1);
        }
        return Optional.empty();
    }

    private boolean dayMatches(LocalDate day) {
        if (!anyDayOfMonth) {
            return daysOfMonth.get(day.getDayOfMonth());
        }
        return daysOfWeek.get(awsDayOfWeek(day.getDayOfWeek()));
    }

    /** EventBridge numbers days from 1 (Sunday) to 7 (Saturday). */
    private static int awsDayOfWeek(DayOfWeek day) {
        return day.getValue() % 7 + 1;
    }

    private static BitSet field(String expression, String name, String text, int min, int max, List<String> names, int nameBase) {
        String upper = text.toUpperCase(Locale.ROOT);
        String withoutNames = upper;
        for (String n : names) {
            withoutNames = withoutNames.replace(n, "");
        }
        if (withoutNames.contains("L") || withoutNames.contains("W") || withoutNames.contains("#")) {
            throw new IllegalArgumentException("schedule " + expression + ": " + name + " '" + text
                    + "' uses L, W or #, which localcloud does not support (values, *, ranges, lists and increments only)");
        }
        if (upper.equals("?")) {
            throw new IllegalArgumentException("schedule " + expression + ": ? is only allowed in Day-of-month or Day-of-week");
        }
        BitSet out = new BitSet();
        for (String part : upper.split(",", -1)) {
            int slash = part.indexOf('/');
            String range = slash < 0 ? part : part.substring(0, slash);
            int step = slash < 0 ? 1 : number(expression, name, part.substring(slash + 1), 1, max, List.of(), 0);
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else if (range.contains("-")) {
                String[] ends = range.split("-", -1);
                if (ends.length != 2) {
                    throw bad(expression, name, text);
                }
                from = number(expression, name, ends[0], min, max, names, nameBase);
                to = number(expression, name, ends[1], min, max, names, nameBase);
            } else {
                from = number(expression, name, range, min, max, names, nameBase);
                to = slash < 0 ? from : max;
            }
            if (from > to) {
                throw new IllegalArgumentException("schedule " + expression + ": " + name + " range " + range
                        + " runs backwards");
            }
            for (int v = from; v <= to; v += step) {
                out.set(v);
            }
        }
        return out;
    }

    private static int number(String expression, String name, String text, int min, int max, List<String> names, int nameBase) {
        int index = names.indexOf(text);
        if (index >= 0) {
            return index + nameBase;
        }
        try {
            int v = Integer.parseInt(text);
            if (v < min || v > max) {
                throw new IllegalArgumentException("schedule " + expression + ": " + name + " value " + v + " is outside "
                        + min + "–" + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw bad(expression, name, text);
        }
    }

    private static IllegalArgumentException bad(String expression, String name, String text) {
        return new IllegalArgumentException("schedule " + expression + ": cannot read " + name + " '" + text + "'");
    }

    private static BitSet all(int from, int to) {
        BitSet out = new BitSet();
        out.set(from, to + 1);
        return out;
    }
}

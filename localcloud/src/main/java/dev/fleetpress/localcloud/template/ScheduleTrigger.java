package dev.fleetpress.localcloud.template;

/**
 * One {@code Schedule} or {@code ScheduleV2} event of a function.
 *
 * @param expression {@code rate(…)} or {@code cron(…)}
 * @param input      the constant JSON input the target gets, empty when it gets the Scheduled Event itself
 * @param enabled    false when the template disables the schedule
 */
public record ScheduleTrigger(String eventName, String expression, String input, boolean enabled) {
}

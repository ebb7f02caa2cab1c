package dev.fleetpress.localcloud.schedule;

/** A scheduled invocation whose invoke call threw, kept so that it is not lost. */
public record ScheduleFailure(String ruleName, String payload, Throwable error) {
}

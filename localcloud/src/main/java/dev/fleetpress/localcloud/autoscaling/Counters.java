package dev.fleetpress.localcloud.autoscaling;

/**
 * What Auto Scaling has done since it started, over every group.
 *
 * @param launched   instances launched (into a group or its warm pool)
 * @param abandoned  launches abandoned, by a caller or by a DefaultResult of ABANDON
 * @param terminated instances that reached {@code Terminated}
 * @param timeouts   lifecycle actions ended by their heartbeat timeout or the global wait cap
 */
public record Counters(long launched, long abandoned, long terminated, long timeouts) {
}

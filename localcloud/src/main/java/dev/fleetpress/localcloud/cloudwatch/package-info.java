/**
 * localcloud's CloudWatch and simulated time: {@link dev.fleetpress.localcloud.cloudwatch.SimulatedClock}
 * (moves only when told), {@link dev.fleetpress.localcloud.cloudwatch.MetricStore} (samples and their
 * period statistics), {@link dev.fleetpress.localcloud.cloudwatch.MetricExpression} (the metric math
 * the alarms use), and {@link dev.fleetpress.localcloud.cloudwatch.LocalCloudWatch}, an in-process
 * {@code CloudWatchClient} that evaluates template.yaml's alarms as time advances and puts their
 * {@code CloudWatch Alarm State Change} events on the event bus.
 */
package dev.fleetpress.localcloud.cloudwatch;

/**
 * localcloud's EFS: {@link dev.fleetpress.localcloud.efs.LocalEfs}, an in-process
 * {@code EfsClient} with EFS's 24-hour rule for throughput changes, data folders that instances
 * mount, and the burst-credit model of {@link dev.fleetpress.localcloud.efs.CreditModel}, whose
 * balance it publishes as {@code AWS/EFS BurstCreditBalance} every simulated minute. Time is the
 * simulated clock that {@link dev.fleetpress.localcloud.cloudwatch.LocalCloudWatch#advance} moves.
 */
package dev.fleetpress.localcloud.efs;

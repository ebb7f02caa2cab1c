package dev.fleetpress.efs;

import dev.fleetpress.Settings;
import dev.fleetpress.aws.AutoScalingGroupMembers;
import dev.fleetpress.aws.CloudWatchAlarmStates;
import dev.fleetpress.aws.CloudWatchCreditMetrics;
import dev.fleetpress.aws.DependencyFactory;
import dev.fleetpress.aws.EfsFileSystems;
import dev.fleetpress.aws.S3Ledger;
import dev.fleetpress.aws.S3ObjectStore;
import dev.fleetpress.aws.SnsAlerts;
import dev.fleetpress.aws.SsmCommandRunner;
import dev.fleetpress.fleet.Alerts;
import dev.fleetpress.fleet.CommandRunner;
import dev.fleetpress.fleet.FleetRecords;
import dev.fleetpress.media.MigrationStarter;
import dev.fleetpress.release.ReleasePipeline;
import dev.fleetpress.rollout.FleetReleaseInstances;
import dev.fleetpress.rollout.GroupMembers;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * The EFS response and the exit plan over AWS, configured by EfsFunction's environment: the one place
 * where this package's ports meet their adapters. The CLI builds the same from a {@link DependencyFactory}
 * and the function's variables (for {@code fleetpress efs evacuate <env>}: {@code evacuations().start(env, who)}).
 */
public record EfsServices(EfsConfig config, EfsRecords records, ThroughputResponse response, Evacuations evacuations) {
    /** Reads the variables (see {@link EfsConfig#from}, ALERT_TOPIC_ARN, PARAMETER_PREFIX, BUILD_PROJECT); calls no AWS. */
    public static EfsServices create(DependencyFactory deps, Settings settings) {
        EfsConfig config = EfsConfig.from(settings);
        String bucket = config.releaseBucket();
        EfsRecords records = new EfsRecords(S3Ledger.create(deps.s3(), bucket, EfsRecords.PREFIX));
        Alerts alerts = SnsAlerts.create(deps::sns, settings.required("ALERT_TOPIC_ARN"));
        GroupMembers members = AutoScalingGroupMembers.create(deps::autoScaling);
        CommandRunner commands = SsmCommandRunner.create(deps::ssm);
        ReleasePipeline pipeline = ReleasePipeline.create(deps, settings);
        MigrationStarter migrations = MigrationStarter.of(commands, S3ObjectStore.create(deps.s3(), config.mediaBucket()),
                config.mediaExportDocument(), config.mediaBucket(), deps.clock());
        Evacuations evacuations = Evacuations.of(config, records, members, commands,
                S3Ledger.create(deps.s3(), bucket, "captures/"), new PipelineCapturedReleases(pipeline), pipeline::promote,
                migrations, new FleetReleaseInstances(config.groups(), members,
                        new FleetRecords(S3Ledger.create(deps.s3(), bucket, "fleet/"))), alerts,
                EfsServices::randomSuffix, deps.clock());
        ThroughputResponse response = ThroughputResponse.of(config, records, EfsFileSystems.create(deps::efs),
                CloudWatchCreditMetrics.create(deps::cloudWatch), CloudWatchAlarmStates.create(deps::cloudWatch), alerts,
                evacuations, () -> UUID.randomUUID().toString(), deps.clock());
        return new EfsServices(config, records, response, evacuations);
    }

    static String randomSuffix() {
        String s = Long.toString(Math.floorMod(new SecureRandom().nextLong(), 36L * 36 * 36 * 36), 36);
        return "0".repeat(4 - s.length()) + s;
    }
}

package dev.fleetpress.cli;

import dev.fleetpress.aws.SsmEnvironmentPointers;
import dev.fleetpress.aws.SsmSiteConfiguration;
import dev.fleetpress.cli.MediaCommand.Cloud;
import dev.fleetpress.cli.MediaCommand.MediaException;
import dev.fleetpress.cli.MediaCommand.Where;
import dev.fleetpress.localcloud.template.Template;
import dev.fleetpress.media.offload.OffloadPlugin;
import dev.fleetpress.media.offload.OffloadSettings;
import dev.fleetpress.release.ReleaseBackendException;
import dev.fleetpress.release.ReleaseId;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * {@code fleetpress media configure <env> --plugin s3-uploads|wp-offload-media [--cdn <https URL>]}: sets the
 * offload plugin's constants as the environment's SSM site configuration ({@code <prefix>/config/<env>/NAME}),
 * so that every bootstrap writes them into wp-config.php ({@link OffloadSettings} says which and why): new
 * uploads go to the media bucket under the keys the migration used, with the instance role, private, and
 * served through the CDN when one is given. The constants of the other plugin (and a CDN URL no longer given)
 * are removed. Instances pick the change up at their next activation; the command prints how to run the
 * bootstrap document on the group again to apply it at once (promoting the current release again does not: the
 * pointer does not move).
 */
@Command(name = "configure", mixinStandardHelpOptions = true,
        description = "Configure the offload plugin (S3-Uploads or WP Offload Media) for new uploads through the "
                + "environment's SSM site configuration; instances apply it at their next activation.")
final class MediaConfigureCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ENV", description = "The environment (production, staging…).")
    String environment;

    @Option(names = "--plugin", required = true, paramLabel = "NAME", description = "s3-uploads or wp-offload-media (the "
            + "plugin must be part of the site's release).")
    String plugin;

    @Option(names = "--cdn", paramLabel = "URL", description = "The CDN in front of the media bucket, https://host (for "
            + "s3-uploads optionally with a path), serving the bucket's keys as paths. Without one, visitors cannot "
            + "fetch new uploads: the bucket blocks public access.")
    String cdn = "";

    @Option(names = "--region", paramLabel = "NAME", description = "The media bucket's region (default: the AWS SDK's "
            + "region with --aws, localcloud's otherwise).")
    String region = "";

    @Mixin
    Where where = new Where();

    @Override
    public Integer call() {
        return MediaCommand.handled(() -> {
            OffloadPlugin chosen = validate();
            try (Cloud cloud = Cloud.connect(where)) {
                return configure(cloud, chosen, System.out);
            }
        });
    }

    /** Everything checked before anything is written. */
    OffloadPlugin validate() {
        where.validate();
        MediaCommand.requireEnvironment(environment);
        try {
            OffloadPlugin chosen = OffloadPlugin.of(plugin);
            // Checked now with a stand-in bucket and region, so a bad --cdn writes nothing.
            new OffloadSettings(chosen, "bucket-check", region.isEmpty() ? "us-east-1" : region, cdn);
            return chosen;
        } catch (IllegalArgumentException e) {
            throw new MediaException(e.getMessage(), 2);
        }
    }

    int configure(Cloud cloud, OffloadPlugin chosen, PrintStream out) {
        if (cloud.groups().groupOf(environment).isEmpty()) {
            throw new MediaException("unknown environment " + environment + ": template.yaml's FLEET_GROUPS has "
                    + cloud.groups().environments(), 2);
        }
        String prefix = "/fleetpress/" + cloud.stackName();
        String releaseBucket = "<ReleaseBucketName>";
        String bucketRegion = region;
        if (cloud.local()) {
            Template template = Workspace.localTemplate();
            prefix = template.outputs().get("ParameterPrefix");
            releaseBucket = template.outputs().get("ReleaseBucketName");
            bucketRegion = bucketRegion.isEmpty() ? template.context().region() : bucketRegion;
        } else if (bucketRegion.isEmpty()) {
            try {
                bucketRegion = cloud.ssm().serviceClientConfiguration().region().id();
            } catch (SdkException | NullPointerException e) {
                throw new MediaException("cannot tell the AWS region: set AWS_REGION or pass --region", 2);
            }
        }
        OffloadSettings settings;
        try {
            settings = new OffloadSettings(chosen, cloud.bucket(), bucketRegion, cdn);
        } catch (IllegalArgumentException e) {
            throw new MediaException(e.getMessage(), 2);
        }
        String release;
        try {
            release = SsmEnvironmentPointers.create(cloud.ssm(), prefix).current(environment).map(ReleaseId::value)
                    .orElse("<current release>");
        } catch (RuntimeException e) {
            release = "<current release>";
        }
        String group = cloud.groups().groupOf(environment).orElseThrow();
        String activate = "aws ssm send-command --document-name " + cloud.stackName() + "-bootstrap --targets "
                + "Key=tag:aws:autoscaling:groupName,Values=" + group + " --parameters ReleaseId=" + release + ",Environment="
                + environment + ",ReleaseBucket=" + releaseBucket + ",ParameterPrefix=" + prefix;
        return configure(SsmSiteConfiguration.create(cloud.ssm(), prefix), settings, activate, out);
    }

    /**
     * Writes {@code settings} into {@code configuration} and prints what changed and how to apply it now
     * ({@code activate}: the command that runs the bootstrap document on the group again); the exit code.
     */
    int configure(SsmSiteConfiguration configuration, OffloadSettings settings, String activate, PrintStream out) {
        OffloadSettings.Applied applied;
        try {
            applied = settings.applyTo(configuration, environment);
        } catch (ReleaseBackendException e) {
            throw new MediaException(e.getMessage() + "; run the command again", 2);
        }
        out.println(environment + ": " + settings.plugin().slug() + " configured for new uploads (s3://" + settings.bucket()
                + "/" + OffloadSettings.UPLOADS_PREFIX + "…, instance role, private objects"
                + (settings.cdn().isEmpty() ? "" : ", served through " + settings.cdn()) + ")");
        applied.written().forEach((name, value) -> out.println("  set    " + configuration.parameterName(environment, name)
                + " = " + value));
        applied.removed().forEach(name -> out.println("  removed " + configuration.parameterName(environment, name)));
        if (settings.cdn().isEmpty()) {
            out.println("note: no --cdn: the media bucket blocks public access, so visitors cannot fetch new uploads from "
                    + "its S3 URL; put a CDN with access to the bucket in front of it and configure again with --cdn");
        } else {
            out.println("new uploads' URLs start with " + settings.uploadsBaseUrl() + " (the --to of fleetpress media "
                    + "rewrite-urls " + environment + ")");
        }
        // Promoting the current release again answers "already runs" and moves nothing, so it would not apply it.
        out.println("instances apply it at their next activation (the next release's rollout, or a new instance's "
                + "bootstrap); the plugin itself must be in the site's release. To apply it now, run the bootstrap "
                + "document on the group again (it reinstalls nothing, it rewrites wp-config.php):");
        out.println("  " + activate);
        return 0;
    }
}

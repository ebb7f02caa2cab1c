package dev.fleetpress.rollout;

import dev.fleetpress.Settings;
import dev.fleetpress.fleet.FleetGroups;
import dev.fleetpress.fleet.FleetIds;
import dev.fleetpress.upgrade.UpgradeGate.UpgradeConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the rollout function is told by its environment (template.yaml's RolloutFunction).
 *
 * @param activateDocument the document that installs and activates a release (the bootstrap document)
 * @param maxConcurrency   ROLLOUT_MAX_CONCURRENCY: instances activated at once (number or percentage)
 * @param maxErrors        ROLLOUT_MAX_ERRORS: failed activations tolerated before the roll stops
 * @param claimLease       how long a runner may hold a rollout or upgrade claim before sending its command
 * @param activationLease  how long an activation may run before reconciliation polls it
 */
public record RolloutConfig(FleetGroups groups, String activateDocument, String releaseBucket, String parameterPrefix,
                            String maxConcurrency, String maxErrors, Duration claimLease, Duration activationLease,
                            UpgradeConfig upgrade) {
    private static final Pattern SSM_COUNT = Pattern.compile("^([1-9][0-9]{0,3}|[1-9][0-9]?%|100%)$");
    private static final Pattern SSM_ERRORS = Pattern.compile("^([0-9]{1,4}|[0-9]{1,2}%|100%)$");

    public RolloutConfig {
        Objects.requireNonNull(groups, "groups");
        FleetIds.name(activateDocument, "ACTIVATE_DOCUMENT");
        Objects.requireNonNull(releaseBucket, "releaseBucket");
        Objects.requireNonNull(parameterPrefix, "parameterPrefix");
        if (maxConcurrency == null || !SSM_COUNT.matcher(maxConcurrency).matches()) {
            throw new IllegalArgumentException("ROLLOUT_MAX_CONCURRENCY '" + maxConcurrency
                    + "' must be a number from 1 or a percentage such as 50% (SSM's MaxConcurrency)");
        }
        if (maxErrors == null || !SSM_ERRORS.matcher(maxErrors).matches()) {
            throw new IllegalArgumentException("ROLLOUT_MAX_ERRORS '" + maxErrors
                    + "' must be a number from 0 or a percentage (SSM's MaxErrors)");
        }
        Objects.requireNonNull(upgrade, "upgrade");
    }

    /** Reads the function's variables; fails fast naming the one that is missing or malformed. */
    public static RolloutConfig from(Settings settings) {
        Duration claim = Duration.ofSeconds(settings.optionalLong("CLAIM_LEASE_SECONDS", 60));
        return new RolloutConfig(FleetGroups.parse(settings.required("FLEET_GROUPS")),
                settings.required("ACTIVATE_DOCUMENT"),
                settings.required("RELEASE_BUCKET"),
                settings.required("PARAMETER_PREFIX"),
                settings.optional("ROLLOUT_MAX_CONCURRENCY", "50%"),
                settings.optional("ROLLOUT_MAX_ERRORS", "0"),
                claim,
                Duration.ofSeconds(settings.optionalLong("ACTIVATION_LEASE_SECONDS", 3900)),
                new UpgradeConfig(FleetIds.name(settings.required("UPGRADE_DOCUMENT"), "UPGRADE_DOCUMENT"),
                        settings.optional("PLUGIN_UPGRADERS", ""),
                        claim,
                        Duration.ofSeconds(settings.optionalLong("UPGRADE_LEASE_SECONDS", 3900)),
                        (int) settings.optionalLong("UPGRADE_MAX_ATTEMPTS", 3)));
    }
}

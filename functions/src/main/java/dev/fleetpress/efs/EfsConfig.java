package dev.fleetpress.efs;

import dev.fleetpress.Settings;
import dev.fleetpress.fleet.FleetGroups;
import dev.fleetpress.fleet.FleetIds;
import dev.fleetpress.release.Environments;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What EfsFunction is told by its environment (template.yaml's EfsFunction).
 *
 * @param fileSystems        EFS_FILE_SYSTEMS: environment → file system id (environments with an empty id are left out)
 * @param alarmPrefix        ALARM_PREFIX: the credit alarms' names are this prefix and the environment
 * @param responseMode       EFS_RESPONSE_MODE: elastic or provisioned, what an ALARM switches to
 * @param provisionedMibps   EFS_PROVISIONED_MIBPS: the throughput when the response mode is provisioned
 * @param returnToBursting   EFS_RETURN_TO_BURSTING: whether the schedule goes back to bursting after the cooldown
 * @param cooldown           EFS_COOLDOWN_HOURS: how long the alarm must stay OK before that
 * @param webrootPath        EFS_WEBROOT_PATH: the webroot still on EFS (captured; its wp-content/uploads migrated)
 * @param captureDocument    CAPTURE_DOCUMENT: the SSM document that captures the live webroot as a release
 * @param mediaExportDocument MEDIA_EXPORT_DOCUMENT: the media export document ({@code fleetpress media migrate}'s)
 */
public record EfsConfig(Map<String, String> fileSystems, String alarmPrefix, ThroughputMode responseMode,
                        double provisionedMibps, boolean returnToBursting, Duration cooldown, String webrootPath,
                        FleetGroups groups, String captureDocument, String mediaExportDocument, String mediaBucket,
                        String releaseBucket) {
    private static final Pattern PATH = Pattern.compile("^/[A-Za-z0-9_./-]{1,255}$");
    private static final Pattern BUCKET = Pattern.compile("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$");
    private static final Pattern PREFIX = Pattern.compile("^[A-Za-z0-9._-]{1,200}$");

    public EfsConfig {
        fileSystems = Collections.unmodifiableMap(new LinkedHashMap<>(fileSystems));
        if (alarmPrefix == null || !PREFIX.matcher(alarmPrefix).matches()) {
            throw new IllegalArgumentException("ALARM_PREFIX '" + alarmPrefix + "' must be letters, digits, '.', '_' or '-' "
                    + "(template.yaml sets it to <stack>-efs-credits-)");
        }
        if (responseMode == ThroughputMode.BURSTING || responseMode == null) {
            throw new IllegalArgumentException("EFS_RESPONSE_MODE must be elastic or provisioned: bursting is what runs out");
        }
        if (!(provisionedMibps >= 1 && provisionedMibps <= 3414)) {
            throw new IllegalArgumentException("EFS_PROVISIONED_MIBPS must be 1 to 3414 MiB/s, got " + provisionedMibps);
        }
        Objects.requireNonNull(cooldown, "cooldown");
        if (cooldown.isNegative()) {
            throw new IllegalArgumentException("EFS_COOLDOWN_HOURS must not be negative");
        }
        if (webrootPath == null || !PATH.matcher(webrootPath).matches() || webrootPath.contains("..")) {
            throw new IllegalArgumentException("EFS_WEBROOT_PATH '" + webrootPath + "' must be an absolute path of letters, "
                    + "digits and _ . / - without '..'");
        }
        Objects.requireNonNull(groups, "groups");
        FleetIds.name(captureDocument, "CAPTURE_DOCUMENT");
        FleetIds.name(mediaExportDocument, "MEDIA_EXPORT_DOCUMENT");
        requireBucket(mediaBucket, "MEDIA_BUCKET");
        requireBucket(releaseBucket, "RELEASE_BUCKET");
    }

    /** Reads EfsFunction's variables; fails fast naming the one that is missing or malformed. Calls nothing. */
    public static EfsConfig from(Settings settings) {
        return new EfsConfig(parseFileSystems(settings.optional("EFS_FILE_SYSTEMS", "")),
                settings.required("ALARM_PREFIX"),
                ThroughputMode.parse(settings.optional("EFS_RESPONSE_MODE", "elastic")),
                settings.optionalLong("EFS_PROVISIONED_MIBPS", 100),
                parseBoolean(settings.optional("EFS_RETURN_TO_BURSTING", "true")),
                Duration.ofHours(settings.optionalLong("EFS_COOLDOWN_HOURS", 6)),
                settings.optional("EFS_WEBROOT_PATH", "/var/www/html"),
                FleetGroups.parse(settings.required("FLEET_GROUPS")),
                settings.required("CAPTURE_DOCUMENT"),
                settings.required("MEDIA_EXPORT_DOCUMENT"),
                settings.required("MEDIA_BUCKET"),
                settings.required("RELEASE_BUCKET"));
    }

    /**
     * Parses {@code production=fs-0123456789abcdef0,staging=}: environments whose id is empty have no
     * file system (the template passes its parameters through, empty when none is configured).
     */
    public static Map<String, String> parseFileSystems(String spec) {
        Map<String, String> out = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return out;
        }
        for (String pair : spec.split(",")) {
            String[] parts = pair.trim().split("=", -1);
            if (parts.length != 2) {
                throw new IllegalArgumentException("EFS_FILE_SYSTEMS entry '" + pair.trim() + "' is not environment=fs-id");
            }
            String environment = Environments.requireValid(parts[0].trim());
            String id = parts[1].trim();
            if (id.isEmpty()) {
                continue;
            }
            EfsIds.fileSystemId(id);
            if (out.containsKey(environment) || out.containsValue(id)) {
                throw new IllegalArgumentException("EFS_FILE_SYSTEMS names environment " + environment + " or file system "
                        + id + " twice");
            }
            out.put(environment, id);
        }
        return out;
    }

    /** The file system configured for {@code environment}. */
    public Optional<String> fileSystemOf(String environment) {
        return Optional.ofNullable(fileSystems.get(environment));
    }

    /** The environment whose file system is {@code fileSystemId}. */
    public Optional<String> environmentOf(String fileSystemId) {
        return fileSystems.entrySet().stream().filter(e -> e.getValue().equals(fileSystemId)).map(Map.Entry::getKey)
                .findFirst();
    }

    /** The credit alarm's name for {@code environment}. */
    public String alarmName(String environment) {
        return alarmPrefix + environment;
    }

    /** {@code <webroot>/wp-content/uploads}: what the exit plan migrates. */
    public String uploadsPath() {
        return webrootPath.replaceAll("/+$", "") + "/wp-content/uploads";
    }

    private static boolean parseBoolean(String value) {
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("EFS_RETURN_TO_BURSTING must be true or false, got '" + value + "'");
    }

    private static void requireBucket(String bucket, String variable) {
        if (bucket == null || !BUCKET.matcher(bucket).matches()) {
            throw new IllegalArgumentException(variable + " '" + bucket + "' is not an S3 bucket name");
        }
    }
}

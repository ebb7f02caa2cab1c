package dev.fleetpress.media;

import dev.fleetpress.fleet.CommandRunner;
import dev.fleetpress.json.Json;
import dev.fleetpress.log.Log;
import dev.fleetpress.release.Environments;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Starts a media migration: sends the media export document to one instance with a migration id and
 * records who was asked in {@code _migration/<id>/started.json}. The export then shards the instance's
 * uploads into the media bucket, and MediaFunction imports them. Shared by {@code fleetpress media migrate}
 * and the EFS exit plan, so both start migrations with the same ids, parameters and record.
 */
public final class MigrationStarter {
    /** The export document's allowedPattern for UploadsPath. */
    public static final Pattern UPLOADS_PATH = Pattern.compile("^/[A-Za-z0-9_./-]{1,255}$");
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final int MAX_JSON_BYTES = 1024 * 1024;

    private final CommandRunner commands;
    private final ObjectStore bucket;
    private final String exportDocument;
    private final String mediaBucket;
    private final Supplier<String> random;
    private final Clock clock;

    private MigrationStarter(CommandRunner commands, ObjectStore bucket, String exportDocument, String mediaBucket,
                             Supplier<String> random, Clock clock) {
        this.commands = Objects.requireNonNull(commands, "commands");
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.exportDocument = Objects.requireNonNull(exportDocument, "exportDocument");
        this.mediaBucket = Objects.requireNonNull(mediaBucket, "mediaBucket");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @param commands       Run Command on one instance
     * @param bucket         the media bucket
     * @param exportDocument the media export document's name ({@code <stack>-media-export})
     * @param mediaBucket    the media bucket's name (the document's MediaBucket parameter)
     */
    public static MigrationStarter of(CommandRunner commands, ObjectStore bucket, String exportDocument, String mediaBucket,
                                      Clock clock) {
        return new MigrationStarter(commands, bucket, exportDocument, mediaBucket, MigrationStarter::randomSuffix, clock);
    }

    /** As {@link #of}, with the four random characters of new ids from {@code random} (tests). */
    public static MigrationStarter of(CommandRunner commands, ObjectStore bucket, String exportDocument, String mediaBucket,
                                      Supplier<String> random, Clock clock) {
        return new MigrationStarter(commands, bucket, exportDocument, mediaBucket, random, clock);
    }

    /** A fresh id: {@code m-<UTC date>-<time>-<environment>-<4 random>}, sortable by its start. */
    public String newId(String environment) {
        Environments.requireValid(environment);
        return MigrationKeys.requireId("m-" + ID_TIME.format(clock.instant()) + "-" + environment + "-" + random.get());
    }

    /**
     * What to start.
     *
     * @param migrationId    the id (a fresh one from {@link #newId}, or one to resume: its uploaded shards are skipped)
     * @param shardMegabytes the largest shard in MiB, 1 to 9999
     * @param uploadsPath    the uploads folder on the instance; empty: the document's default
     */
    public record Request(String environment, String group, String instanceId, String migrationId, int shardMegabytes,
                          String uploadsPath) {
        public Request {
            Environments.requireValid(environment);
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(instanceId, "instanceId");
            MigrationKeys.requireId(migrationId);
            if (shardMegabytes < 1 || shardMegabytes > 9999) {
                throw new IllegalArgumentException("shard size must be 1 to 9999 MiB, got " + shardMegabytes);
            }
            if (!uploadsPath.isEmpty() && (!UPLOADS_PATH.matcher(uploadsPath).matches() || uploadsPath.contains(".."))) {
                throw new IllegalArgumentException("uploads path '" + uploadsPath + "' must be an absolute path of letters, "
                        + "digits and _ . / -");
            }
        }
    }

    /** The instance could not take the command now (its agent is not registered, or SSM throttled): try again later. */
    public static final class NotStarted extends RuntimeException {
        public NotStarted(String message) {
            super(message);
        }
    }

    /**
     * Sends the export and writes started.json. Throws {@link NotStarted} when the instance cannot take the
     * command yet; a started.json that cannot be written is logged, not thrown (the export runs anyway, and
     * only {@code media status}'s view of a failed export needs it).
     */
    public MigrationStart start(Request request) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("MigrationId", request.migrationId());
        parameters.put("MediaBucket", mediaBucket);
        parameters.put("ShardMegabytes", Integer.toString(request.shardMegabytes()));
        if (!request.uploadsPath().isEmpty()) {
            parameters.put("UploadsPath", request.uploadsPath());
        }
        String comment = "fleetpress media migrate " + request.environment() + " " + request.migrationId();
        CommandRunner.SendResult sent = commands.send(new CommandRunner.Command(request.instanceId(), exportDocument,
                parameters, comment.length() <= 100 ? comment : comment.substring(0, 100)));
        if (sent instanceof CommandRunner.NotReady notReady) {
            throw new NotStarted("instance " + request.instanceId() + " cannot take the export now: " + notReady.detail());
        }
        String commandId = ((CommandRunner.Sent) sent).commandId();
        MigrationStart started = new MigrationStart(request.migrationId(), request.environment(), request.group(),
                request.instanceId(), commandId, exportDocument, clock.instant());
        try {
            bucket.put(MigrationKeys.started(request.migrationId()), started.toJson().getBytes(StandardCharsets.UTF_8),
                    new ObjectStore.UploadHeaders("application/json", "no-cache", ""));
        } catch (ObjectStoreException e) {
            Log.warn("the export is running, but " + MigrationKeys.started(request.migrationId()) + " could not be written ("
                    + e.getMessage() + "); media status will not see a failed export", Map.of("migrationId",
                    request.migrationId(), "commandId", commandId));
        }
        return started;
    }

    /**
     * The instance to export from: {@code requested} if it is among {@code inService}, else the first by id.
     * Exactly one, so the shards come from one copy of the uploads. Throws {@link IllegalArgumentException}
     * saying why when there is none or the requested one is not InService.
     */
    public static String choose(String group, List<String> inService, String requested) {
        List<String> sorted = inService.stream().sorted().toList();
        if (sorted.isEmpty()) {
            throw new IllegalArgumentException("group " + group + " has no InService instance to export from");
        }
        if (requested.isEmpty()) {
            return sorted.get(0);
        }
        if (!sorted.contains(requested)) {
            throw new IllegalArgumentException("instance " + requested + " is not InService in group " + group
                    + "; these are: " + sorted);
        }
        return requested;
    }

    /**
     * How far a migration has come, from its migration.json and report.json.
     *
     * @param exported    migration.json exists (every shard uploaded)
     * @param files       files the export found (migration.json), 0 before
     * @param bytes       their bytes
     * @param reported    report.json exists (every shard imported and verified)
     * @param verified    entries verified in S3 (report.json)
     * @param rejected    entries rejected with a reason (report.json)
     * @param complete    report.json says every entry is accounted for
     */
    public record Progress(String migrationId, boolean exported, long files, long bytes, boolean reported, long verified,
                           long rejected, boolean complete) {
    }

    /** Reads the migration's progress; ObjectStoreException when the bucket cannot be read. */
    public Progress progress(String migrationId) {
        Optional<Json.Node> manifest = StoredJson.read(bucket, MigrationKeys.migrationManifest(migrationId), MAX_JSON_BYTES);
        Optional<Json.Node> report = StoredJson.read(bucket, MigrationKeys.ROOT + MigrationKeys.reportLedgerKey(migrationId),
                MAX_JSON_BYTES);
        return new Progress(migrationId, manifest.isPresent(),
                manifest.flatMap(m -> m.find("files")).map(Json.Node::asLong).orElse(0L),
                manifest.flatMap(m -> m.find("bytes")).map(Json.Node::asLong).orElse(0L),
                report.isPresent(),
                report.flatMap(r -> r.find("verified")).map(Json.Node::asLong).orElse(0L),
                report.flatMap(r -> r.find("rejected")).filter(Json.Node::isArray).map(r -> (long) r.elements().size()).orElse(0L),
                report.flatMap(r -> r.find("complete")).map(Json.Node::asBoolean).orElse(false));
    }

    private static String randomSuffix() {
        String s = Long.toString(Math.floorMod(new SecureRandom().nextLong(), 36L * 36 * 36 * 36), 36);
        return "0".repeat(4 - s.length()) + s;
    }
}

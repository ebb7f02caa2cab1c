package dev.fleetpress.media;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.fleetpress.Settings;
import dev.fleetpress.aws.DependencyFactory;
import dev.fleetpress.json.Json;
import dev.fleetpress.json.JsonException;
import dev.fleetpress.log.Log;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The media function: S3 ObjectCreated notifications (or EventBridge {@code Object Created} events,
 * see {@link MediaEvents}) for {@code _migration/<id>/shard-NNNNN.tar} → {@link MediaImport#onShardCreated},
 * and for {@code _migration/<id>/migration.json} → {@link MediaImport#onMigrationCreated}.
 *
 * <p>Answers {@code {"results":[…]}}, one per record, and logs one JSON line each (migration, shard,
 * counts, outcome). Malformed, foreign or irrelevant events are answered REJECTED or IGNORED without
 * effect, so they are not retried. Failures of S3 propagate, so Lambda's asynchronous retries deliver
 * the event again; a shard without a result is then imported again, cheaply, since stored files are
 * skipped by their sha256.
 */
public final class MediaHandler implements RequestStreamHandler {
    private final MediaImport media;
    private final String bucket;

    public MediaHandler() {
        this(DependencyFactory.lambda(), Settings.fromSystem());
    }

    /** Reads MEDIA_BUCKET, UPLOADS_PREFIX, MAX_ENTRY_BYTES and IMPORT_PARALLELISM; calls no AWS. */
    public MediaHandler(DependencyFactory deps, Settings settings) {
        this(MediaImport.create(deps, settings), settings.required("MEDIA_BUCKET"));
    }

    MediaHandler(MediaImport media, String bucket) {
        this.media = Objects.requireNonNull(media, "media");
        this.bucket = Objects.requireNonNull(bucket, "bucket");
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        List<MediaEvents.Decision> decisions;
        try {
            decisions = MediaEvents.read(Json.parse(input), bucket);
        } catch (JsonException e) {
            decisions = List.of(new MediaEvents.Rejected(e.getMessage()));
        }
        List<Object> results = new ArrayList<>();
        for (MediaEvents.Decision decision : decisions) {
            results.add(log(handle(decision)).answer());
        }
        output.write(Json.write(Json.object("results", results)).getBytes(StandardCharsets.UTF_8));
    }

    private MediaOutcome handle(MediaEvents.Decision decision) {
        if (decision instanceof MediaEvents.Target target) {
            try {
                if (target.object() instanceof MigrationKeys.Shard shard) {
                    return media.onShardCreated(shard.migrationId(), shard.shard());
                }
                return media.onMigrationCreated(target.object().migrationId());
            } catch (JsonException e) {
                // migration.json or a result is not what this import writes or reads: retrying cannot help.
                return MediaOutcome.rejected(target.key() + ": " + e.getMessage());
            }
        }
        if (decision instanceof MediaEvents.Ignored ignored) {
            return MediaOutcome.ignored(ignored.reason());
        }
        return MediaOutcome.rejected(((MediaEvents.Rejected) decision).reason());
    }

    private static MediaOutcome log(MediaOutcome outcome) {
        Map<String, Object> keys = new LinkedHashMap<>(outcome.keys());
        keys.put("outcome", outcome.kind());
        if (outcome.kind().equals("REJECTED")) {
            Log.error(outcome.message(), keys);
        } else {
            Log.info(outcome.message(), keys);
        }
        return outcome;
    }
}

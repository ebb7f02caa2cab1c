package dev.fleetpress.media;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.fleetpress.Settings;
import dev.fleetpress.aws.DependencyFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The media function: S3 ObjectCreated notifications for {@code _migration/<id>/shard-NNNNN.tar} and
 * {@code _migration/<id>/migration.json} in the media bucket. Being wired up; it answers every event
 * as not yet handled.
 */
public final class MediaHandler implements RequestStreamHandler {
    private final String bucket;

    public MediaHandler() {
        this(DependencyFactory.lambda(), Settings.fromSystem());
    }

    /** Reads MEDIA_BUCKET from {@code settings}; calls no AWS. */
    public MediaHandler(DependencyFactory deps, Settings settings) {
        Objects.requireNonNull(deps, "deps");
        this.bucket = settings.required("MEDIA_BUCKET");
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes();
        output.write(("{\"outcome\":\"IGNORED\",\"bucket\":\"" + bucket + "\"}").getBytes(StandardCharsets.UTF_8));
    }
}

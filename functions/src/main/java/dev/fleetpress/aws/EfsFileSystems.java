package dev.fleetpress.aws;

import dev.fleetpress.efs.EfsBackendException;
import dev.fleetpress.efs.FileSystemState;
import dev.fleetpress.efs.FileSystems;
import dev.fleetpress.efs.ThroughputMode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.efs.EfsClient;
import software.amazon.awssdk.services.efs.model.FileSystemDescription;
import software.amazon.awssdk.services.efs.model.FileSystemNotFoundException;
import software.amazon.awssdk.services.efs.model.TooManyRequestsException;
import software.amazon.awssdk.services.efs.model.UpdateFileSystemRequest;

/**
 * {@link FileSystems} as EFS DescribeFileSystems and UpdateFileSystem. EFS's {@code TooManyRequests}
 * ("... Wait until 2026-11-28T20:00:00Z UTC and try again.") becomes {@link FileSystems.NotAllowedYet}
 * with the time its message names; {@code FileSystemNotFound} becomes an answer too; every other failure
 * is an {@link EfsBackendException}.
 */
public final class EfsFileSystems implements FileSystems {
    private static final Pattern TIME = Pattern.compile("(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?Z)");

    private final Supplier<EfsClient> efs;

    private EfsFileSystems(Supplier<EfsClient> efs) {
        this.efs = efs;
    }

    /** The client is fetched on the first call, so constructing this calls nothing. */
    public static EfsFileSystems create(Supplier<EfsClient> efs) {
        return new EfsFileSystems(Objects.requireNonNull(efs, "efs"));
    }

    @Override
    public Optional<FileSystemState> describe(String fileSystemId) {
        try {
            List<FileSystemDescription> found = efs.get().describeFileSystems(b -> b.fileSystemId(fileSystemId)).fileSystems();
            if (found.isEmpty()) {
                return Optional.empty();
            }
            FileSystemDescription d = found.get(0);
            ThroughputMode mode = ThroughputMode.parse(d.throughputModeAsString());
            double mibps = mode == ThroughputMode.PROVISIONED && d.provisionedThroughputInMibps() != null
                    ? d.provisionedThroughputInMibps() : 0;
            long size = d.sizeInBytes() == null || d.sizeInBytes().value() == null ? 0 : d.sizeInBytes().value();
            return Optional.of(new FileSystemState(d.fileSystemId(), mode, mibps, size));
        } catch (FileSystemNotFoundException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw new EfsBackendException("EFS DescribeFileSystems of " + fileSystemId + " failed: " + e.getMessage()
                    + "; the trigger will retry", e);
        }
    }

    @Override
    public ChangeResult change(String fileSystemId, ThroughputMode mode, double provisionedMibps) {
        UpdateFileSystemRequest.Builder request = UpdateFileSystemRequest.builder().fileSystemId(fileSystemId)
                .throughputMode(mode.slug());
        if (mode == ThroughputMode.PROVISIONED) {
            request.provisionedThroughputInMibps(provisionedMibps);
        }
        try {
            efs.get().updateFileSystem(request.build());
            return new Changed();
        } catch (TooManyRequestsException e) {
            String message = e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                    ? e.awsErrorDetails().errorMessage() : String.valueOf(e.getMessage());
            return new NotAllowedYet(allowedAt(message), message);
        } catch (FileSystemNotFoundException e) {
            return new NotFound(String.valueOf(e.getMessage()));
        } catch (SdkException e) {
            throw new EfsBackendException("EFS UpdateFileSystem of " + fileSystemId + " to " + mode.slug() + " failed: "
                    + e.getMessage() + "; the trigger will retry", e);
        }
    }

    /** The time EFS's TooManyRequests message names; {@link Instant#EPOCH} when it names none. */
    static Instant allowedAt(String message) {
        Matcher m = TIME.matcher(message == null ? "" : message);
        if (!m.find()) {
            return Instant.EPOCH;
        }
        String text = m.group(1);
        try {
            return Instant.parse(text.length() == 17 ? text.replace("Z", ":00Z") : text);
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }
}

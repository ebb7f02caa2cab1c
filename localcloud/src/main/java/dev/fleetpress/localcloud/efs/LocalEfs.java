package dev.fleetpress.localcloud.efs;

import dev.fleetpress.localcloud.cloudwatch.MetricKey;
import dev.fleetpress.localcloud.cloudwatch.MetricSource;
import dev.fleetpress.localcloud.cloudwatch.MetricStore;
import dev.fleetpress.localcloud.ec2.Instances;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.efs.EfsClient;
import software.amazon.awssdk.services.efs.model.CreateFileSystemRequest;
import software.amazon.awssdk.services.efs.model.CreateFileSystemResponse;
import software.amazon.awssdk.services.efs.model.DescribeFileSystemsRequest;
import software.amazon.awssdk.services.efs.model.DescribeFileSystemsResponse;
import software.amazon.awssdk.services.efs.model.FileSystemDescription;
import software.amazon.awssdk.services.efs.model.FileSystemSize;
import software.amazon.awssdk.services.efs.model.LifeCycleState;
import software.amazon.awssdk.services.efs.model.PerformanceMode;
import software.amazon.awssdk.services.efs.model.Tag;
import software.amazon.awssdk.services.efs.model.ThroughputMode;
import software.amazon.awssdk.services.efs.model.UpdateFileSystemRequest;
import software.amazon.awssdk.services.efs.model.UpdateFileSystemResponse;

/**
 * EFS for one machine, behind the SDK's own {@link EfsClient} interface so that FleetPress's adapters
 * run against it unchanged, on localcloud's simulated clock.
 *
 * <p>Implemented: {@code CreateFileSystem} (idempotent by creation token, {@code Name} tag),
 * {@code DescribeFileSystems} (by id, by creation token, or all; no paging, there are few here) and
 * {@code UpdateFileSystem} with EFS's rule: a throughput-mode change or a decrease of provisioned
 * throughput is allowed once per 24 hours, measured from the last such change (a new file system may
 * change at once); otherwise {@code TooManyRequests} (429) naming when the next one is allowed.
 * Increases of provisioned throughput are not restricted; an update that changes nothing is answered
 * with the description and counts as no change. Unknown ids answer {@code FileSystemNotFound} (404).
 * Every other operation is the SDK's default, which throws {@link UnsupportedOperationException}.
 *
 * <p>Beyond the API: {@link #create} (a file system with a chosen id), {@link #load} (the demand on
 * it, bytes per second), {@link #mount} (an instance sees its data folder at a path, with a
 * {@code proc/mounts} line), {@link #failNext} (the next calls answer 500), and the credit model of
 * {@link CreditModel}: each file system's {@code AWS/EFS BurstCreditBalance} is published to the
 * metric store every simulated minute. Thread-safe.
 */
public final class LocalEfs implements EfsClient, MetricSource {
    /** How long EFS makes a restricted throughput change wait after the previous one. */
    public static final Duration CHANGE_INTERVAL = Duration.ofHours(24);
    private static final Pattern ID = Pattern.compile("^fs-[0-9a-f]{8,40}$");
    private static final Pattern MOUNT_PATH = Pattern.compile("^(/[A-Za-z0-9_.-]+)+$");
    /** What EFS reports for an empty file system (metadata). */
    private static final long EMPTY_BYTES = 6144;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final Clock clock;
    private final MetricStore metrics;
    private final String region;
    private final String accountId;
    private final Map<String, FileSystem> fileSystems = new LinkedHashMap<>();
    private final Map<String, Integer> faults = new HashMap<>();

    private LocalEfs(Path dir, Clock clock, MetricStore metrics, String region, String accountId) {
        this.dir = dir;
        this.clock = clock;
        this.metrics = metrics;
        this.region = region;
        this.accountId = accountId;
    }

    /**
     * EFS whose file systems keep their data under {@code dir}, on {@code clock}, publishing credit
     * balances to {@code metrics}; {@code region} and {@code accountId} make ARNs and DNS names.
     */
    public static LocalEfs create(Path dir, Clock clock, MetricStore metrics, String region, String accountId) {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(accountId, "accountId");
        try {
            return new LocalEfs(Files.createDirectories(dir).toAbsolutePath(), clock, metrics, region, accountId);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the EFS folder " + dir, e);
        }
    }

    @Override
    public String serviceName() {
        return EfsClient.SERVICE_NAME;
    }

    @Override
    public void close() {
        // Nothing to release: the file systems live as long as the local cloud.
    }

    // ------------------------------------------------------------------ the API

    @Override
    public synchronized CreateFileSystemResponse createFileSystem(CreateFileSystemRequest request) {
        injectedFault("CreateFileSystem");
        String token = request.creationToken();
        if (token == null || token.isEmpty() || token.length() > 64) {
            throw EfsErrors.badRequest("CreationToken is required (1 to 64 characters)");
        }
        for (FileSystem fs : fileSystems.values()) {
            if (token.equals(fs.creationToken)) {
                throw EfsErrors.alreadyExists(fs.id, token);
            }
        }
        ThroughputMode mode = request.throughputMode() == null ? ThroughputMode.BURSTING : request.throughputMode();
        Double mibps = request.provisionedThroughputInMibps();
        checkModeAndThroughput(mode, mibps, null);
        String name = request.tags().stream().filter(t -> t.key().equals("Name")).map(Tag::value).findFirst().orElse(null);
        FileSystem fs = add(newId(), token, name, EMPTY_BYTES, mode, mibps);
        return copyOf(describe(fs), CreateFileSystemResponse.builder()).build();
    }

    @Override
    public synchronized DescribeFileSystemsResponse describeFileSystems(DescribeFileSystemsRequest request) {
        injectedFault("DescribeFileSystems");
        catchUp(clock.instant());
        List<FileSystemDescription> out = new ArrayList<>();
        if (request.fileSystemId() != null) {
            out.add(describe(existing(request.fileSystemId())));
        } else {
            for (FileSystem fs : fileSystems.values()) {
                if (request.creationToken() == null || request.creationToken().equals(fs.creationToken)) {
                    out.add(describe(fs));
                }
            }
        }
        return DescribeFileSystemsResponse.builder().fileSystems(out).build();
    }

    @Override
    public synchronized UpdateFileSystemResponse updateFileSystem(UpdateFileSystemRequest request) {
        injectedFault("UpdateFileSystem");
        FileSystem fs = existing(request.fileSystemId());
        Instant now = clock.instant();
        catchUp(now);
        ThroughputMode target = request.throughputMode() == null ? fs.mode : request.throughputMode();
        if (target == ThroughputMode.UNKNOWN_TO_SDK_VERSION) {
            throw EfsErrors.badRequest("ThroughputMode must be bursting, provisioned or elastic, got "
                    + request.throughputModeAsString());
        }
        Double mibps = request.provisionedThroughputInMibps();
        checkModeAndThroughput(target, mibps, fs);
        Double newMibps = target == ThroughputMode.PROVISIONED ? (mibps != null ? mibps : fs.provisionedMibps) : null;
        boolean modeChange = target != fs.mode;
        boolean decrease = !modeChange && target == ThroughputMode.PROVISIONED && newMibps < fs.provisionedMibps;
        if (modeChange || decrease) {
            Instant allowedAt = fs.lastRestrictedChange == null ? now : fs.lastRestrictedChange.plus(CHANGE_INTERVAL);
            if (now.isBefore(allowedAt)) {
                throw EfsErrors.tooManyRequests("You have reached the limit of one throughput mode change or provisioned "
                        + "throughput decrease per 24 hours for file system " + fs.id + ": the last one was at "
                        + fs.lastRestrictedChange + "; the next is allowed after " + allowedAt + ".");
            }
            fs.lastRestrictedChange = now;
        }
        fs.mode = target;
        fs.provisionedMibps = newMibps;
        return copyOf(describe(fs), UpdateFileSystemResponse.builder()).build();
    }

    // ------------------------------------------------------------------ beyond the API

    /**
     * Creates file system {@code fileSystemId} (EFS's id pattern, {@code fs-} and hex digits) storing
     * {@code storedBytes}, in {@code mode} (bursting or elastic; provisioned through
     * {@link #createFileSystem} with its MiB/s), with a full initial credit balance (2.1 TiB) and an
     * empty data folder. Its name is the id.
     */
    public synchronized FileSystemDescription create(String fileSystemId, long storedBytes, ThroughputMode mode) {
        if (fileSystemId == null || !ID.matcher(fileSystemId).matches()) {
            throw new IllegalArgumentException("a file system id is fs- and 8 to 40 lower-case hex digits, got " + fileSystemId);
        }
        if (fileSystems.containsKey(fileSystemId)) {
            throw EfsErrors.alreadyExists(fileSystemId, fileSystemId);
        }
        if (storedBytes < 0) {
            throw new IllegalArgumentException("stored bytes cannot be negative, got " + storedBytes);
        }
        if (mode == ThroughputMode.PROVISIONED) {
            throw new IllegalArgumentException("create a provisioned file system with createFileSystem and its provisioned MiB/s");
        }
        return describe(add(fileSystemId, fileSystemId, fileSystemId, storedBytes, mode, null));
    }

    /** Sets the demand on the file system from now on, in bytes per second (0 when idle). */
    public synchronized void load(String fileSystemId, double bytesPerSecond) {
        if (!(bytesPerSecond >= 0) || Double.isInfinite(bytesPerSecond)) {
            throw new IllegalArgumentException("a load is zero or more bytes per second, got " + bytesPerSecond);
        }
        FileSystem fs = existing(fileSystemId);
        catchUp(clock.instant());
        fs.load = bytesPerSecond;
    }

    /** Sets how many bytes the file system stores from now on (its baseline and maximum balance follow). */
    public synchronized void store(String fileSystemId, long storedBytes) {
        if (storedBytes < 0) {
            throw new IllegalArgumentException("stored bytes cannot be negative, got " + storedBytes);
        }
        FileSystem fs = existing(fileSystemId);
        catchUp(clock.instant());
        fs.storedBytes = storedBytes;
        fs.balance = Math.min(fs.balance, CreditModel.maxBalance(storedBytes));
    }

    /** The credit balance now, in bytes. */
    public synchronized double creditBalance(String fileSystemId) {
        FileSystem fs = existing(fileSystemId);
        catchUp(clock.instant());
        return fs.balance;
    }

    /** What the file system serves now for its load, in bytes per second. */
    public synchronized double servedBytesPerSecond(String fileSystemId) {
        FileSystem fs = existing(fileSystemId);
        catchUp(clock.instant());
        return CreditModel.served(fs.mode, fs.storedBytes, fs.provisionedMibps == null ? 0 : fs.provisionedMibps, fs.load, fs.balance);
    }

    /** The file system's data folder (what a mount shows); fails for an unknown id. */
    public synchronized Path folder(String fileSystemId) {
        return existing(fileSystemId).folder;
    }

    /** Ids of every file system, in creation order. */
    public synchronized List<String> fileSystemIds() {
        return List.copyOf(fileSystems.keySet());
    }

    /**
     * Mounts the file system at {@code mountPoint} (an absolute path such as {@code /var/www/html}) in
     * the instance's sandbox: that path becomes a symbolic link to the data folder (an existing empty
     * folder there is replaced; a non-empty one is refused), and a line like the kernel's
     * ({@code fs-….efs.<region>.amazonaws.com:/ /var/www/html nfs4 rw,relatime 0 0}) is appended to
     * the sandbox's {@code proc/mounts}, which scripts read through {@code FLEETPRESS_INSTANCE_ROOT}.
     * Mounting the same file system at the same place again changes nothing.
     */
    public synchronized void mount(String fileSystemId, Instances.Instance instance, String mountPoint) {
        FileSystem fs = existing(fileSystemId);
        if (mountPoint == null || !MOUNT_PATH.matcher(mountPoint).matches() || mountPoint.contains("/../") || mountPoint.endsWith("/..")
                || mountPoint.contains("/./") || mountPoint.endsWith("/.")) {
            throw new IllegalArgumentException("a mount point is an absolute path of letters, digits, . _ -, got " + mountPoint);
        }
        Path root = instance.root();
        Path target = root.resolve(mountPoint.substring(1));
        try {
            if (Files.isSymbolicLink(target)) {
                if (Files.readSymbolicLink(target).equals(fs.folder)) {
                    return;
                }
                throw new IllegalStateException(mountPoint + " on " + instance.id() + " is already a mount of something else ("
                        + Files.readSymbolicLink(target) + ")");
            }
            if (Files.isDirectory(target)) {
                try (Stream<Path> entries = Files.list(target)) {
                    if (entries.findAny().isPresent()) {
                        throw new IllegalStateException(mountPoint + " on " + instance.id()
                                + " is not empty: mounting over it would hide its files; empty it or mount elsewhere");
                    }
                }
                Files.delete(target);
            } else if (Files.exists(target)) {
                throw new IllegalStateException(mountPoint + " on " + instance.id() + " is a file, not a folder");
            }
            Files.createDirectories(target.getParent());
            Files.createSymbolicLink(target, fs.folder);
            Path mounts = root.resolve("proc/mounts");
            Files.createDirectories(mounts.getParent());
            String line = fs.id + ".efs." + region + ".amazonaws.com:/ " + mountPoint + " nfs4 rw,relatime 0 0\n";
            Files.writeString(mounts, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot mount " + fs.id + " at " + mountPoint + " on " + instance.id(), e);
        }
    }

    /** The next {@code calls} EFS API calls, whatever the operation, answer {@code InternalServerError} (500). */
    public void failNext(int calls) {
        failNext("*", calls);
    }

    /**
     * The next {@code calls} calls of {@code operation} ({@code CreateFileSystem},
     * {@code DescribeFileSystems}, {@code UpdateFileSystem}) answer {@code InternalServerError} (500),
     * so callers' retry and error paths can be exercised. A failed call changes nothing.
     */
    public synchronized void failNext(String operation, int calls) {
        if (calls < 0) {
            throw new IllegalArgumentException("calls cannot be negative, got " + calls);
        }
        if (!List.of("*", "CreateFileSystem", "DescribeFileSystems", "UpdateFileSystem").contains(operation)) {
            throw new IllegalArgumentException("faults can be injected into CreateFileSystem, DescribeFileSystems and "
                    + "UpdateFileSystem (or * for all), not " + operation);
        }
        faults.put(operation, calls);
    }

    /** Advances every file system's credit model to {@code now}, publishing a balance sample at each minute boundary. */
    @Override
    public synchronized void publishUntil(Instant now) {
        catchUp(now);
    }

    // ------------------------------------------------------------------ internals

    private void catchUp(Instant now) {
        for (FileSystem fs : fileSystems.values()) {
            while (fs.accountedUntil.isBefore(now)) {
                Instant nextMinute = fs.accountedUntil.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
                Instant stepEnd = nextMinute.isBefore(now) ? nextMinute : now;
                double seconds = Duration.between(fs.accountedUntil, stepEnd).toNanos() / 1e9;
                fs.balance = CreditModel.balanceAfter(fs.mode, fs.storedBytes,
                        fs.provisionedMibps == null ? 0 : fs.provisionedMibps, fs.load, fs.balance, seconds);
                fs.accountedUntil = stepEnd;
                if (stepEnd.equals(nextMinute)) {
                    metrics.put(MetricKey.burstCreditBalance(fs.id), stepEnd, fs.balance);
                }
            }
        }
    }

    private FileSystem add(String id, String token, String name, long storedBytes, ThroughputMode mode, Double mibps) {
        Path folder = dir.resolve(id);
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data folder of " + id, e);
        }
        catchUp(clock.instant());
        Instant now = clock.instant();
        FileSystem fs = new FileSystem(id, token, name, now, folder.toAbsolutePath(), storedBytes, mode, mibps,
                CreditModel.CREDITS_PER_TIB);
        fileSystems.put(id, fs);
        if (now.equals(now.truncatedTo(ChronoUnit.MINUTES))) {
            metrics.put(MetricKey.burstCreditBalance(id), now, fs.balance);
        }
        return fs;
    }

    private static void checkModeAndThroughput(ThroughputMode mode, Double mibps, FileSystem current) {
        if (mode == ThroughputMode.PROVISIONED) {
            boolean known = mibps != null || (current != null && current.provisionedMibps != null);
            if (!known) {
                throw EfsErrors.badRequest("ProvisionedThroughputInMibps is required when ThroughputMode is provisioned");
            }
            if (mibps != null && !(mibps >= 1 && mibps <= 3414)) {
                throw EfsErrors.badRequest("ProvisionedThroughputInMibps must be between 1 and 3414, got " + mibps);
            }
        } else if (mibps != null) {
            throw EfsErrors.badRequest("ProvisionedThroughputInMibps applies only when ThroughputMode is provisioned, not "
                    + mode);
        }
    }

    private FileSystem existing(String id) {
        FileSystem fs = id == null ? null : fileSystems.get(id);
        if (fs == null) {
            throw EfsErrors.fileSystemNotFound(id);
        }
        return fs;
    }

    private synchronized void injectedFault(String operation) {
        for (String key : List.of(operation, "*")) {
            int left = faults.getOrDefault(key, 0);
            if (left > 0) {
                faults.put(key, left - 1);
                throw EfsErrors.internalServerError("localcloud injected an internal error into " + operation
                        + " (" + (left - 1) + " more to come)");
            }
        }
    }

    private FileSystemDescription describe(FileSystem fs) {
        return FileSystemDescription.builder()
                .ownerId(accountId)
                .creationToken(fs.creationToken)
                .fileSystemId(fs.id)
                .fileSystemArn("arn:aws:elasticfilesystem:" + region + ":" + accountId + ":file-system/" + fs.id)
                .creationTime(fs.createdAt)
                .lifeCycleState(LifeCycleState.AVAILABLE)
                .name(fs.name)
                .numberOfMountTargets(0)
                .sizeInBytes(FileSystemSize.builder().value(fs.storedBytes).valueInStandard(fs.storedBytes)
                        .valueInIA(0L).timestamp(clock.instant()).build())
                .performanceMode(PerformanceMode.GENERAL_PURPOSE)
                .encrypted(true)
                .throughputMode(fs.mode)
                .provisionedThroughputInMibps(fs.provisionedMibps)
                .tags(fs.name == null ? List.of() : List.of(Tag.builder().key("Name").value(fs.name).build()))
                .build();
    }

    /**
     * Fills {@code builder} (CreateFileSystem's and UpdateFileSystem's responses, which EFS's model
     * defines as the file system's description) with every member of {@code description} of the same name.
     */
    @SuppressWarnings("unchecked")
    private static <B extends SdkPojo> B copyOf(FileSystemDescription description, B builder) {
        Map<String, SdkField<?>> source = new HashMap<>();
        description.sdkFields().forEach(f -> source.put(f.memberName(), f));
        for (SdkField<?> target : builder.sdkFields()) {
            SdkField<?> from = source.get(target.memberName());
            if (from != null) {
                ((SdkField<Object>) target).set(builder, from.getValueOrDefault(description));
            }
        }
        return builder;
    }

    private static String newId() {
        byte[] bytes = new byte[9];
        RANDOM.nextBytes(bytes);
        return "fs-" + HexFormat.of().formatHex(bytes).substring(0, 17);
    }

    /** One file system's state; guarded by the LocalEfs monitor. */
    private static final class FileSystem {
        final String id;
        final String creationToken;
        final String name;
        final Instant createdAt;
        final Path folder;
        long storedBytes;
        ThroughputMode mode;
        Double provisionedMibps;
        Instant lastRestrictedChange;
        double balance;
        double load;
        Instant accountedUntil;

        FileSystem(String id, String creationToken, String name, Instant createdAt, Path folder, long storedBytes,
                   ThroughputMode mode, Double provisionedMibps, double balance) {
            this.id = id;
            this.creationToken = creationToken;
            this.name = name;
            this.createdAt = createdAt;
            this.folder = folder;
            this.storedBytes = storedBytes;
            this.mode = mode;
            this.provisionedMibps = provisionedMibps;
            this.balance = balance;
            this.accountedUntil = createdAt;
        }
    }
}

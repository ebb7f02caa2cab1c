package dev.fleetpress.localcloud.ec2;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * localcloud's EC2: the instances that Auto Scaling launches, each a sandbox folder that stands for
 * the instance's root file system ({@code /} on EC2). Auto Scaling creates and terminates them; Run
 * Command executes documents inside them (with {@code FLEETPRESS_INSTANCE_ROOT} pointing at
 * {@link Instance#root()}). Terminated instances keep their folder, for inspection. An optional image
 * prepares each new root file system before the instance is known, as an AMI would (localcloud's
 * installs the {@code wp} stand-in).
 */
public final class Instances {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final Clock clock;
    private final Consumer<Path> image;
    private final Map<String, Instance> instances = new ConcurrentHashMap<>();

    private Instances(Path dir, Clock clock, Consumer<Path> image) {
        this.dir = dir;
        this.clock = clock;
        this.image = image;
    }

    /** Instances whose sandboxes live under {@code dir}, each starting with an empty root folder. */
    public static Instances create(Path dir, Clock clock) {
        return create(dir, clock, root -> { });
    }

    /**
     * Instances whose sandboxes live under {@code dir}; {@code image} fills each new root folder
     * (its argument) before the instance runs. An image that throws fails that launch.
     */
    public static Instances create(Path dir, Clock clock, Consumer<Path> image) {
        Objects.requireNonNull(image, "image");
        try {
            return new Instances(Files.createDirectories(dir).toAbsolutePath(), clock, image);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the instances folder " + dir, e);
        }
    }

    /** An instance as localcloud knows it; {@code terminatedAt} is null while it runs. */
    public record Instance(String id, String groupName, Path root, Instant launchedAt, Instant terminatedAt) {
        public boolean running() {
            return terminatedAt == null;
        }
    }

    /** Starts a new instance for {@code groupName}: an id like EC2's and a root folder made from the image. */
    public Instance launch(String groupName) {
        byte[] bytes = new byte[9];
        RANDOM.nextBytes(bytes);
        String id = "i-" + HexFormat.of().formatHex(bytes).substring(0, 17);
        Path root = dir.resolve(id).resolve("root");
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the sandbox of " + id, e);
        }
        image.accept(root);
        Instance instance = new Instance(id, groupName, root, clock.instant(), null);
        instances.put(id, instance);
        return instance;
    }

    public Optional<Instance> find(String id) {
        return Optional.ofNullable(id == null ? null : instances.get(id));
    }

    /** Every instance ever launched here, oldest first. */
    public List<Instance> all() {
        List<Instance> out = new ArrayList<>(instances.values());
        out.sort((a, b) -> a.launchedAt().compareTo(b.launchedAt()));
        return out;
    }

    /** Marks {@code id} terminated (its folder stays); unknown ids are ignored. */
    public void terminate(String id) {
        instances.computeIfPresent(id, (k, i) -> i.running()
                ? new Instance(i.id(), i.groupName(), i.root(), i.launchedAt(), clock.instant()) : i);
    }
}

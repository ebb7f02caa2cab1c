package dev.fleetpress.localcloud.ssm;

import dev.fleetpress.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The parameters of one data folder, shared by every process that opens it: each operation runs
 * under an exclusive lock (a JVM-wide lock per folder, because a JVM cannot hold two OS locks on one
 * file, then an OS file lock for other processes), re-reads the file when another writer replaced
 * it, and a mutation is written to a temporary file and atomically renamed into place, so a reader
 * never sees half a file and a crash never loses the previous state.
 */
final class ParameterFile {
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path file;
    private final Path lockFile;
    private final ReentrantLock jvmLock;
    private TreeMap<String, StoredParameter> cache = new TreeMap<>();
    private FileStamp cachedStamp;

    ParameterFile(Path folder) {
        try {
            Files.createDirectories(folder);
            Path canonical = folder.toRealPath();
            this.file = canonical.resolve("parameters.json");
            this.lockFile = canonical.resolve("parameters.lock");
            this.jvmLock = JVM_LOCKS.computeIfAbsent(canonical, p -> new ReentrantLock());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the SSM data folder " + folder, e);
        }
    }

    /** Runs {@code read} on the current parameters (sorted by name); it must not modify them. */
    <T> T read(Function<TreeMap<String, StoredParameter>, T> read) {
        return locked(read, false);
    }

    /** Runs {@code change} on the current parameters and persists them unless it throws. */
    <T> T update(Function<TreeMap<String, StoredParameter>, T> change) {
        return locked(change, true);
    }

    private <T> T locked(Function<TreeMap<String, StoredParameter>, T> action, boolean write) {
        jvmLock.lock();
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = channel.lock()) {
            refresh();
            TreeMap<String, StoredParameter> working = write ? new TreeMap<>(cache) : cache;
            T result = action.apply(working);
            if (write) {
                persist(working);
                cache = working;
                cachedStamp = FileStamp.of(file);
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("SSM data file " + file + ": " + e.getMessage(), e);
        } finally {
            jvmLock.unlock();
        }
    }

    private void refresh() throws IOException {
        FileStamp stamp = FileStamp.of(file);
        if (Objects.equals(stamp, cachedStamp)) {
            return;
        }
        cache = stamp == null ? new TreeMap<>() : parse(Files.readString(file, StandardCharsets.UTF_8));
        cachedStamp = stamp;
    }

    private void persist(TreeMap<String, StoredParameter> state) throws IOException {
        Path temp = Files.createTempFile(file.getParent(), "parameters-", ".tmp");
        try {
            Files.writeString(temp, render(state), StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static String render(TreeMap<String, StoredParameter> state) {
        List<Object> parameters = new ArrayList<>();
        for (StoredParameter p : state.values()) {
            List<Object> versions = new ArrayList<>();
            for (StoredVersion v : p.versions()) {
                Map<String, Object> json = Json.object("version", v.version(), "type", v.type(), "value", v.value(),
                        "tier", v.tier(), "lastModified", v.lastModified().toString(), "labels", v.labels());
                putIfPresent(json, "keyId", v.keyId());
                putIfPresent(json, "description", v.description());
                putIfPresent(json, "allowedPattern", v.allowedPattern());
                versions.add(json);
            }
            parameters.add(Json.object("name", p.name(), "versions", versions));
        }
        return Json.write(Json.object("formatVersion", 1, "parameters", parameters)) + "\n";
    }

    private TreeMap<String, StoredParameter> parse(String text) {
        Json.Node root = Json.parse(text);
        if (root.get("formatVersion").asLong() != 1) {
            throw new IllegalStateException(file + " has an unknown formatVersion; it was written by a newer FleetPress");
        }
        TreeMap<String, StoredParameter> state = new TreeMap<>();
        for (Json.Node p : root.get("parameters").elements()) {
            List<StoredVersion> versions = new ArrayList<>();
            for (Json.Node v : p.get("versions").elements()) {
                versions.add(new StoredVersion(v.get("version").asLong(), v.text("type"), v.text("value"),
                        v.findText("keyId").orElse(null), v.findText("description").orElse(null),
                        v.findText("allowedPattern").orElse(null), v.text("tier"),
                        Instant.parse(v.text("lastModified")),
                        v.get("labels").elements().stream().map(Json.Node::asText).toList()));
            }
            state.put(p.text("name"), new StoredParameter(p.text("name"), versions));
        }
        return state;
    }

    private static void putIfPresent(Map<String, Object> json, String key, String value) {
        if (value != null) {
            json.put(key, value);
        }
    }

    /** Identifies one written state of the file: each atomic rename brings a new inode and time. */
    private record FileStamp(Object fileKey, long modifiedNanos, long size) {
        static FileStamp of(Path file) throws IOException {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                return new FileStamp(a.fileKey(), a.lastModifiedTime().toInstant().getEpochSecond() * 1_000_000_000L
                        + a.lastModifiedTime().toInstant().getNano(), a.size());
            } catch (NoSuchFileException e) {
                return null;
            }
        }
    }
}

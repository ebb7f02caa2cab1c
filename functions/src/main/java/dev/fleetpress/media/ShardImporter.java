package dev.fleetpress.media;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Imports one shard: reads its tar once, in order, straight from the stream it is given (never
 * buffering the shard, never touching /tmp) and puts each regular file listed in the shard manifest at
 * {@code <uploads prefix><path>} with its Content-Type, {@value #CACHE_CONTROL} and its sha256 as
 * {@code sha256} user metadata.
 *
 * <p>Every entry is checked against the manifest before it becomes visible: an entry up to
 * {@link MediaConfig#inMemoryBytes()} is read into memory by the reading thread, then hashed and put by
 * one of {@link MediaConfig#parallelism()} workers; a larger one (the tar can only be read in order) is
 * streamed on the reading thread through {@link ObjectStore#putIfVerified}, which makes it visible only
 * if its bytes match. A permit per put bounds both the puts in flight and the buffers held to
 * {@code parallelism}. A file already stored with the manifest's size and sha256 is skipped. The ETag
 * of every object written or skipped is kept for the verification ({@link StoredEntries}).
 *
 * <p>Entries are rejected, with a reason, rather than written when they are links, devices, FIFOs or
 * anything but a regular file, when {@link EntryRules} refuses their path, when they are not in the
 * manifest or appear twice, when they exceed {@link MediaConfig#maxEntryBytes()}, or when their size or
 * sha256 differ from the manifest. A truncated or corrupt tar keeps what was read before the damage;
 * every manifest entry not reached is rejected as {@code shard truncated or corrupt after <path>}.
 * Failures of the store propagate as {@link ObjectStoreException} once the workers have stopped.
 */
public final class ShardImporter {
    public static final String CACHE_CONTROL = "public, max-age=31536000, immutable";

    private final ObjectStore store;
    private final MediaConfig config;
    private final EntryRules rules;
    private final Clock clock;

    public ShardImporter(ObjectStore store, MediaConfig config, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.config = Objects.requireNonNull(config, "config");
        this.rules = config.rules();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What importing a shard produced: its result, and the ETags of the objects its entries are now. */
    public record Imported(ShardResult result, StoredEntries stored) {
    }

    /** Imports the tar read from {@code shard} (which the caller closes) against {@code manifest}. */
    public Imported importShard(ShardManifest manifest, InputStream shard) {
        Instant started = clock.instant();
        Run run = new Run(manifest);
        ExecutorService workers = Executors.newFixedThreadPool(config.parallelism(), new WorkerThreads());
        try {
            run.read(shard, workers);
        } finally {
            stop(workers);
        }
        return run.finish(manifest.migrationId(), started, clock.instant());
    }

    private static void stop(ExecutorService workers) {
        workers.shutdown();
        try {
            while (!workers.awaitTermination(1, TimeUnit.MINUTES)) {
                // A put is still in flight (S3 answers slowly); the function's timeout bounds this wait.
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
            throw new ObjectStoreException("interrupted while waiting for the shard's puts to finish");
        }
    }

    /**
     * The state of one shard's import. The reading thread owns {@code expected}, {@code handled} and
     * {@code lastPath}; workers add to the rest, which {@link #finish} reads once they have stopped.
     */
    private final class Run {
        private final Map<String, ManifestEntry> expected = new LinkedHashMap<>();
        private final Set<String> handled = new HashSet<>();
        private final List<Rejection> rejected = Collections.synchronizedList(new ArrayList<>());
        private final Map<String, String> eTags = new ConcurrentHashMap<>();
        private final AtomicLong imported = new AtomicLong();
        private final AtomicLong skipped = new AtomicLong();
        private final AtomicLong bytes = new AtomicLong();
        private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
        private final Semaphore permits = new Semaphore(config.parallelism());
        private final int shard;
        private String lastPath;

        Run(ShardManifest manifest) {
            this.shard = manifest.shard();
            for (ManifestEntry entry : manifest.entries()) {
                if (expected.putIfAbsent(entry.path(), entry) != null) {
                    reject(entry.path(), "listed twice in the shard manifest");
                }
            }
        }

        void read(InputStream shardStream, ExecutorService workers) {
            try (TarArchiveInputStream tar = new TarArchiveInputStream(new java.io.BufferedInputStream(
                    new NonClosing(shardStream), 64 * 1024), "UTF-8")) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    throwIfWorkerFailed();
                    if (entry.isDirectory()) {
                        continue;
                    }
                    String path = entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
                    handle(path, entry, tar, workers);
                    lastPath = path;
                }
            } catch (IOException | UncheckedIOException e) {
                // Truncated or corrupt (an UncheckedIOException: it broke while an entry streamed to the
                // store, which aborted that upload). What was read stands; finish() rejects the rest.
            }
        }

        private void handle(String path, TarArchiveEntry entry, TarArchiveInputStream tar, ExecutorService workers)
                throws IOException {
            String refusal = refusal(path, entry);
            if (refusal != null) {
                reject(path, refusal);
                if (expected.containsKey(path)) {
                    handled.add(path);
                }
                return;
            }
            ManifestEntry promised = expected.get(path);
            handled.add(path);
            String key = rules.key(path);
            ObjectStore.UploadHeaders headers =
                    new ObjectStore.UploadHeaders(ContentTypes.of(path), CACHE_CONTROL, promised.sha256());
            acquire();
            if (promised.size() <= config.inMemoryBytes()) {
                byte[] content;
                try {
                    content = tar.readNBytes((int) promised.size());
                    if (content.length != promised.size()) {
                        throw new EOFException("entry " + path + " ends early");
                    }
                } catch (IOException | RuntimeException e) {
                    permits.release();
                    handled.remove(path);
                    throw e;
                }
                // The worker hashes, so that the reading thread only reads: it is the one thread per shard.
                workers.execute(() -> {
                    try {
                        String actual = sha256(content);
                        if (actual.equals(promised.sha256())) {
                            storeSmall(key, promised, content, headers);
                        } else {
                            reject(path, mismatch(actual, promised));
                        }
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        permits.release();
                    }
                });
            } else {
                // Too large to hold: stream it now, on this thread, since the tar can only be read in order.
                try {
                    Hashing body = new Hashing(tar, promised.size());
                    boolean refused = !store(key, promised, () -> store.putIfVerified(key, body, promised.size(),
                            headers, () -> body.count() == promised.size() && body.hex().equals(promised.sha256())));
                    if (refused) {
                        reject(path, body.count() == promised.size() ? mismatch(body.hex(), promised)
                                : "entry ends after " + body.count() + " of " + promised.size() + " bytes");
                    }
                } catch (UncheckedIOException | ObjectStoreException e) {
                    handled.remove(path);
                    throw e;
                } finally {
                    permits.release();
                }
            }
        }

        /**
         * A fresh import is one conditional PutObject; only when the key already holds an object does
         * it look at it: the same file (size and sha256) is skipped, another one is replaced (the
         * migration's source is what the site had).
         */
        private void storeSmall(String key, ManifestEntry promised, byte[] content, ObjectStore.UploadHeaders headers) {
            Optional<String> written = store.putIfAbsent(key, content, headers);
            if (written.isEmpty()) {
                Optional<ObjectStore.StoredObject> present = sameFile(key, promised);
                if (present.isPresent()) {
                    skipped.incrementAndGet();
                    eTags.put(promised.path(), present.get().eTag());
                    return;
                }
                written = Optional.of(store.put(key, content, headers));
            }
            imported.incrementAndGet();
            bytes.addAndGet(promised.size());
            eTags.put(promised.path(), written.get());
        }

        /**
         * Skips when the key already holds the promised file; otherwise runs {@code put}, which answers
         * the written object's ETag, or empty when it refused to write. False only then.
         */
        private boolean store(String key, ManifestEntry promised, Supplier<Optional<String>> put) {
            Optional<ObjectStore.StoredObject> present = sameFile(key, promised);
            if (present.isPresent()) {
                skipped.incrementAndGet();
                eTags.put(promised.path(), present.get().eTag());
                return true;
            }
            Optional<String> written = put.get();
            if (written.isEmpty()) {
                return false;
            }
            imported.incrementAndGet();
            bytes.addAndGet(promised.size());
            eTags.put(promised.path(), written.get());
            return true;
        }

        private Optional<ObjectStore.StoredObject> sameFile(String key, ManifestEntry promised) {
            return store.head(key).filter(o -> o.size() == promised.size() && o.sha256().equals(promised.sha256()));
        }

        private String refusal(String path, TarArchiveEntry entry) {
            String type = typeRefusal(entry);
            if (type != null) {
                return type;
            }
            String rule = rules.check(path).orElse(null);
            if (rule != null) {
                return rule;
            }
            ManifestEntry promised = expected.get(path);
            if (promised == null) {
                return "not listed in the shard manifest, so its bytes cannot be verified";
            }
            if (handled.contains(path)) {
                return "appears twice in the shard";
            }
            if (entry.getSize() > config.maxEntryBytes()) {
                return entry.getSize() + " bytes, more than MAX_ENTRY_BYTES (" + config.maxEntryBytes() + ")";
            }
            if (entry.getSize() != promised.size()) {
                return entry.getSize() + " bytes in the shard but " + promised.size() + " in the manifest";
            }
            return null;
        }

        private static String typeRefusal(TarArchiveEntry entry) {
            if (entry.isSymbolicLink()) {
                return "symbolic link (to '" + entry.getLinkName() + "')";
            }
            if (entry.isLink()) {
                return "hard link (to '" + entry.getLinkName() + "')";
            }
            if (entry.isCharacterDevice() || entry.isBlockDevice()) {
                return (entry.isCharacterDevice() ? "character" : "block") + " device";
            }
            if (entry.isFIFO()) {
                return "FIFO (named pipe)";
            }
            if (entry.isSparse()) {
                return "sparse file; export with plain tar entries";
            }
            if (!entry.isFile()) {
                return "not a regular file (tar type '" + (char) entry.getLinkFlag() + "')";
            }
            return null;
        }

        private String mismatch(String actual, ManifestEntry promised) {
            return "sha256 " + actual + " but the manifest says " + promised.sha256();
        }

        private void acquire() {
            try {
                permits.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ObjectStoreException("interrupted while waiting for a free put");
            }
        }

        private void throwIfWorkerFailed() {
            RuntimeException e = failure.get();
            if (e != null) {
                throw e;
            }
        }

        private void reject(String path, String reason) {
            rejected.add(new Rejection(path, reason));
        }

        Imported finish(String migrationId, Instant started, Instant finished) {
            throwIfWorkerFailed();
            String after = lastPath == null ? "its start" : lastPath;
            for (String path : expected.keySet()) {
                if (!handled.contains(path)) {
                    reject(path, "shard truncated or corrupt after " + after);
                }
            }
            // In manifest order, whichever worker finished first.
            Map<String, String> stored = new LinkedHashMap<>();
            for (String path : expected.keySet()) {
                String eTag = eTags.get(path);
                if (eTag != null) {
                    stored.put(path, eTag);
                }
            }
            return new Imported(new ShardResult(shard, imported.get(), skipped.get(), rejected, bytes.get(), started,
                    finished), new StoredEntries(migrationId, shard, stored));
        }
    }

    static String sha256(byte[] content) {
        MessageDigest digest = digest();
        return HexFormat.of().formatHex(digest.digest(content));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The current entry's bytes, at most {@code size}, hashed and counted as they pass. */
    private static final class Hashing extends InputStream {
        private final InputStream in;
        private final MessageDigest digest = digest();
        private final long size;
        private long count;

        Hashing(InputStream in, long size) {
            this.in = in;
            this.size = size;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (count >= size) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, size - count));
            if (n < 0) {
                throw new EOFException("entry ends after " + count + " of " + size + " bytes");
            }
            digest.update(b, off, n);
            count += n;
            return n;
        }

        long count() {
            return count;
        }

        String hex() {
            try {
                // A copy, so that asking does not reset the running digest.
                return HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("SHA-256 digests are cloneable", e);
            }
        }
    }

    /** Lets the tar reader be closed without closing the caller's stream. */
    private static final class NonClosing extends java.io.FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // The caller owns the stream (an S3 GetObject response it aborts or closes itself).
        }
    }

    private static final class WorkerThreads implements java.util.concurrent.ThreadFactory {
        private final AtomicInteger next = new AtomicInteger(1);

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "media-import-" + next.getAndIncrement());
            t.setDaemon(true);
            return t;
        }
    }
}

package dev.fleetpress.media;

import dev.fleetpress.Settings;

/**
 * MediaFunction's configuration (template.yaml).
 *
 * @param bucket          MEDIA_BUCKET: the bucket holding both {@code _migration/} and the uploads
 * @param uploadsPrefix   UPLOADS_PREFIX (default {@value #DEFAULT_PREFIX}): where files land; WP Offload
 *                        Media and S3-Uploads let a site choose this layout, so it must match the site's
 * @param maxEntryBytes   MAX_ENTRY_BYTES (default 100 MiB): larger entries are rejected
 * @param parallelism     IMPORT_PARALLELISM (default 16, 1 to 64): at most this many puts at once
 * @param inMemoryBytes   entries up to this size are read into memory, checked, then put by a worker;
 *                        larger ones stream to S3 on the reading thread. Buffers held at once are at most
 *                        {@code parallelism × inMemoryBytes} (128 MiB at the defaults)
 */
public record MediaConfig(String bucket, String uploadsPrefix, long maxEntryBytes, int parallelism,
                          int inMemoryBytes) {
    static final String DEFAULT_PREFIX = "wp-content/uploads/";
    static final long DEFAULT_MAX_ENTRY_BYTES = 100L * 1024 * 1024;
    static final int DEFAULT_PARALLELISM = 16;
    static final int DEFAULT_IN_MEMORY_BYTES = 8 * 1024 * 1024;

    public MediaConfig {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("MEDIA_BUCKET is empty; template.yaml sets it to the media bucket");
        }
        if (!uploadsPrefix.endsWith("/") || uploadsPrefix.startsWith("/") || uploadsPrefix.startsWith(MigrationKeys.ROOT)
                || EntryRules.under("").check(uploadsPrefix.substring(0, uploadsPrefix.length() - 1)).isPresent()) {
            throw new IllegalArgumentException("UPLOADS_PREFIX '" + uploadsPrefix + "' must be a relative folder ending "
                    + "in '/', outside _migration/, such as " + DEFAULT_PREFIX);
        }
        if (maxEntryBytes < 1) {
            throw new IllegalArgumentException("MAX_ENTRY_BYTES must be at least 1, got " + maxEntryBytes);
        }
        if (parallelism < 1 || parallelism > 64) {
            throw new IllegalArgumentException("IMPORT_PARALLELISM must be 1 to 64, got " + parallelism);
        }
        if (inMemoryBytes < 1) {
            throw new IllegalArgumentException("the in-memory entry bound must be at least 1 byte, got " + inMemoryBytes);
        }
    }

    public static MediaConfig from(Settings settings) {
        long parallelism = settings.optionalLong("IMPORT_PARALLELISM", DEFAULT_PARALLELISM);
        if (parallelism < 1 || parallelism > 64) {
            throw new IllegalStateException("IMPORT_PARALLELISM must be 1 to 64, got " + parallelism);
        }
        try {
            return new MediaConfig(settings.required("MEDIA_BUCKET"),
                    settings.optional("UPLOADS_PREFIX", DEFAULT_PREFIX),
                    settings.optionalLong("MAX_ENTRY_BYTES", DEFAULT_MAX_ENTRY_BYTES),
                    (int) parallelism, DEFAULT_IN_MEMORY_BYTES);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage() + " (MediaFunction's environment in template.yaml)", e);
        }
    }

    public EntryRules rules() {
        return EntryRules.under(uploadsPrefix);
    }
}

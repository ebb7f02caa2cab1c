package dev.fleetpress.media;

/** One file a shard manifest promises: its path relative to uploads/, size and lower-case hex sha256. */
public record ManifestEntry(String path, long size, String sha256) {
}

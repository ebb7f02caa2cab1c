package dev.fleetpress.media;

import dev.fleetpress.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Builds shard tars and their manifests as the export writes them, hostile entries included. */
final class Shards {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar;
    private final List<Object> entries = new ArrayList<>();

    Shards() {
        tar = new TarArchiveOutputStream(bytes, "UTF-8");
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A regular file, listed in the manifest with its true size and sha256. */
    Shards file(String path, byte[] content) {
        write(new TarArchiveEntry(path, true), content);
        return list(path, content.length, ShardImporter.sha256(content));
    }

    /** A regular file in the tar only. */
    Shards unlisted(String path, byte[] content) {
        write(new TarArchiveEntry(path, true), content);
        return this;
    }

    /** A manifest entry with any size and hash, whatever the tar holds. */
    Shards list(String path, long size, String sha256) {
        entries.add(Json.object("path", path, "size", size, "sha256", sha256));
        return this;
    }

    /** A non-regular entry of tar type {@code linkFlag}, listed in the manifest as an empty file. */
    Shards special(String path, byte linkFlag, String linkName) {
        TarArchiveEntry entry = new TarArchiveEntry(path, linkFlag, true);
        if (linkName != null) {
            entry.setLinkName(linkName);
        }
        write(entry, new byte[0]);
        return list(path, 0, ShardImporter.sha256(new byte[0]));
    }

    Shards symlink(String path, String target) {
        return special(path, TarConstants.LF_SYMLINK, target);
    }

    Shards hardLink(String path, String target) {
        return special(path, TarConstants.LF_LINK, target);
    }

    byte[] tar() {
        try {
            tar.finish();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String manifest(String migrationId, int shard) {
        return Json.write(Json.object("formatVersion", 1, "migrationId", migrationId, "shard", shard,
                "entries", entries));
    }

    ShardManifest parsedManifest(String migrationId, int shard) {
        return ShardManifest.parse(Json.parse(manifest(migrationId, shard)), migrationId, shard);
    }

    private void write(TarArchiveEntry entry, byte[] content) {
        try {
            if (entry.isFile()) {
                entry.setSize(content.length);
            }
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

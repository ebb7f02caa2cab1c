package dev.fleetpress.localcloud.wordpress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The MySQL servers of localcloud: a folder holding one folder per database,
 * {@code <folder>/<DB_HOST>/<DB_NAME>/}, which the {@code wp} stand-in finds through
 * {@code FLEETPRESS_LOCAL_DATABASES} and the DB_HOST and DB_NAME of a site's wp-config.php. See the
 * package documentation for the files a database holds.
 */
public final class LocalDatabases {
    // The same rules as wp.sh: a database must be a plain folder name, never a path.
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._:-]*");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._$-]*");

    private final Path folder;

    private LocalDatabases(Path folder) {
        this.folder = folder;
    }

    /** The databases kept under {@code folder} (created if needed). */
    public static LocalDatabases in(Path folder) {
        try {
            return new LocalDatabases(Files.createDirectories(folder).toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the databases folder " + folder, e);
        }
    }

    /** The folder to give commands as {@code FLEETPRESS_LOCAL_DATABASES}. */
    public Path folder() {
        return folder;
    }

    /**
     * The database {@code name} on server {@code host}, created empty (no WordPress installed) if it
     * does not exist yet, as {@code CREATE DATABASE IF NOT EXISTS} would.
     *
     * @throws IllegalArgumentException when host or name is not a plain name (letters, digits,
     *     {@code . _ -}, and {@code :} in a host, {@code $} in a name)
     */
    public LocalDatabase database(String host, String name) {
        require(host, HOST, "host");
        require(name, NAME, "name");
        Path dir = folder.resolve(host).resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the database folder " + dir, e);
        }
        return new LocalDatabase(host, name, dir);
    }

    private static void require(String value, Pattern pattern, String what) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException("database " + what + " " + (value == null ? "null" : "'" + value + "'")
                    + " is not a plain name (" + pattern.pattern() + "): it becomes a folder name, and wp-config.php's "
                    + "DB_HOST / DB_NAME must match it");
        }
    }
}

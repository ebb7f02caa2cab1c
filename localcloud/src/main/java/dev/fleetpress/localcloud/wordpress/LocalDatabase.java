package dev.fleetpress.localcloud.wordpress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * One WordPress database of localcloud, the folder the {@code wp} stand-in reads and writes: set it
 * up before a test or a demo (install WordPress at a schema version, activate plugins, make the
 * next upgrade fail, put rows of text that {@code wp search-replace} searches) and inspect it afterwards
 * (schema version, rows, every wp command run on it).
 *
 * <p>Each write replaces its file atomically, so a {@code wp} running meanwhile never reads half of
 * one; the setters are meant for setting up, while no command runs on the database.
 */
public final class LocalDatabase {
    private static final Pattern SLUG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");
    static final String DB_VERSION = "db_version";
    static final String ACTIVE_PLUGINS = "active_plugins";
    static final String FAIL_NEXT = "fail-next";
    static final String HISTORY = "history.log";
    static final String TABLES = "tables";
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9_]{1,64}");

    private final String host;
    private final String name;
    private final Path folder;

    LocalDatabase(String host, String name, Path folder) {
        this.host = host;
        this.name = name;
        this.folder = folder;
    }

    /** One line of the database's history: a {@code wp} command run on it, and how it ended. */
    public record HistoryEntry(Instant time, String instanceId, String command, int exitCode) {
    }

    public String host() {
        return host;
    }

    public String name() {
        return name;
    }

    public Path folder() {
        return folder;
    }

    /**
     * Installs WordPress with its tables at schema version {@code dbVersion} (a release's
     * {@code $wp_db_version}), as {@code wp core install} would.
     *
     * @throws IllegalArgumentException when dbVersion is not positive
     * @throws IllegalStateException when WordPress is already installed here (its version is kept)
     */
    public synchronized void install(long dbVersion) {
        if (dbVersion < 1) {
            throw new IllegalArgumentException("dbVersion must be positive, got " + dbVersion);
        }
        OptionalLong installed = dbVersion();
        if (installed.isPresent()) {
            throw new IllegalStateException("WordPress is already installed in " + this + " at db version "
                    + installed.getAsLong() + "; use a new database to start from another version");
        }
        write(DB_VERSION, dbVersion + "\n");
    }

    /** The schema version WordPress's tables are at; empty while WordPress is not installed. */
    public OptionalLong dbVersion() {
        String text = read(DB_VERSION);
        if (text == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(text.strip()));
        } catch (NumberFormatException e) {
            throw new IllegalStateException(folder.resolve(DB_VERSION) + " holds '" + text.strip()
                    + "', not a db version: write a whole number or delete the file", e);
        }
    }

    /**
     * Activates the plugin {@code slug} (the folder name under wp-content/plugins), as
     * {@code wp plugin activate} would; activating an active plugin changes nothing.
     *
     * @throws IllegalArgumentException when slug is not a plugin folder name
     */
    public synchronized void activatePlugin(String slug) {
        if (slug == null || !SLUG.matcher(slug).matches()) {
            throw new IllegalArgumentException("plugin slug " + slug + " is not a plugin folder name (" + SLUG.pattern() + ")");
        }
        List<String> active = new ArrayList<>(activePlugins());
        if (!active.contains(slug)) {
            active.add(slug);
            write(ACTIVE_PLUGINS, String.join("\n", active) + "\n");
        }
    }

    /** The active plugins' slugs, in the order they were activated. */
    public List<String> activePlugins() {
        String text = read(ACTIVE_PLUGINS);
        return text == null ? List.of() : text.lines().filter(l -> !l.isBlank()).toList();
    }

    /**
     * Makes the next {@code wp core update-db} on this database fail: it prints
     * {@code Error: <message>}, exits 1, changes nothing, and removes this fault so the one after
     * it runs normally.
     *
     * @throws IllegalArgumentException when message is empty or has more than one line
     */
    public synchronized void failNextUpgrade(String message) {
        if (message == null || message.isBlank() || message.contains("\n") || message.contains("\r")) {
            throw new IllegalArgumentException("the failure message must be one non-blank line, got "
                    + (message == null ? "null" : "'" + message + "'"));
        }
        write(FAIL_NEXT, message + "\n");
    }

    /**
     * Stores {@code text} as the value of {@code column} in row {@code id} of {@code table}
     * ({@code tables/<table>/<column>/<id>}), replacing what was there, as an INSERT or UPDATE would: the
     * content {@code wp search-replace} searches and rewrites. Only text columns are kept (wp-cli searches no
     * others), and a row's primary key is its id, never a column.
     *
     * @throws IllegalArgumentException when table or column is not a plain identifier ({@code [A-Za-z0-9_]},
     *     1 to 64 characters), id is not positive, or text is null
     */
    public synchronized void putRow(String table, String column, long id, String text) {
        Path cell = cell(table, column, id);
        if (text == null) {
            throw new IllegalArgumentException("the text of " + table + "." + column + " row " + id + " is null; use \"\"");
        }
        try {
            Files.createDirectories(cell.getParent());
            Path temp = Files.createTempFile(cell.getParent(), "." + id, ".tmp");
            try {
                Files.writeString(temp, text, StandardCharsets.UTF_8);
                Files.move(temp, cell, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + cell, e);
        }
    }

    /** The value of {@code column} in row {@code id} of {@code table}; empty when that row or column holds none. */
    public Optional<String> row(String table, String column, long id) {
        Path cell = cell(table, column, id);
        try {
            return Optional.of(Files.readString(cell, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + cell, e);
        }
    }

    private Path cell(String table, String column, long id) {
        for (String name : new String[] {table, column}) {
            if (name == null || !IDENTIFIER.matcher(name).matches()) {
                throw new IllegalArgumentException("table and column names are plain identifiers (" + IDENTIFIER.pattern()
                        + "), got " + (name == null ? "null" : "'" + name + "'"));
            }
        }
        if (id < 1) {
            throw new IllegalArgumentException("row ids are positive, got " + id);
        }
        return folder.resolve(TABLES).resolve(table).resolve(column).resolve(Long.toString(id));
    }

    /** Every {@code wp} command run on this database, oldest first (a line still being written is left out). */
    public List<HistoryEntry> history() {
        String text = read(HISTORY);
        if (text == null) {
            return List.of();
        }
        List<HistoryEntry> out = new ArrayList<>();
        int end = text.lastIndexOf('\n');
        String[] lines = end < 0 ? new String[0] : text.substring(0, end).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            out.add(parse(lines[i], i + 1));
        }
        return out;
    }

    private HistoryEntry parse(String line, int number) {
        String[] fields = line.split("\t", -1);
        try {
            if (fields.length == 4) {
                return new HistoryEntry(Instant.parse(fields[0]), fields[1], fields[2], Integer.parseInt(fields[3]));
            }
        } catch (DateTimeParseException | NumberFormatException e) {
            // reported below with the line itself
        }
        throw new IllegalStateException(folder.resolve(HISTORY) + " line " + number + " is not "
                + "<time>\\t<instance>\\t<command>\\t<exit code>: '" + line + "'");
    }

    private String read(String file) {
        try {
            return Files.readString(folder.resolve(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + folder.resolve(file), e);
        }
    }

    private void write(String file, String content) {
        Path target = folder.resolve(file);
        try {
            Path temp = Files.createTempFile(folder, "." + file, ".tmp");
            try {
                Files.writeString(temp, content, StandardCharsets.UTF_8);
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    @Override
    public String toString() {
        return "database " + name + " on " + host + " (" + folder + ")";
    }
}

package dev.fleetpress.media;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which archive paths may become objects under the uploads prefix. A path is accepted only if it is
 * relative and stays inside the prefix, and if S3 and WordPress can both take it:
 * <ul>
 *   <li>not empty, no leading {@code /}, no {@code \}, no empty, {@code .} or {@code ..} segment;</li>
 *   <li>no control characters (C0, DEL, C1), no U+FFFD (the name was not valid UTF-8);</li>
 *   <li>none of {@code # ? < > " | * :}, which WordPress never writes into a file name and which break
 *       the URL WordPress builds from it;</li>
 *   <li>not a PHP script ({@code .php}, {@code .phtml}, {@code .phar}…): WordPress refuses to store
 *       those in uploads, and one found there is more likely a planted web shell than media;</li>
 *   <li>the whole key (prefix plus path) at most 1024 bytes of UTF-8, S3's limit.</li>
 * </ul>
 * {@link #check} answers the reason a path is refused, for the shard result.
 */
public final class EntryRules {
    static final int MAX_KEY_BYTES = 1024;
    private static final String URL_BREAKING = "#?<>\"|*:";
    private static final Set<String> SCRIPT_EXTENSIONS = Set.of("php", "php3", "php4", "php5", "php7", "php8",
            "phtml", "phar", "pht", "phps");

    private final String prefix;
    private final int prefixBytes;

    private EntryRules(String prefix) {
        this.prefix = prefix;
        this.prefixBytes = prefix.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Rules for paths that will be stored under {@code uploadsPrefix} (validated by {@link MediaConfig}). */
    public static EntryRules under(String uploadsPrefix) {
        return new EntryRules(uploadsPrefix);
    }

    /** Empty when {@code path} is acceptable, else why it is not. */
    public Optional<String> check(String path) {
        if (path == null || path.isEmpty()) {
            return Optional.of("empty name");
        }
        if (path.startsWith("/")) {
            return Optional.of("absolute path");
        }
        if (path.indexOf('\\') >= 0) {
            return Optional.of("backslash in name");
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                return Optional.of(String.format("control character U+%04X in name", (int) c));
            }
            if (c == '\uFFFD') {
                return Optional.of("name is not valid UTF-8");
            }
            if (Character.isSurrogate(c) && !validSurrogate(path, i)) {
                return Optional.of("name is not valid UTF-16 text");
            }
            if (URL_BREAKING.indexOf(c) >= 0) {
                return Optional.of("character '" + c + "' in name, which WordPress never writes and URLs cannot carry");
            }
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..")) {
                return Optional.of("'..' segment would leave the uploads folder");
            }
            if (segment.isEmpty() || segment.equals(".")) {
                return Optional.of("empty or '.' path segment");
            }
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        if (dot >= 0 && SCRIPT_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT))) {
            return Optional.of("PHP script in uploads; WordPress does not store these there");
        }
        int bytes = prefixBytes + path.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_KEY_BYTES) {
            return Optional.of("key " + prefix + "… would be " + bytes + " bytes; S3 takes at most " + MAX_KEY_BYTES);
        }
        return Optional.empty();
    }

    /** The object key for an accepted {@code path}; refuses any other, so nothing lands outside the prefix. */
    public String key(String path) {
        check(path).ifPresent(reason -> {
            throw new IllegalArgumentException("path '" + path + "' is not importable: " + reason);
        });
        return prefix + path;
    }

    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}

package dev.fleetpress.localcloud.codebuild;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Selects a build's artifact files as CodeBuild does: {@code files} are globs relative to
 * {@code base-directory} ({@code *} and {@code ?} within a path segment, {@code **} across them,
 * {@code **}{@code /} also matching nothing, so {@code **}{@code /*} includes top-level files), only
 * regular files (symbolic links are not followed, so nothing outside the checkout is published),
 * and {@code discard-paths} keeps file names only.
 */
final class Artifacts {
    private static final Pattern VARIABLE = Pattern.compile("\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)}|([A-Za-z_][A-Za-z0-9_]*))");

    private Artifacts() {
    }

    /** A file to upload: where it is, and its key below the artifact folder. */
    record ArtifactFile(Path file, String relativeKey) {
    }

    /** Why no artifact could be produced, in CodeBuild's "CODE: message" form. */
    static final class ArtifactException extends RuntimeException {
        ArtifactException(String message) {
            super(message);
        }
    }

    static List<ArtifactFile> select(Path srcDir, BuildSpec.ArtifactSpec spec) {
        if (spec.files().isEmpty()) {
            throw new ArtifactException("CLIENT_ERROR: no artifact files specified in the buildspec");
        }
        Path base = srcDir.resolve(spec.baseDirectory()).normalize();
        if (!base.startsWith(srcDir)) {
            throw new ArtifactException("CLIENT_ERROR: base-directory " + spec.baseDirectory() + " is outside the source");
        }
        List<String> all = regularFiles(base);
        Map<String, ArtifactFile> selected = new LinkedHashMap<>();
        for (String glob : spec.files()) {
            Pattern pattern = toRegex(glob);
            List<String> matches = all.stream().filter(f -> pattern.matcher(f).matches()).toList();
            if (matches.isEmpty()) {
                throw new ArtifactException("CLIENT_ERROR: no matching artifact paths found for " + glob
                        + (spec.baseDirectory().isEmpty() ? "" : " in base-directory " + spec.baseDirectory()));
            }
            for (String match : matches) {
                String key = spec.discardPaths() ? match.substring(match.lastIndexOf('/') + 1) : match;
                selected.put(key, new ArtifactFile(base.resolve(match), key));
            }
        }
        return List.copyOf(selected.values());
    }

    /** Expands {@code $VAR} and {@code ${VAR}} from the build's environment; unset ones become empty, as in a shell. */
    static String expand(String template, Map<String, String> env) {
        Matcher m = VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            m.appendReplacement(out, Matcher.quoteReplacement(env.getOrDefault(name, "")));
        }
        m.appendTail(out);
        return out.toString();
    }

    static Pattern toRegex(String glob) {
        String g = glob.startsWith("./") ? glob.substring(2) : glob;
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < g.length(); i++) {
            char c = g.charAt(i);
            if (c == '*' && i + 1 < g.length() && g.charAt(i + 1) == '*') {
                boolean slash = i + 2 < g.length() && g.charAt(i + 2) == '/';
                regex.append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    private static List<String> regularFiles(Path base) {
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(base)) {
            List<String> files = new ArrayList<>();
            walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted()
                    .forEach(p -> files.add(base.relativize(p).toString().replace('\\', '/')));
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list artifact files under " + base, e);
        }
    }
}

package dev.fleetpress.release;

import dev.fleetpress.json.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a release contains, as the build wrote it to {@code releases/<id>/manifest.json}. Parsing is
 * strict: every id, hash and file name is checked against its pattern, because the manifest comes
 * from a build that ran the site's own code.
 *
 * <p>A captured release (instance/capture-release.sh: a running site's webroot packed on one of its
 * instances) has no commit, ref, build or repository; its JSON names {@code capturedAt},
 * {@code capturedFrom} and {@code environment} where a built one names {@code builtAt} and
 * {@code targetEnvironment}, and this record holds them in {@code builtAt}, {@code capturedFrom} and
 * {@code targetEnvironment}.
 *
 * @param kind         {@code built} (from a commit by the release build) or {@code captured} (taken from
 *                     a running site); {@code repository}, {@code commit}, {@code ref} and {@code buildId}
 *                     are null only for captured releases
 * @param builtAt      when the build started, or when the capture was taken
 * @param wordpress    the WordPress core in the release, or null when the site does not ship core
 * @param capturedFrom the instance id a captured release was taken on; null for built releases
 */
public record Manifest(int formatVersion, ReleaseId releaseId, String kind, String repository, String commit,
                       String ref, String targetEnvironment, Instant builtAt, String buildId,
                       WordPress wordpress, List<Component> plugins, List<Component> themes, long fileCount,
                       Artifact artifact, String capturedFrom) {
    public static final String BUILT = "built";
    public static final String CAPTURED = "captured";

    private static final Pattern SHA256 = Pattern.compile("^[0-9a-f]{64}$");
    private static final Pattern FILE_NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");
    private static final Pattern SLUG = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$");
    /** An instance id as the instance scripts accept it (EC2: 8 or 17 hex digits). */
    private static final Pattern INSTANCE_ID = Pattern.compile("^i-[0-9a-f]{8,17}$");
    private static final int MAX_TEXT = 500;

    public Manifest {
        Objects.requireNonNull(releaseId, "releaseId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(builtAt, "builtAt");
        Objects.requireNonNull(artifact, "artifact");
        plugins = List.copyOf(plugins);
        themes = List.copyOf(themes);
    }

    /** A built release's manifest (no {@code capturedFrom}). */
    public Manifest(int formatVersion, ReleaseId releaseId, String kind, String repository, String commit,
                    String ref, String targetEnvironment, Instant builtAt, String buildId,
                    WordPress wordpress, List<Component> plugins, List<Component> themes, long fileCount,
                    Artifact artifact) {
        this(formatVersion, releaseId, kind, repository, commit, ref, targetEnvironment, builtAt, buildId, wordpress,
                plugins, themes, fileCount, artifact, null);
    }

    public boolean isCaptured() {
        return CAPTURED.equals(kind);
    }

    /** The WordPress core version and its database schema version ({@code $wp_db_version}). */
    public record WordPress(String version, long dbVersion) {
    }

    /** A plugin or theme: its directory name (slug), display name and version (null when its header has none). */
    public record Component(String slug, String name, String version) {
    }

    /** The release tarball beside the manifest: its file name, SHA-256 (lower-case hex) and size. */
    public record Artifact(String key, String sha256, long bytes) {
        public Artifact {
            if (key == null || !FILE_NAME.matcher(key).matches() || key.contains("..")) {
                throw new ManifestException("artifact.key '" + key + "' must be a plain file name such as release.tar.gz");
            }
            if (sha256 == null || !SHA256.matcher(sha256).matches()) {
                throw new ManifestException("artifact.sha256 must be 64 lower-case hex digits, got '" + sha256 + "'");
            }
            if (bytes < 0) {
                throw new ManifestException("artifact.bytes must not be negative, got " + bytes);
            }
        }
    }

    /** Parses and validates a manifest; throws {@link ManifestException} saying which field is wrong. */
    public static Manifest parse(String json) {
        try {
            return fromJson(Json.parse(json));
        } catch (ManifestException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // JsonException and ReleaseId's own check, both one-line reasons.
            throw new ManifestException(e.getMessage());
        }
    }

    static Manifest fromJson(Json.Node root) {
        if (!root.isObject()) {
            throw new ManifestException("manifest must be a JSON object");
        }
        long format = root.get("formatVersion").asLong();
        if (format != 1) {
            throw new ManifestException("formatVersion " + format + " is not supported (this FleetPress reads 1)");
        }
        String kind = root.text("kind");
        if (!kind.equals(BUILT) && !kind.equals(CAPTURED)) {
            throw new ManifestException("kind must be 'built' or 'captured', got '" + kind + "'");
        }
        ReleaseId id = ReleaseId.of(root.text("releaseId"));
        boolean built = kind.equals(BUILT);
        String commit = null;
        String ref = null;
        String buildId = null;
        if (built) {
            commit = root.text("commit");
            if (!ReleaseId.isCommit(commit) || !commit.equals(commit.toLowerCase(Locale.ROOT))) {
                throw new ManifestException("commit '" + commit + "' must be 40 or 64 lower-case hex digits");
            }
            if (!ReleaseId.forCommit(commit).equals(id)) {
                throw new ManifestException("releaseId " + id + " does not belong to commit " + commit);
            }
            ref = text(root, "ref");
            buildId = text(root, "buildId");
        } else {
            for (String field : List.of("commit", "ref", "buildId")) {
                if (root.find(field).isPresent()) {
                    throw new ManifestException("a captured release has no " + field + ", yet the manifest names one");
                }
            }
        }
        String repository = built ? text(root, "repository")
                : root.findText("repository").map(r -> bounded("repository", r)).orElse(null);
        String environmentField = built ? "targetEnvironment" : "environment";
        String target = root.text(environmentField);
        if (!Environments.isValid(target)) {
            throw new ManifestException(environmentField + " '" + target + "' is not an environment name");
        }
        String timeField = built ? "builtAt" : "capturedAt";
        Instant at = instant(timeField, root.text(timeField));
        String capturedFrom = null;
        if (!built) {
            capturedFrom = root.text("capturedFrom");
            if (!INSTANCE_ID.matcher(capturedFrom).matches()) {
                throw new ManifestException("capturedFrom '" + bounded("capturedFrom", capturedFrom)
                        + "' is not an instance id such as i-0123456789abcdef0");
            }
        }
        WordPress wordpress = root.find("wordpress")
                .map(w -> new WordPress(text(w, "version"), w.get("dbVersion").asLong()))
                .orElse(null);
        Json.Node artifact = root.get("artifact");
        long fileCount = root.get("fileCount").asLong();
        if (fileCount < 0) {
            throw new ManifestException("fileCount must not be negative, got " + fileCount);
        }
        return new Manifest((int) format, id, kind, repository, commit, ref, target, at, buildId, wordpress,
                components(root, "plugins"), components(root, "themes"), fileCount,
                new Artifact(artifact.text("key"), artifact.text("sha256"), artifact.get("bytes").asLong()),
                capturedFrom);
    }

    /** The manifest as JSON in its published shape (what {@link #parse} reads back). */
    public Map<String, Object> toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("formatVersion", formatVersion);
        out.put("releaseId", releaseId.value());
        out.put("kind", kind);
        if (isCaptured()) {
            out.put("capturedAt", builtAt.toString());
            out.put("capturedFrom", capturedFrom);
            out.put("environment", targetEnvironment);
            if (repository != null) {
                out.put("repository", repository);
            }
        } else {
            out.put("repository", repository);
            out.put("commit", commit);
            out.put("ref", ref);
            out.put("targetEnvironment", targetEnvironment);
            out.put("builtAt", builtAt.toString());
            out.put("buildId", buildId);
        }
        out.put("wordpress", wordpress == null ? null
                : Json.object("version", wordpress.version(), "dbVersion", wordpress.dbVersion()));
        out.put("plugins", componentsJson(plugins));
        out.put("themes", componentsJson(themes));
        out.put("fileCount", fileCount);
        out.put("artifact", Json.object("key", artifact.key(), "sha256", artifact.sha256(), "bytes", artifact.bytes()));
        return out;
    }

    private static List<Component> components(Json.Node root, String field) {
        List<Component> out = new ArrayList<>();
        for (Json.Node c : root.get(field).elements()) {
            String slug = c.text("slug");
            if (!SLUG.matcher(slug).matches()) {
                throw new ManifestException(c.path() + ".slug '" + slug + "' must be a plain directory name");
            }
            out.add(new Component(slug, text(c, "name"), c.findText("version").map(v -> bounded(c.path() + ".version", v))
                    .orElse(null)));
        }
        return out;
    }

    private static List<Object> componentsJson(List<Component> components) {
        List<Object> out = new ArrayList<>();
        for (Component c : components) {
            out.add(Json.object("slug", c.slug(), "name", c.name(), "version", c.version()));
        }
        return out;
    }

    private static String text(Json.Node node, String field) {
        return bounded(node.path() + "." + field, node.text(field));
    }

    private static String bounded(String field, String value) {
        if (value.length() > MAX_TEXT || value.chars().anyMatch(ch -> ch < 0x20)) {
            throw new ManifestException(field + " must be at most " + MAX_TEXT + " printable characters");
        }
        return value;
    }

    private static Instant instant(String field, String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new ManifestException(field + " '" + bounded(field, text)
                    + "' is not an ISO-8601 instant such as 2026-11-27T15:00:00Z");
        }
    }

    /** A manifest that is not valid; the message says which field and what was expected. */
    public static final class ManifestException extends IllegalArgumentException {
        public ManifestException(String message) {
            super(message);
        }
    }
}

package dev.fleetpress.cli.bench;

import dev.fleetpress.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The "composer install at boot" alternative. The same WordPress tree becomes a composer package (a
 * zip in an {@code artifact} repository: no package registry is reachable here, and a local zip is
 * composer's best case, with no network at all), and a copy of the example site requires it besides
 * its own packages. Each round installs into a fresh instance-like folder with an empty composer
 * home and cache, as a new instance has.
 */
final class ComposerAtBoot {
    static final String PACKAGE = "fleetpress-bench/wordpress";
    static final List<String> INSTALL = List.of("composer", "install", "--no-dev", "--prefer-dist", "--no-interaction", "--optimize-autoloader");

    private final Path site;

    private ComposerAtBoot(Path site) {
        this.site = site;
    }

    /**
     * Zips {@code wordpress} as {@value #PACKAGE} {@code version} into {@code work/artifacts}, and
     * makes {@code work/site} from {@code exampleSite} with a composer.json requiring it and a
     * composer.lock resolved once here (a real site commits its lock; resolving is not boot work).
     */
    static ComposerAtBoot prepare(Path exampleSite, Path wordpress, String version, Path work) throws IOException {
        Path artifacts = Files.createDirectories(work.resolve("artifacts"));
        zip(wordpress, artifacts.resolve("wordpress-" + version + ".zip"), Json.write(Json.object(
                "name", PACKAGE, "description", "WordPress core from Debian's wordpress package, for the bootstrap benchmark",
                "type", "library", "version", version, "license", "GPL-2.0-or-later")));

        Path site = work.resolve("site");
        BootstrapFiles.copy(exampleSite, site, rel -> rel.startsWith("vendor") || rel.startsWith(".git") || rel.toString().equals("composer.lock"));
        // The example site's repositories and requirements, plus the WordPress package.
        Json.Node example = Json.parse(Files.readString(exampleSite.resolve("composer.json")));
        List<Object> repositories = new ArrayList<>(example.get("repositories").elements());
        repositories.add(Json.object("type", "artifact", "url", artifacts.toString()));
        repositories.add(Json.object("packagist.org", false)); // no registry is reachable: composer must not try one
        Map<String, Object> require = new LinkedHashMap<>(example.get("require").fields());
        require.put(PACKAGE, version);
        Files.writeString(site.resolve("composer.json"), Json.write(Json.object(
                "name", "fleetpress/bench-composer-site",
                "type", "project",
                "repositories", repositories,
                "require", require,
                "config", example.get("config"),
                "minimum-stability", "stable")));
        BootstrapProcess.run(site, composerEnv(work.resolve("composer-home")),
                List.of("composer", "update", "--no-install", "--no-interaction", "--no-progress"));
        return new ComposerAtBoot(site);
    }

    /**
     * Puts the site's own files (composer.json, composer.lock, packages/, wp-content/) into
     * {@code instanceRoot}/var/www/site untimed, as if the instance had checked them out, then times
     * {@link #INSTALL} there.
     */
    BootstrapFiles.Placed install(Path instanceRoot) {
        Path webroot = instanceRoot.resolve("var/www/site");
        BootstrapFiles.copy(site, webroot, rel -> false);
        BootstrapProcess.Result result = BootstrapProcess.run(webroot, composerEnv(instanceRoot.resolve("root/.composer")), INSTALL);
        Path core = webroot.resolve("vendor/" + PACKAGE + "/wp-includes/version.php");
        if (!Files.isRegularFile(core)) {
            throw new IllegalStateException("composer install did not place " + core + ":\n" + result.output());
        }
        return new BootstrapFiles.Placed(result.millis(), BootstrapFiles.size(webroot));
    }

    /** A composer home and cache of their own (empty on a new instance), and no root warning. */
    private static Map<String, String> composerEnv(Path home) {
        return Map.of("COMPOSER_HOME", home.toString(), "COMPOSER_CACHE_DIR", home.resolve("cache").toString(),
                "COMPOSER_ALLOW_SUPERUSER", "1");
    }

    /** A dist zip as composer's artifact repository reads it: composer.json at the top, the package's files beside it. */
    private static void zip(Path tree, Path zip, String composerJson) throws IOException {
        try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(file);
             Stream<Path> paths = Files.walk(tree)) {
            out.putNextEntry(new ZipEntry("composer.json"));
            out.write(composerJson.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            for (Path p : (Iterable<Path>) paths.sorted()::iterator) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.putNextEntry(new ZipEntry(tree.relativize(p).toString()));
                    Files.copy(p, out);
                    out.closeEntry();
                }
            }
        }
    }
}

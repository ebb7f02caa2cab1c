package dev.fleetpress.cli;

import dev.fleetpress.localcloud.LocalGit;
import dev.fleetpress.localcloud.template.StackContext;
import dev.fleetpress.localcloud.template.Template;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Where the CLI finds the project (template.yaml, examples/) and keeps local state. */
final class Workspace {
    private Workspace() {
    }

    /** The repository root: FLEETPRESS_ROOT (set by ./fleetpress), else the nearest folder with template.yaml. */
    static Path root() {
        String env = System.getenv("FLEETPRESS_ROOT");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("template.yaml"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find template.yaml: run fleetpress from the FleetPress repository or set FLEETPRESS_ROOT");
    }

    /**
     * Local state for `local up` and `status`: the fleetpress.home system property (tests), else
     * FLEETPRESS_HOME, else .localcloud/ in the repository.
     */
    static Path home() {
        String property = System.getProperty("fleetpress.home");
        if (property != null && !property.isBlank()) {
            return Path.of(property).toAbsolutePath();
        }
        String env = System.getenv("FLEETPRESS_HOME");
        return env != null && !env.isBlank() ? Path.of(env).toAbsolutePath() : root().resolve(".localcloud");
    }

    /** template.yaml resolved for the local stack, as {@code local up} resolves it (its outputs name the buckets and prefix). */
    static Template localTemplate() {
        return Template.load(root().resolve("template.yaml"),
                StackContext.local(Map.of("SourceLocation", home().resolve("site.git").toString())));
    }

    /** Copies examples/site into {@code target} (without vendor/) and makes it a git repository with one commit. */
    static Path createSiteRepository(Path target) {
        return LocalGit.copyOf(root().resolve("examples/site"), target).dir();
    }
}

package dev.fleetpress.localcloud.checks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.localcloud.template.StackContext;
import dev.fleetpress.localcloud.template.Template;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The repository the checks read: its root comes from surefire's {@code fleetpress.root}. */
final class Repo {
    /**
     * The stack the checks resolve the template for. SourceLocation has no Default (each deployment
     * names its site repository), so the checks pass one, as {@code sam deploy} would.
     */
    static final StackContext STACK = StackContext.local(Map.of("SourceLocation", "https://git.example.invalid/site.git"));

    private Repo() {
    }

    static Path root() {
        String root = System.getProperty("fleetpress.root");
        if (root == null) {
            throw new IllegalStateException("system property fleetpress.root is not set: run the checks through Maven "
                    + "(surefire sets it to the repository root) or pass -Dfleetpress.root=<repo>");
        }
        return Path.of(root).toAbsolutePath().normalize();
    }

    static String read(String relative) {
        try {
            return Files.readString(root().resolve(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + relative + " under " + root(), e);
        }
    }

    static String templateText() {
        return read("template.yaml");
    }

    static Template template() {
        return Template.parse(templateText(), STACK);
    }

    /** Every {@code *.json} under {@code dir}, keyed by its path relative to {@code dir} with / separators, sorted. */
    static Map<String, String> jsonFiles(String dir) {
        return filesEndingWith(dir, ".json");
    }

    /** Every {@code *.java} under {@code dir}, keyed like {@link #jsonFiles}. */
    static Map<String, String> javaFiles(String dir) {
        return filesEndingWith(dir, ".java");
    }

    private static Map<String, String> filesEndingWith(String dir, String suffix) {
        Path base = root().resolve(dir);
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(base)) {
            for (Path file : files.filter(p -> Files.isRegularFile(p) && p.toString().endsWith(suffix)).toList()) {
                out.put(base.relativize(file).toString().replace('\\', '/'), Files.readString(file, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir + " under " + root(), e);
        }
        return out;
    }

    /** Fails listing every finding, one a line, so the developer sees all of them at once. */
    static void assertNoFindings(List<String> findings) {
        assertThat(findings)
                .withFailMessage(() -> findings.size() + " problem(s):\n- " + String.join("\n- ", findings))
                .isEmpty();
    }
}

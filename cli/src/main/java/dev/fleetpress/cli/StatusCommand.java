package dev.fleetpress.cli;

import dev.fleetpress.aws.S3ReleaseStore;
import dev.fleetpress.aws.SsmEnvironmentPointers;
import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.s3.LocalS3;
import dev.fleetpress.localcloud.ssm.LocalSsm;
import dev.fleetpress.localcloud.template.StackContext;
import dev.fleetpress.localcloud.template.Template;
import dev.fleetpress.release.Manifest;
import dev.fleetpress.release.ReleaseCatalog;
import dev.fleetpress.release.ReleaseCatalog.Deployment;
import dev.fleetpress.release.ReleaseCatalog.EnvironmentStatus;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.s3.S3Client;

/** {@code fleetpress status}: each environment's current release and its history. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show each environment's current release and its history (localcloud in .localcloud/ or FLEETPRESS_HOME).")
final class StatusCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(names = "--history", defaultValue = "5", description = "History entries per environment (default: ${DEFAULT-VALUE}).")
    int history;

    @Override
    public Integer call() {
        Path home = Workspace.home();
        Path cloudData = home.resolve("cloud");
        if (!Files.isDirectory(cloudData.resolve("ssm"))) {
            System.err.println("fleetpress: no localcloud state in " + home + ": run ./fleetpress local up (or set FLEETPRESS_HOME)");
            return 2;
        }
        Template template = Template.load(Workspace.root().resolve("template.yaml"),
                StackContext.local(Map.of("SourceLocation", home.resolve("site.git").toString())));
        String bucket = template.outputs().get("ReleaseBucketName");
        String prefix = template.outputs().get("ParameterPrefix");
        LocalS3 transientS3 = null;
        S3Client s3;
        Path endpoint = LocalCommand.endpointFile();
        try {
            if (Files.isRegularFile(endpoint) && reachable(endpoint)) {
                s3 = LocalS3.clientFor(URI.create(Json.parse(Files.readString(endpoint)).text("s3Endpoint")));
            } else {
                // localcloud is not running: read its S3 data folder through a short-lived server.
                transientS3 = LocalS3.start(cloudData.resolve("s3"), (target, event) -> { });
                s3 = transientS3.client();
            }
            try (LocalSsm ssm = LocalSsm.open(cloudData.resolve("ssm"))) {
                ReleaseCatalog catalog = ReleaseCatalog.of(S3ReleaseStore.create(s3, bucket), SsmEnvironmentPointers.create(ssm, prefix));
                List<EnvironmentStatus> environments = catalog.environments();
                System.out.println(json ? toJson(environments) : toTable(environments));
            }
            return 0;
        } catch (java.io.IOException e) {
            System.err.println("fleetpress: cannot read " + endpoint + ": " + e.getMessage());
            return 2;
        } finally {
            if (transientS3 != null) {
                transientS3.close();
            }
        }
    }

    private static boolean reachable(Path endpoint) {
        try {
            URI s3 = URI.create(Json.parse(Files.readString(endpoint)).text("s3Endpoint"));
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress(s3.getHost(), s3.getPort()), 500);
                return true;
            }
        } catch (Exception e) {
            return false;
        }
    }

    private String toTable(List<EnvironmentStatus> environments) {
        if (environments.isEmpty()) {
            return "No environment has a release yet. Push to a mapped ref (refs/heads/main → production, tags v* → staging).";
        }
        StringBuilder out = new StringBuilder();
        for (EnvironmentStatus env : environments) {
            out.append(env.environment()).append('\n');
            List<Deployment> shown = env.history().subList(0, Math.min(history, env.history().size()));
            for (int i = 0; i < shown.size(); i++) {
                Deployment d = shown.get(i);
                out.append(String.format("  %s v%-3d %-15s %s  %s%n", i == 0 ? "▶" : " ", d.version(), d.value(),
                        d.promotedAt(), d.release().map(r -> describe(r.manifest())).orElse("(no release record)")));
            }
        }
        return out.toString().stripTrailing();
    }

    private static String describe(Manifest m) {
        String commit = m.commit() == null ? "-" : m.commit().substring(0, 12);
        String wp = m.wordpress() == null ? "" : ", WordPress " + m.wordpress().version() + " (db " + m.wordpress().dbVersion() + ")";
        return commit + " " + (m.ref() == null ? "" : m.ref()) + ", " + m.fileCount() + " files" + wp;
    }

    private String toJson(List<EnvironmentStatus> environments) {
        List<Object> out = new ArrayList<>();
        for (EnvironmentStatus env : environments) {
            List<Object> entries = new ArrayList<>();
            for (Deployment d : env.history().subList(0, Math.min(history, env.history().size()))) {
                Map<String, Object> entry = Json.object("version", d.version(), "release", d.value(),
                        "promotedAt", String.valueOf(d.promotedAt()));
                d.release().ifPresent(r -> {
                    Manifest m = r.manifest();
                    entry.put("commit", m.commit());
                    entry.put("ref", m.ref());
                    entry.put("fileCount", m.fileCount());
                    entry.put("sha256", m.artifact().sha256());
                    entry.put("wordpress", m.wordpress() == null ? null
                            : Json.object("version", m.wordpress().version(), "dbVersion", m.wordpress().dbVersion()));
                });
                entries.add(entry);
            }
            out.add(Json.object("environment", env.environment(),
                    "current", env.current().map(Deployment::value).orElse(null),
                    "history", entries));
        }
        return Json.write(Json.object("environments", out));
    }

}

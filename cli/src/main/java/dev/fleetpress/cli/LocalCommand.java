package dev.fleetpress.cli;

import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.LocalCloud;
import dev.fleetpress.localcloud.LocalGit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleetpress local up}: keeps localcloud running and accepting pushes until stopped. */
@Command(name = "local", mixinStandardHelpOptions = true, description = "Run localcloud, the embedded AWS.",
        subcommands = LocalCommand.Up.class)
final class LocalCommand implements Runnable {
    @Override
    public void run() {
        System.out.println("Usage: fleetpress local up [--port N]");
    }

    /** The file the git hook, `fleetpress webhook send` and the release commands read to find the running localcloud. */
    static Path endpointFile() {
        return Workspace.home().resolve("endpoint.json");
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Start localcloud in .localcloud/ (or FLEETPRESS_HOME), print the webhook URL, secret and a git remote, and run until Ctrl-C.")
    static final class Up implements Callable<Integer> {
        @Option(names = "--port", description = "HTTP API port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 picks a free one).", defaultValue = "8787")
        int port;

        @Override
        public Integer call() throws Exception {
            Path home = Files.createDirectories(Workspace.home());
            Path bare = home.resolve("site.git");
            if (!Files.isDirectory(bare)) {
                Path seed = Workspace.createSiteRepository(Files.createDirectories(home.resolve("seed")));
                LocalGit.in(home).run("clone", "--quiet", "--bare", seed.toString(), bare.toString());
                LocalCloud.deleteRecursively(seed);
            }
            installHook(bare);
            LocalCloud cloud = LocalCloud.builder()
                    .projectRoot(Workspace.root())
                    .dataDir(home.resolve("cloud"))
                    .siteRepository(bare)
                    .httpPort(port)
                    .build();
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                cloud.close();
                stopped.countDown();
            }, "localcloud-shutdown"));
            Path endpoint = endpointFile();
            Files.writeString(endpoint, Json.write(Json.object(
                    "webhookUrl", cloud.webhookUrl("github").toString(),
                    "baseUrl", cloud.webhookUrl("github").resolve("/").toString(),
                    "s3Endpoint", cloud.s3Endpoint().toString(),
                    "ssmEndpoint", cloud.ssmEndpoint().toString(),
                    "secret", cloud.webhookSecret())), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(endpoint, PosixFilePermissions.fromString("rw-------"));

            System.out.println("localcloud is up (state in " + home + ")");
            System.out.println("  webhook URL : " + cloud.webhookUrl("{provider}").toString().replace("%7B", "{").replace("%7D", "}"));
            System.out.println("  secret      : " + cloud.webhookSecret());
            System.out.println("  S3 endpoint : " + cloud.s3Endpoint());
            System.out.println("  SSM endpoint: " + cloud.ssmEndpoint());
            System.out.println("  site remote : " + bare + "  (its post-receive hook sends a signed GitHub push webhook)");
            System.out.println();
            System.out.println("Try:  git clone " + bare + " /tmp/site && cd /tmp/site && git commit --allow-empty -m hi && git push");
            System.out.println("      ./fleetpress status");
            System.out.println("      ./fleetpress promote <release> staging   ./fleetpress rollback production");
            System.out.println("Stop with Ctrl-C.");
            stopped.await();
            return 0;
        }

        private static void installHook(Path bare) throws IOException {
            Path hook = bare.resolve("hooks/post-receive");
            String launcher = Workspace.root().resolve("fleetpress").toString();
            Files.writeString(hook, """
                    #!/usr/bin/env bash
                    # Installed by `fleetpress local up`: tells localcloud about each pushed ref, as GitHub would.
                    set -euo pipefail
                    while read -r old new ref; do
                      FLEETPRESS_HOME=%s %s webhook send --ref "$ref" --before "$old" --after "$new" --clone-url %s
                    done
                    """.formatted(quote(Workspace.home().toString()), quote(launcher), quote(bare.toString())), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        }

        private static String quote(String s) {
            return "'" + s.replace("'", "'\\''") + "'";
        }
    }
}

package dev.fleetpress.cli;

import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.GitHubPush;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleetpress webhook send}: what the local git hook runs for each pushed ref. */
@Command(name = "webhook", mixinStandardHelpOptions = true, description = "Send webhooks to a running localcloud.",
        subcommands = WebhookCommand.Send.class)
final class WebhookCommand implements Runnable {
    @Override
    public void run() {
        System.out.println("Usage: fleetpress webhook send --ref REF --before SHA --after SHA");
    }

    @Command(name = "send", mixinStandardHelpOptions = true,
            description = "Send a signed GitHub push webhook for one ref to the localcloud started by `fleetpress local up`.")
    static final class Send implements Callable<Integer> {
        @Option(names = "--ref", required = true)
        String ref;
        @Option(names = "--before", required = true)
        String before;
        @Option(names = "--after", required = true)
        String after;
        @Option(names = "--repository", defaultValue = "local/example-site", description = "owner/name (default: ${DEFAULT-VALUE}).")
        String repository;
        @Option(names = "--clone-url", defaultValue = "", description = "The repository's clone URL.")
        String cloneUrl;

        @Override
        public Integer call() throws Exception {
            Path endpoint = LocalCommand.endpointFile();
            if (!Files.isRegularFile(endpoint)) {
                System.err.println("fleetpress: no running localcloud (" + endpoint + " is missing): start it with ./fleetpress local up");
                return 2;
            }
            Json.Node config = Json.parse(Files.readString(endpoint));
            GitHubPush.Response response = GitHubPush.send(URI.create(config.text("webhookUrl")), config.text("secret"),
                    GitHubPush.payload(repository, cloneUrl, ref, before, after));
            System.out.println("fleetpress: " + ref + " → " + response.status() + " " + response.body());
            return response.status() / 100 == 2 ? 0 : 1;
        }
    }
}

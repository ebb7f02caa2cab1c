package dev.fleetpress.localcloud.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.localcloud.GitHubPush;
import dev.fleetpress.localcloud.LocalCloud;
import dev.fleetpress.localcloud.LocalGit;
import java.nio.file.Path;
import java.time.Duration;

/** What the whole-flow tests share: the repository root, and pushing the site's HEAD to main. */
final class Flows {
    static final Path ROOT = Path.of(System.getProperty("fleetpress.root", "..")).toAbsolutePath().normalize();

    private Flows() {
    }

    /** Pushes the site's HEAD to refs/heads/main, waits for the build and promotion, and returns the release id. */
    static String promote(LocalCloud cloud, LocalGit site) {
        String commit = site.head();
        GitHubPush.Response pushed = GitHubPush.push(cloud, "refs/heads/main", GitHubPush.ZERO, commit);
        assertThat(pushed.status()).as(pushed.body()).isEqualTo(202);
        assertThat(cloud.awaitIdle(Duration.ofMinutes(3))).isTrue();
        return "r-" + commit.substring(0, 12);
    }
}

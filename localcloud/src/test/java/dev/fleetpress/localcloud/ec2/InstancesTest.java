package dev.fleetpress.localcloud.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.localcloud.ec2.Instances.Instance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstancesTest {
    @TempDir
    Path dir;

    @Test
    void launch_withoutAnImage_startsWithAnEmptyRoot() throws IOException {
        Instance instance = Instances.create(dir, Clock.systemUTC()).launch("web");

        assertThat(instance.root()).isEmptyDirectory();
        assertThat(instance.groupName()).isEqualTo("web");
        assertThat(instance.id()).matches("i-[0-9a-f]{17}");
    }

    @Test
    void launch_withAnImage_preparesTheRootBeforeTheInstanceIsKnown() {
        Instances instances = Instances.create(dir, Clock.systemUTC(), root -> {
            try {
                Files.createDirectories(root.resolve("usr/local/bin"));
                Files.writeString(root.resolve("usr/local/bin/tool"), "#!/bin/sh\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        Instance instance = instances.launch("web");

        assertThat(instance.root().resolve("usr/local/bin/tool")).hasContent("#!/bin/sh");
    }

    @Test
    void launch_whenTheImageFails_failsAndNoInstanceIsKnown() {
        Instances instances = Instances.create(dir, Clock.systemUTC(), root -> {
            throw new UncheckedIOException(new IOException("disk full"));
        });

        assertThatThrownBy(() -> instances.launch("web")).isInstanceOf(UncheckedIOException.class).hasMessageContaining("disk full");
        assertThat(instances.all()).isEmpty();
    }
}

package dev.fleetpress.localcloud.wordpress;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The {@code wp} command of localcloud's instances: a bash stand-in for wp-cli (see the package
 * documentation for what it does and does not do), installed where wp-cli lives on an instance.
 */
public final class WpStandIn {
    /** Where wp-cli is installed on an instance, relative to its root file system. */
    public static final String INSTALL_PATH = "usr/local/bin/wp";
    static final String RESOURCE = "wp.sh";

    private WpStandIn() {
    }

    /**
     * Installs the stand-in as {@code <root>/usr/local/bin/wp}, executable, replacing what is there:
     * what an AMI with wp-cli gives a new instance. Use it as the instances' image
     * ({@code Instances.create(dir, clock, WpStandIn::installInto)}).
     *
     * @throws UncheckedIOException when the sandbox cannot be written
     */
    public static void installInto(Path root) {
        Path target = root.resolve(INSTALL_PATH);
        try (InputStream script = WpStandIn.class.getResourceAsStream(RESOURCE)) {
            if (script == null) {
                throw new IllegalStateException(RESOURCE + " is missing from localcloud's jar beside "
                        + WpStandIn.class.getName() + ": rebuild localcloud");
            }
            Files.createDirectories(target.getParent());
            Files.copy(script, target, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install wp into the sandbox " + root, e);
        }
    }
}

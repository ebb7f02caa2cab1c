package dev.fleetpress.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.localcloud.ec2.Instances.Instance;
import dev.fleetpress.localcloud.wordpress.LocalDatabase;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LocalCloud's wiring of the wp stand-in: installed in every launched instance, databases under the data folder. */
class LocalCloudWordPressTest {
    private static final Path ROOT = Path.of(System.getProperty("fleetpress.root", "..")).toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    private LocalCloud cloud;

    @BeforeEach
    void setUp() throws Exception {
        cloud = LocalCloud.builder().projectRoot(ROOT).dataDir(tmp.resolve("cloud"))
                .siteRepository(Files.createDirectories(tmp.resolve("site"))).schedules(false).build();
    }

    @AfterEach
    void tearDown() {
        cloud.close();
    }

    @Test
    void database_isAFolderUnderTheDataDirsDatabases() {
        LocalDatabase db = cloud.database("localhost", "fleetpress");

        assertThat(db.folder()).isEqualTo(cloud.dataDir().resolve("databases/localhost/fleetpress")).isDirectory();
    }

    @Test
    void instanceEnvironment_pointsTheWpStandInAtTheDatabases() {
        assertThat(cloud.instanceEnvironment())
                .containsEntry("FLEETPRESS_LOCAL_DATABASES", cloud.dataDir().resolve("databases").toString())
                .containsKeys("AWS_ENDPOINT_URL_SSM", "AWS_ENDPOINT_URL_S3", "AWS_DEFAULT_REGION");
    }

    @Test
    void launchedInstance_hasWpWhoseDatabaseIsTheOneLocalCloudShows() throws Exception {
        Instance instance = cloud.instances().launch("fleetpress-production");
        Path site = Files.createDirectories(instance.root().resolve("var/www/site/wp-includes"));
        Files.writeString(site.resolve("version.php"), "<?php\n$wp_version = '6.8.3';\n$wp_db_version = 60421;\n");
        Files.writeString(site.getParent().resolve("wp-config.php"),
                "<?php\ndefine( 'DB_NAME', 'fleetpress' );\ndefine( 'DB_HOST', 'localhost' );\n");
        LocalDatabase db = cloud.database("localhost", "fleetpress");
        db.install(57155);

        Path wp = instance.root().resolve("usr/local/bin/wp");
        List<String> argv = new ArrayList<>(List.of(wp.toString(), "--path=" + site.getParent(), "core", "update-db"));
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.putAll(cloud.instanceEnvironment());
        env.put("FLEETPRESS_INSTANCE_ID", instance.id());
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(Files.isExecutable(wp)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(db.dbVersion()).hasValue(60421);
        assertThat(db.history()).extracting(LocalDatabase.HistoryEntry::instanceId).containsExactly(instance.id());
    }
}

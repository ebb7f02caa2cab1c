package dev.fleetpress.efs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.Settings;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EfsConfigTest {
    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("EFS_FILE_SYSTEMS", "production=fs-0123456789abcdef0,staging=");
        env.put("ALARM_PREFIX", "fleetpress-local-efs-credits-");
        env.put("EFS_RESPONSE_MODE", "provisioned");
        env.put("EFS_PROVISIONED_MIBPS", "250");
        env.put("EFS_RETURN_TO_BURSTING", "false");
        env.put("EFS_COOLDOWN_HOURS", "12");
        env.put("EFS_WEBROOT_PATH", "/srv/www/");
        env.put("FLEET_GROUPS", "production=fleetpress-production,staging=fleetpress-staging");
        env.put("CAPTURE_DOCUMENT", "fleetpress-local-capture-release");
        env.put("MEDIA_EXPORT_DOCUMENT", "fleetpress-local-media-export");
        env.put("MEDIA_BUCKET", "fleetpress-local-media-000000000000");
        env.put("RELEASE_BUCKET", "fleetpress-local-releasebucket");
        return env;
    }

    @Test
    void from_whenTemplateVariables_readsEveryOne() {
        EfsConfig config = EfsConfig.from(Settings.of(env()));

        assertThat(config.fileSystems()).isEqualTo(Map.of("production", "fs-0123456789abcdef0"));
        assertThat(config.responseMode()).isEqualTo(ThroughputMode.PROVISIONED);
        assertThat(config.provisionedMibps()).isEqualTo(250);
        assertThat(config.returnToBursting()).isFalse();
        assertThat(config.cooldown()).isEqualTo(Duration.ofHours(12));
        assertThat(config.uploadsPath()).isEqualTo("/srv/www/wp-content/uploads");
        assertThat(config.alarmName("staging")).isEqualTo("fleetpress-local-efs-credits-staging");
        assertThat(config.environmentOf("fs-0123456789abcdef0")).contains("production");
    }

    @Test
    void from_whenNoFileSystemIsConfigured_hasNone() {
        Map<String, String> env = env();
        env.put("EFS_FILE_SYSTEMS", "production=,staging=");

        assertThat(EfsConfig.from(Settings.of(env)).fileSystems()).isEmpty();
    }

    @Test
    void parseFileSystems_whenIdIsMalformed_namesIt() {
        assertThatThrownBy(() -> EfsConfig.parseFileSystems("production=fs-XYZ"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fs-XYZ");
        assertThatThrownBy(() -> EfsConfig.parseFileSystems("production"))
                .hasMessageContaining("is not environment=fs-id");
        assertThatThrownBy(() -> EfsConfig.parseFileSystems("production=fs-0123456789abcdef0,staging=fs-0123456789abcdef0"))
                .hasMessageContaining("twice");
    }

    @Test
    void from_whenResponseModeIsBursting_refuses() {
        Map<String, String> env = env();
        env.put("EFS_RESPONSE_MODE", "bursting");

        assertThatThrownBy(() -> EfsConfig.from(Settings.of(env))).hasMessageContaining("EFS_RESPONSE_MODE");
    }

    @Test
    void from_whenWebrootClimbsOut_refuses() {
        Map<String, String> env = env();
        env.put("EFS_WEBROOT_PATH", "/var/www/../../etc");

        assertThatThrownBy(() -> EfsConfig.from(Settings.of(env))).hasMessageContaining("EFS_WEBROOT_PATH");
    }

    @Test
    void from_whenReturnToBurstingIsNotABoolean_refuses() {
        Map<String, String> env = env();
        env.put("EFS_RETURN_TO_BURSTING", "yes");

        assertThatThrownBy(() -> EfsConfig.from(Settings.of(env))).hasMessageContaining("EFS_RETURN_TO_BURSTING");
    }
}

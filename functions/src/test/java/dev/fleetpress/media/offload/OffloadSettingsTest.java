package dev.fleetpress.media.offload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OffloadSettingsTest {
    private static final String BUCKET = "fleetpress-media-123456789012";

    @Test
    void parameters_forS3UploadsWithACdn_areItsConstantsExactly() {
        OffloadSettings s = new OffloadSettings(OffloadPlugin.S3_UPLOADS, BUCKET, "eu-west-1", "https://cdn.example.com");

        assertThat(s.parameters()).containsExactly(
                Map.entry("S3_UPLOADS_BUCKET", "fleetpress-media-123456789012/wp-content"),
                Map.entry("S3_UPLOADS_REGION", "eu-west-1"),
                Map.entry("S3_UPLOADS_USE_INSTANCE_PROFILE", "true"),
                Map.entry("S3_UPLOADS_OBJECT_ACL", "private"),
                Map.entry("S3_UPLOADS_BUCKET_URL", "https://cdn.example.com/wp-content"));
        assertThat(s.uploadsBaseUrl()).isEqualTo("https://cdn.example.com/wp-content/uploads");
        assertThat(s.stale()).containsExactly("AS3CF_SETTINGS");
    }

    @Test
    void parameters_forS3UploadsWithoutACdn_leaveOutTheBucketUrlAndRemoveIt() {
        OffloadSettings s = new OffloadSettings(OffloadPlugin.S3_UPLOADS, BUCKET, "us-east-1", "");

        assertThat(s.parameters()).doesNotContainKey("S3_UPLOADS_BUCKET_URL").hasSize(4);
        assertThat(s.stale()).containsExactly("S3_UPLOADS_BUCKET_URL", "AS3CF_SETTINGS");
        assertThat(s.uploadsBaseUrl()).isEmpty();
    }

    @Test
    void parameters_forWpOffloadMediaWithACdn_areTheSerializedSettingsExactly() {
        OffloadSettings s = new OffloadSettings(OffloadPlugin.WP_OFFLOAD_MEDIA, BUCKET, "eu-west-1", "https://cdn.example.com");

        assertThat(s.parameters()).containsExactly(Map.entry("AS3CF_SETTINGS", "a:14:{"
                + "s:8:\"provider\";s:3:\"aws\";"
                + "s:16:\"use-server-roles\";b:1;"
                + "s:6:\"bucket\";s:29:\"fleetpress-media-123456789012\";"
                + "s:6:\"region\";s:9:\"eu-west-1\";"
                + "s:10:\"copy-to-s3\";b:1;"
                + "s:13:\"serve-from-s3\";b:1;"
                + "s:20:\"enable-object-prefix\";b:1;"
                + "s:13:\"object-prefix\";s:19:\"wp-content/uploads/\";"
                + "s:21:\"use-yearmonth-folders\";b:1;"
                + "s:17:\"object-versioning\";b:0;"
                + "s:11:\"force-https\";b:1;"
                + "s:17:\"delivery-provider\";s:3:\"aws\";"
                + "s:22:\"enable-delivery-domain\";b:1;"
                + "s:15:\"delivery-domain\";s:15:\"cdn.example.com\";}"));
        assertThat(s.stale()).containsExactlyElementsOf(OffloadPlugin.S3_UPLOADS.constants());
        assertThat(s.uploadsBaseUrl()).isEqualTo("https://cdn.example.com/wp-content/uploads");
    }

    @Test
    void parameters_forWpOffloadMediaWithoutACdn_deliverFromStorageWithoutADomain() {
        String settings = new OffloadSettings(OffloadPlugin.WP_OFFLOAD_MEDIA, BUCKET, "us-east-1", "").parameters()
                .get("AS3CF_SETTINGS");

        assertThat(settings).startsWith("a:13:{").contains("s:17:\"delivery-provider\";s:7:\"storage\";",
                "s:22:\"enable-delivery-domain\";b:0;").doesNotContain("delivery-domain\";s:");
    }

    @Test
    void serialize_countsUtf8Bytes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "café");

        assertThat(PhpSerialized.array(m)).isEqualTo("a:1:{s:4:\"name\";s:5:\"café\";}");
    }

    @Test
    void applyTo_writesTheConstantsAndRemovesOnlyStaleOnesThatWereSet() {
        Map<String, String> store = new LinkedHashMap<>(Map.of("AS3CF_SETTINGS", "old", "DB_NAME", "wordpress"));
        List<String> calls = new ArrayList<>();
        SiteConfiguration config = new SiteConfiguration() {
            @Override
            public void put(String environment, String name, String value) {
                calls.add("put " + environment + " " + name);
                store.put(name, value);
            }

            @Override
            public boolean delete(String environment, String name) {
                calls.add("delete " + name);
                return store.remove(name) != null;
            }
        };

        OffloadSettings.Applied applied = new OffloadSettings(OffloadPlugin.S3_UPLOADS, BUCKET, "eu-west-1", "")
                .applyTo(config, "production");

        assertThat(applied.written()).containsOnlyKeys("S3_UPLOADS_BUCKET", "S3_UPLOADS_REGION",
                "S3_UPLOADS_USE_INSTANCE_PROFILE", "S3_UPLOADS_OBJECT_ACL");
        assertThat(applied.removed()).containsExactly("AS3CF_SETTINGS");
        assertThat(store).containsEntry("DB_NAME", "wordpress").doesNotContainKey("AS3CF_SETTINGS");
        assertThat(calls).first().isEqualTo("put production S3_UPLOADS_BUCKET");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://cdn.example.com", "https://cdn.example.com/", "https://cdn.example.com'; define('X', 1); //",
            "https://cdn example.com", "https://$(id).example.com", "cdn.example.com"})
    void new_whenTheCdnIsNotAnHttpsBaseUrl_throws(String cdn) {
        assertThatThrownBy(() -> new OffloadSettings(OffloadPlugin.S3_UPLOADS, BUCKET, "eu-west-1", cdn))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--cdn");
    }

    @Test
    void new_whenWpOffloadMediaGetsACdnWithAPath_saysItTakesADomainOnly() {
        assertThatThrownBy(() -> new OffloadSettings(OffloadPlugin.WP_OFFLOAD_MEDIA, BUCKET, "eu-west-1",
                "https://cdn.example.com/media")).hasMessageContaining("delivery domain only, as https://cdn.example.com");
    }

    @Test
    void new_whenTheBucketOrRegionIsHostile_throws() {
        assertThatThrownBy(() -> new OffloadSettings(OffloadPlugin.S3_UPLOADS, "Bucket'; x", "eu-west-1", ""))
                .hasMessageContaining("not an S3 bucket name");
        assertThatThrownBy(() -> new OffloadSettings(OffloadPlugin.S3_UPLOADS, BUCKET, "eu west", ""))
                .hasMessageContaining("not an AWS region name");
    }

    @Test
    void of_whenTheSlugIsUnknown_listsThePlugins() {
        assertThat(OffloadPlugin.of("wp-offload-media")).isEqualTo(OffloadPlugin.WP_OFFLOAD_MEDIA);
        assertThatThrownBy(() -> OffloadPlugin.of("w3tc")).hasMessageContaining("[s3-uploads, wp-offload-media]");
    }
}

package dev.fleetpress.media.offload;

import java.util.Arrays;
import java.util.List;

/** The offload plugins FleetPress configures for new uploads, by the name the CLI takes. */
public enum OffloadPlugin {
    /** Human Made's S3-Uploads: an s3:// stream wrapper for the uploads folder, configured by S3_UPLOADS_* constants. */
    S3_UPLOADS("s3-uploads", List.of("S3_UPLOADS_BUCKET", "S3_UPLOADS_REGION", "S3_UPLOADS_USE_INSTANCE_PROFILE",
            "S3_UPLOADS_OBJECT_ACL", "S3_UPLOADS_BUCKET_URL")),
    /** Delicious Brains' WP Offload Media (and its Lite edition), configured by the AS3CF_SETTINGS constant. */
    WP_OFFLOAD_MEDIA("wp-offload-media", List.of("AS3CF_SETTINGS"));

    private final String slug;
    private final List<String> constants;

    OffloadPlugin(String slug, List<String> constants) {
        this.slug = slug;
        this.constants = constants;
    }

    public String slug() {
        return slug;
    }

    /** Every constant FleetPress may set for this plugin (the ones a configuration of another plugin removes). */
    public List<String> constants() {
        return constants;
    }

    /** The plugin named {@code slug}; {@link IllegalArgumentException} listing the names otherwise. */
    public static OffloadPlugin of(String slug) {
        return Arrays.stream(values()).filter(p -> p.slug.equals(slug)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--plugin " + (slug == null ? "" : "'" + slug + "' ")
                        + "must be one of " + Arrays.stream(values()).map(OffloadPlugin::slug).toList()));
    }
}

package dev.fleetpress.media.offload;

import dev.fleetpress.media.rewrite.BaseUrls;
import dev.fleetpress.release.Environments;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How an offload plugin must be configured so that new uploads land in the media bucket under the same
 * {@value #UPLOADS_PREFIX} keys the migration imported existing ones to, with the instances' role (no access
 * keys in wp-config.php), as private objects (the bucket blocks public access), and served through the CDN
 * when one is given.
 *
 * <ul>
 *   <li><b>S3-Uploads</b> maps {@code WP_CONTENT_DIR} to {@code s3://<S3_UPLOADS_BUCKET>}, so the uploads folder
 *   {@code wp-content/uploads} becomes keys {@code <path of S3_UPLOADS_BUCKET>/uploads/…}: the bucket is given as
 *   {@code <bucket>/wp-content}. Its URLs replace {@code s3://<S3_UPLOADS_BUCKET>} by S3_UPLOADS_BUCKET_URL, so the
 *   CDN URL gets {@code /wp-content} too. The plugin loads only when S3_UPLOADS_USE_INSTANCE_PROFILE is defined
 *   (its value is not read) or keys are; its default ACL, public-read, is refused by a bucket whose objects the
 *   owner enforces, hence S3_UPLOADS_OBJECT_ACL private.</li>
 *   <li><b>WP Offload Media</b> reads every setting from AS3CF_SETTINGS, a serialized PHP array: provider aws with
 *   server roles, the bucket and region, copy to the bucket and serve from it, the object prefix, year/month
 *   folders without object versioning (versioning would add a timestamp folder to every key). A CDN is its
 *   delivery domain with CloudFront as delivery provider, which its documentation requires when the bucket
 *   blocks public access.</li>
 * </ul>
 *
 * @param cdn the CDN's base URL ({@code https://host}, for S3-Uploads optionally with a path), or "" for none
 */
public record OffloadSettings(OffloadPlugin plugin, String bucket, String region, String cdn) {
    public static final String UPLOADS_PREFIX = "wp-content/uploads/";
    private static final Pattern BUCKET = Pattern.compile("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$");
    private static final Pattern REGION = Pattern.compile("^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$");

    public OffloadSettings {
        Objects.requireNonNull(plugin, "plugin");
        if (bucket == null || !BUCKET.matcher(bucket).matches()) {
            throw new IllegalArgumentException("media bucket '" + bucket + "' is not an S3 bucket name; give the stack's "
                    + "output MediaBucketName");
        }
        if (region == null || !REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("region '" + region + "' is not an AWS region name (such as eu-west-1)");
        }
        Objects.requireNonNull(cdn, "cdn");
        if (!cdn.isEmpty()) {
            BaseUrls.requireValid(cdn, "--cdn");
            URI uri = URI.create(cdn);
            if (!"https".equals(uri.getScheme())) {
                throw new IllegalArgumentException("--cdn " + cdn + " must be an https:// URL: browsers block http media on "
                        + "https pages");
            }
            if (plugin == OffloadPlugin.WP_OFFLOAD_MEDIA && (uri.getPort() != -1 || !uri.getRawPath().isEmpty())) {
                throw new IllegalArgumentException("--cdn " + cdn + ": WP Offload Media takes a delivery domain only, as "
                        + "https://" + uri.getHost() + " (no port or path)");
            }
        }
    }

    /** The constants to set, in the order written: name → value (every value a string, as the bootstrap defines them). */
    public Map<String, String> parameters() {
        Map<String, String> out = new LinkedHashMap<>();
        switch (plugin) {
            case S3_UPLOADS -> {
                out.put("S3_UPLOADS_BUCKET", bucket + "/wp-content");
                out.put("S3_UPLOADS_REGION", region);
                out.put("S3_UPLOADS_USE_INSTANCE_PROFILE", "true");
                out.put("S3_UPLOADS_OBJECT_ACL", "private");
                if (!cdn.isEmpty()) {
                    out.put("S3_UPLOADS_BUCKET_URL", cdn + "/wp-content");
                }
            }
            case WP_OFFLOAD_MEDIA -> {
                Map<String, Object> settings = new LinkedHashMap<>();
                settings.put("provider", "aws");
                settings.put("use-server-roles", true);
                settings.put("bucket", bucket);
                settings.put("region", region);
                settings.put("copy-to-s3", true);
                settings.put("serve-from-s3", true);
                settings.put("enable-object-prefix", true);
                settings.put("object-prefix", UPLOADS_PREFIX);
                settings.put("use-yearmonth-folders", true);
                settings.put("object-versioning", false);
                settings.put("force-https", true);
                settings.put("delivery-provider", cdn.isEmpty() ? "storage" : "aws");
                settings.put("enable-delivery-domain", !cdn.isEmpty());
                if (!cdn.isEmpty()) {
                    settings.put("delivery-domain", URI.create(cdn).getHost());
                }
                out.put("AS3CF_SETTINGS", PhpSerialized.array(settings));
            }
        }
        return out;
    }

    /** Constants FleetPress sets for some plugin that this configuration does not: removed, so no stale setting stays. */
    public List<String> stale() {
        List<String> out = new ArrayList<>();
        Map<String, String> set = parameters();
        for (OffloadPlugin p : OffloadPlugin.values()) {
            p.constants().stream().filter(c -> !set.containsKey(c)).forEach(out::add);
        }
        return out;
    }

    /** Where new uploads' URLs start (the base to give {@code rewrite-urls --to}); "" without a CDN. */
    public String uploadsBaseUrl() {
        return cdn.isEmpty() ? "" : (plugin == OffloadPlugin.WP_OFFLOAD_MEDIA ? "https://" + URI.create(cdn).getHost() : cdn)
                + "/wp-content/uploads";
    }

    /** Writes the parameters and removes the stale ones; what was done. */
    public Applied applyTo(SiteConfiguration configuration, String environment) {
        Environments.requireValid(environment);
        Map<String, String> written = parameters();
        written.forEach((name, value) -> configuration.put(environment, name, value));
        List<String> removed = new ArrayList<>();
        for (String name : stale()) {
            if (configuration.delete(environment, name)) {
                removed.add(name);
            }
        }
        return new Applied(written, removed);
    }

    /** The constants written (name → value) and the stale ones removed. */
    public record Applied(Map<String, String> written, List<String> removed) {
        public Applied {
            written = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(written));
            removed = List.copyOf(removed);
        }
    }
}

package dev.fleetpress.localcloud.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.shaded.org.eclipse.jetty.server.Server;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.reference.FilesystemConstants;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 of localcloud: a real S3 protocol server (S3Proxy over jclouds' filesystem store) on
 * {@code 127.0.0.1}, an ephemeral port, and AWS Signature V4 with fixed local credentials.
 *
 * <p>Beyond S3Proxy it behaves as S3 does for:
 * <ul>
 *   <li>conditional writes: {@code If-None-Match: *} and {@code If-Match: <etag>} on PutObject,
 *       CopyObject and CompleteMultipartUpload answer 412 PreconditionFailed (404 NoSuchKey for
 *       {@code If-Match} on a missing key), checked and written atomically per key within this process.
 *       Racing conditional writers are serialised: one wins, the others get 412 (S3 may also answer
 *       409 ConditionalRequestConflict; callers must accept both);</li>
 *   <li>event notifications: after every successful PutObject, CopyObject and CompleteMultipartUpload,
 *       each matching {@link NotificationRule} of the bucket yields one S3 notification JSON, handed to
 *       the {@link NotificationSink} on a separate thread.</li>
 * </ul>
 *
 * <p>Objects live under the data directory and survive {@link #close()}: starting again on the same
 * directory serves them again. Notification rules live in memory only; set them after each start.
 */
public final class LocalS3 implements AutoCloseable {
    /** The region every LocalS3 client and event uses. */
    public static final Region REGION = Region.US_EAST_1;

    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final String ACCESS_KEY_ID = "localcloud";
    private static final String SECRET_ACCESS_KEY = "localcloud-secret";

    private final BlobStoreContext storage;
    private final S3Proxy proxy;
    private final Notifier notifier;
    private final URI endpoint;
    private final S3Client client;

    private LocalS3(BlobStoreContext storage, S3Proxy proxy, Notifier notifier, URI endpoint) {
        this.storage = storage;
        this.proxy = proxy;
        this.notifier = notifier;
        this.endpoint = endpoint;
        this.client = clientFor(endpoint);
    }

    /**
     * Starts serving the objects stored under {@code dataDir} (created when missing).
     *
     * @param dataDir where buckets and objects are kept, one directory per bucket
     * @param sink receives event notifications; {@link NotificationSink#discard()} when none are wanted
     * @throws IllegalStateException when the server cannot start
     */
    public static LocalS3 start(Path dataDir, NotificationSink sink) {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(sink, "sink must not be null; use NotificationSink.discard() to drop events");
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the LocalS3 data directory " + dataDir, e);
        }
        Properties settings = new Properties();
        settings.setProperty(FilesystemConstants.PROPERTY_BASEDIR, dataDir.toAbsolutePath().toString());
        BlobStoreContext storage = ContextBuilder.newBuilder("filesystem")
                .overrides(settings)
                .buildView(BlobStoreContext.class);
        Notifier notifier = new Notifier(sink);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(storage.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY_ID, SECRET_ACCESS_KEY)
                // The SDK and awscli send x-amz-checksum-crc32 (always on DeleteObjects), which S3Proxy would
                // answer with 501; S3 accepts it. Such headers are accepted here and not verified.
                .ignoreUnknownHeaders(true)
                .build();
        try {
            jettyServerOf(proxy).insertHandler(new WriteGate(storage.getBlobStore(), notifier));
            proxy.start();
            return new LocalS3(storage, proxy, notifier, URI.create("http://127.0.0.1:" + proxy.getPort()));
        } catch (Exception e) {
            stopQuietly(proxy, e);
            notifier.close();
            storage.close();
            throw new IllegalStateException("LocalS3 could not start on " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** Where the server listens, for example {@code http://127.0.0.1:41234}. */
    public URI endpoint() {
        return endpoint;
    }

    /** A client for this server, configured as {@link #clientFor(URI)} does; closed by {@link #close()}. */
    public S3Client client() {
        return client;
    }

    /**
     * A new client for a LocalS3 at {@code endpoint}, for example one started by another process: path-style
     * addressing, {@link #REGION}, the local credentials, the URLConnection HTTP client, and checksums only
     * where an operation requires them (S3Proxy 2.7.0 rejects the SDK's default trailing checksums).
     * The caller closes it.
     */
    public static S3Client clientFor(URI endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        return S3Client.builder()
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .region(REGION)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY)))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    /**
     * Creates the bucket unless it exists already.
     *
     * @throws IllegalArgumentException when {@code name} breaks S3's bucket naming rules
     */
    public void createBucket(String name) {
        if (name == null || !BUCKET_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bucket name " + name + " is not a valid S3 bucket name:"
                    + " 3 to 63 lower-case letters, digits, dots or hyphens, starting and ending with a letter or digit");
        }
        storage.getBlobStore().createContainerInLocation(null, name);
    }

    /**
     * Replaces the notification configuration of {@code bucket}, as S3's PutBucketNotificationConfiguration
     * does; an empty list removes it. Every matching rule yields its own notification (S3 would refuse
     * overlapping rules; here they are simply all honoured).
     */
    public void setNotifications(String bucket, List<NotificationRule> rules) {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(rules, "rules must not be null; pass an empty list to remove them");
        notifier.setRules(bucket, rules);
    }

    /** The access key id every request must be signed with. */
    public String accessKeyId() {
        return ACCESS_KEY_ID;
    }

    /** The secret access key matching {@link #accessKeyId()}; a fixed local value, not a secret. */
    /**
     * Holds the notifications of objects written from now on until the handle is closed, then delivers them
     * in order: a benchmark can put several objects in place and start the work their events trigger at once.
     */
    public AutoCloseable holdNotifications() {
        return notifier.hold();
    }

    public String secretAccessKey() {
        return SECRET_ACCESS_KEY;
    }

    /** Stops the server and delivers queued notifications; the objects stay on disk. */
    @Override
    public void close() {
        client.close();
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("LocalS3 at " + endpoint + " did not stop cleanly: " + e.getMessage(), e);
        } finally {
            notifier.close();
            storage.close();
        }
    }

    /**
     * S3Proxy 2.7.0 offers no hook in front of its request handling, so the gate is inserted into its
     * Jetty server, which only a private field holds. In-process, this avoids a second HTTP hop.
     */
    private static Server jettyServerOf(S3Proxy proxy) {
        try {
            Field field = S3Proxy.class.getDeclaredField("server");
            field.setAccessible(true);
            return (Server) field.get(proxy);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("this S3Proxy version keeps no Jetty Server in its 'server' field;"
                    + " LocalS3 is built for S3Proxy 2.7.0 and needs that field to enforce conditional writes", e);
        }
    }

    private static void stopQuietly(S3Proxy proxy, Exception cause) {
        try {
            proxy.stop();
        } catch (Exception e) {
            cause.addSuppressed(e);
        }
    }
}

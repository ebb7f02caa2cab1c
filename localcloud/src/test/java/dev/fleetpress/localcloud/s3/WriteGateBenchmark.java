package dev.fleetpress.localcloud.s3;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.IntConsumer;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.reference.FilesystemConstants;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Prints what LocalS3's write gate costs per small PutObject, as ratios to S3Proxy without it (same
 * filesystem store, same client). A program, not a test: run it from the IDE or with
 * {@code java -cp <test classpath> dev.fleetpress.localcloud.s3.WriteGateBenchmark}.
 */
public final class WriteGateBenchmark {
    private static final int ROUNDS = 5;
    private static final int OPS = 500;

    public static void main(String[] args) throws Exception {
        Path root = Files.createTempDirectory("write-gate-benchmark");
        Properties settings = new Properties();
        settings.setProperty(FilesystemConstants.PROPERTY_BASEDIR, root.resolve("plain").toString());
        Files.createDirectories(root.resolve("plain"));
        BlobStoreContext storage = ContextBuilder.newBuilder("filesystem").overrides(settings)
                .buildView(BlobStoreContext.class);
        storage.getBlobStore().createContainerInLocation(null, "bench");
        S3Proxy plain = S3Proxy.builder().blobStore(storage.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "localcloud", "localcloud-secret")
                .ignoreUnknownHeaders(true).build();
        plain.start();
        try (LocalS3 gated = LocalS3.start(root.resolve("gated"), (target, json) -> { });
                S3Client plainClient = LocalS3.clientFor(URI.create("http://127.0.0.1:" + plain.getPort()))) {
            gated.createBucket("bench");
            S3Client gatedClient = gated.client();
            RequestBody body = RequestBody.fromString("x".repeat(1024));

            gated.setNotifications("bench", List.of(new NotificationRule("events", List.of("s3:ObjectCreated:*"), "n", "", "t")));
            Map<String, IntConsumer> variants = new LinkedHashMap<>();
            variants.put("S3Proxy alone, PutObject 1 KiB          ", i -> plainClient.putObject(b -> b.bucket("bench").key("k" + i), body));
            variants.put("LocalS3 unconditional PutObject         ", i -> gatedClient.putObject(b -> b.bucket("bench").key("u" + i), body));
            variants.put("LocalS3 If-None-Match PutObject         ", i -> gatedClient.putObject(b -> b.bucket("bench").key("c" + i).ifNoneMatch("*"), body));
            variants.put("LocalS3 If-None-Match PutObject + event ", i -> gatedClient.putObject(b -> b.bucket("bench").key("n" + i).ifNoneMatch("*"), body));
            Map<String, List<Double>> samples = new LinkedHashMap<>();
            variants.keySet().forEach(name -> samples.put(name, new ArrayList<>()));
            // Interleaved rounds, the first one discarded as warm-up, so JIT and disk caches favour no variant.
            for (int round = 0; round <= ROUNDS; round++) {
                for (var variant : variants.entrySet()) {
                    double millis = perOp(variant.getValue(), round * OPS);
                    if (round > 0) {
                        samples.get(variant.getKey()).add(millis);
                    }
                }
            }
            double baseline = median(samples.values().iterator().next());
            samples.forEach((name, values) -> System.out.printf("%s %.3f ms  ratio %.2f%n", name, median(values), median(values) / baseline));
        } finally {
            plain.stop();
            storage.close();
        }
    }

    /** Mean milliseconds per call over {@link #OPS} calls on fresh keys numbered from {@code first}. */
    private static double perOp(IntConsumer call, int first) {
        long start = System.nanoTime();
        for (int i = first; i < first + OPS; i++) {
            call.accept(i);
        }
        return (System.nanoTime() - start) / 1e6 / OPS;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}

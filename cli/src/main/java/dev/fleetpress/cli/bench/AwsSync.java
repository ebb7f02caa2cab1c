package dev.fleetpress.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code aws s3 sync} of the uploads folder to the local S3 endpoint with the aws CLI on PATH and its
 * default transfer settings: the user's config and credentials files are hidden, so nothing there
 * (max_concurrent_requests, a profile's endpoint) changes what is measured.
 */
final class AwsSync {
    private final Path uploads;
    private final String bucket;
    private final String endpoint;
    private final Map<String, String> credentials;
    private final Path tmp;

    AwsSync(Path uploads, String bucket, String endpoint, String accessKeyId, String secretAccessKey, Path tmp) {
        this.uploads = uploads;
        this.bucket = bucket;
        this.endpoint = endpoint;
        this.credentials = Map.of("AWS_ACCESS_KEY_ID", accessKeyId, "AWS_SECRET_ACCESS_KEY", secretAccessKey);
        this.tmp = tmp;
    }

    static String version() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("aws", "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return out;
    }

    /** Wall seconds of one sync into {@code prefix}. */
    double sync(String prefix) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of("aws", "s3", "sync", uploads.toString(), "s3://" + bucket + "/" + prefix,
                "--endpoint-url", endpoint, "--only-show-errors"))
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("aws-sync.log").toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("AWS_"));
        env.putAll(credentials);
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_CONFIG_FILE", tmp.resolve("no-aws-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", tmp.resolve("no-aws-credentials").toString());
        long start = System.nanoTime();
        int rc = pb.start().waitFor();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (rc != 0) {
            throw new IllegalStateException("aws s3 sync exited " + rc + ": " + Files.readString(tmp.resolve("aws-sync.log")).strip());
        }
        return seconds;
    }
}

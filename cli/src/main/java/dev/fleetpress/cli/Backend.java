package dev.fleetpress.cli;

import dev.fleetpress.json.Json;
import dev.fleetpress.ledger.LedgerException;
import dev.fleetpress.localcloud.s3.LocalS3;
import dev.fleetpress.localcloud.ssm.LocalSsm;
import dev.fleetpress.release.ReleaseBackendException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * How a command reaches its cloud: the S3 and SSM clients, the release bucket and the parameter prefix.
 *
 * <ul>
 *   <li>By default, the localcloud that {@code ./fleetpress local up} runs in another process, found
 *   through its {@code endpoint.json} (S3 and SSM endpoints on loopback). Writes go through that process,
 *   so its SSM emits the Parameter Store Change events that start rollouts there.</li>
 *   <li>With {@code --aws}: AWS, with the SDK's default region and credential chain (AWS_REGION,
 *   AWS_PROFILE, ~/.aws/…), the stack named by {@code --stack} (parameter prefix
 *   {@code /fleetpress/<stack>}) and the release bucket named by {@code --release-bucket}.</li>
 * </ul>
 * Opening one fails with {@link Unavailable} (exit code 2) saying how to fix it.
 */
final class Backend implements AutoCloseable {
    /** A CloudFormation stack name. */
    private static final Pattern STACK = Pattern.compile("^[A-Za-z][A-Za-z0-9-]{0,127}$");
    /** An S3 bucket name (the general-purpose rules, without the rarer exceptions). */
    private static final Pattern BUCKET = Pattern.compile("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$");

    private final String description;
    private final S3Client s3;
    private final SsmClient ssm;
    private final String releaseBucket;
    private final String parameterPrefix;
    private final List<AutoCloseable> resources;
    private final boolean remote;

    private Backend(String description, boolean remote, S3Client s3, SsmClient ssm, String releaseBucket,
                    String parameterPrefix, List<AutoCloseable> resources) {
        this.description = description;
        this.remote = remote;
        this.s3 = s3;
        this.ssm = ssm;
        this.releaseBucket = releaseBucket;
        this.parameterPrefix = parameterPrefix;
        this.resources = List.copyOf(resources);
    }

    /** The backend's options, shared by every command that reaches a cloud. */
    static final class Options {
        @Option(names = "--aws", description = "Act on AWS (the SDK's default region and credentials) instead of the "
                + "localcloud of `./fleetpress local up`. Needs --stack and --release-bucket.")
        boolean aws;

        @Option(names = "--stack", paramLabel = "<name>",
                description = "With --aws: the deployed stack's name (its parameters live under /fleetpress/<name>).")
        String stack;

        @Option(names = "--release-bucket", paramLabel = "<bucket>",
                description = "With --aws: the stack's output ReleaseBucketName.")
        String releaseBucket;

        /** The backend these options name; localcloud must be running. */
        Backend open() {
            if (aws) {
                return aws(stack, releaseBucket);
            }
            localOnly();
            return local();
        }

        /**
         * As {@link #open()}, except that without a running localcloud it reads the data folder of the
         * last one (read-only use: a write there would start no rollout).
         */
        Backend openForReading() {
            if (aws) {
                return aws(stack, releaseBucket);
            }
            localOnly();
            return isRunning() ? local() : localData();
        }

        private void localOnly() {
            if (stack != null || releaseBucket != null) {
                throw new Unavailable("--stack and --release-bucket name a stack on AWS: add --aws");
            }
        }
    }

    /** Who the commands act as, in the environment's head and the logs: {@code cli:<user name>}. */
    static String requestedBy() {
        return "cli:" + System.getProperty("user.name", "unknown");
    }

    /** What a command does with the operations; it prints its answer to {@code out}, problems to standard error. */
    @FunctionalInterface
    interface Action {
        int run(ReleaseOperations operations, PrintStream out);
    }

    /**
     * Opens a backend with {@code open} and runs {@code action} on its operations: a cloud that cannot be
     * reached, bad input and a failing S3 or SSM each end in one line on standard error and exit code 2.
     * The functions' JSON log lines (standard output, as on Lambda) are dropped meanwhile: the command
     * prints its own readable answer to the console it is given.
     */
    static int run(Supplier<Backend> open, Action action) {
        Backend backend;
        try {
            backend = open.get();
        } catch (Unavailable e) {
            return fail(e.getMessage());
        }
        PrintStream console = System.out;
        try (backend; PrintStream logs = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8)) {
            System.setOut(logs);
            return action.run(backend.operations(Clock.systemUTC()), console);
        } catch (IllegalArgumentException e) {
            // On AWS, an unknown environment or release may be a wrong region or stack: say where it looked.
            return fail(e.getMessage() + (backend.remote ? " [looked in " + backend.description() + "]" : ""));
        } catch (ReleaseBackendException | LedgerException | SdkException e) {
            // The adapters' hint is for Lambda triggers; an operator reruns the command.
            return fail(backend.description() + " failed: " + String.valueOf(e.getMessage())
                    .replace("; the trigger will retry", "") + "; run the command again");
        } finally {
            System.setOut(console);
        }
    }

    private static int fail(String message) {
        System.err.println("fleetpress: " + message);
        return 2;
    }

    /** The localcloud that {@code ./fleetpress local up} runs, through its endpoint file. */
    static Backend local() {
        Path file = LocalCommand.endpointFile();
        if (!Files.isRegularFile(file)) {
            throw new Unavailable("no running localcloud (" + file + " is missing): start it with ./fleetpress local up "
                    + "in another terminal, or pass --aws --stack <name> --release-bucket <bucket> for AWS");
        }
        Json.Node endpoints = readEndpoints(file);
        if (endpoints.findText("ssmEndpoint").isEmpty()) {
            throw new Unavailable(file + " was written by an older `fleetpress local up` (no ssmEndpoint): "
                    + "restart it with ./fleetpress local up");
        }
        URI s3Endpoint = URI.create(endpoints.text("s3Endpoint"));
        URI ssmEndpoint = URI.create(endpoints.text("ssmEndpoint"));
        if (!reachable(s3Endpoint) || !reachable(ssmEndpoint)) {
            throw new Unavailable("localcloud is not running (nothing answers at " + s3Endpoint + " and " + ssmEndpoint
                    + " from " + file + "): start it with ./fleetpress local up");
        }
        Map<String, String> outputs = localOutputs();
        S3Client s3 = LocalS3.clientFor(s3Endpoint);
        SsmClient ssm = SsmClient.builder()
                .endpointOverride(ssmEndpoint)
                .region(Region.US_EAST_1)
                // localcloud accepts any credentials; these keep the SDK from looking for real ones.
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        return new Backend("localcloud at " + ssmEndpoint, false, s3, ssm, outputs.get("ReleaseBucketName"),
                outputs.get("ParameterPrefix"), List.of(ssm, s3));
    }

    /** Whether {@code ./fleetpress local up} answers at the endpoints of its endpoint file. */
    static boolean isRunning() {
        Path file = LocalCommand.endpointFile();
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try {
            Json.Node endpoints = readEndpoints(file);
            return reachable(URI.create(endpoints.text("s3Endpoint")))
                    && endpoints.findText("ssmEndpoint").map(URI::create).map(Backend::reachable).orElse(false);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The data folder of a localcloud that is not running, served by a short-lived S3 server and SSM store. */
    static Backend localData() {
        Path home = Workspace.home();
        Path cloudData = home.resolve("cloud");
        if (!Files.isDirectory(cloudData.resolve("ssm"))) {
            throw new Unavailable("no localcloud state in " + home + ": start it with ./fleetpress local up "
                    + "(or set FLEETPRESS_HOME)");
        }
        Map<String, String> outputs = localOutputs();
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            LocalS3 s3 = LocalS3.start(cloudData.resolve("s3"), (target, event) -> { });
            resources.add(s3);
            LocalSsm ssm = LocalSsm.open(cloudData.resolve("ssm"));
            resources.add(0, ssm);
            return new Backend("localcloud data in " + cloudData + " (not running)", false, s3.client(), ssm,
                    outputs.get("ReleaseBucketName"), outputs.get("ParameterPrefix"), resources);
        } catch (RuntimeException e) {
            resources.forEach(Backend::closeQuietly);
            throw e;
        }
    }

    /** AWS, with the SDK's default region and credentials. */
    static Backend aws(String stack, String releaseBucket) {
        if (stack == null || stack.isBlank()) {
            throw new Unavailable("--aws needs --stack <name>: the name of the deployed FleetPress stack "
                    + "(its environment pointers are /fleetpress/<name>/env/<environment>/release)");
        }
        if (!STACK.matcher(stack).matches()) {
            throw new Unavailable("--stack '" + stack + "' is not a CloudFormation stack name (a letter, then letters, "
                    + "digits or '-')");
        }
        if (releaseBucket == null || releaseBucket.isBlank()) {
            throw new Unavailable("--aws needs --release-bucket <bucket>: the stack's output ReleaseBucketName (sam list "
                    + "stack-outputs --stack-name " + stack + ")");
        }
        if (!BUCKET.matcher(releaseBucket).matches()) {
            throw new Unavailable("--release-bucket '" + releaseBucket + "' is not an S3 bucket name; give the stack's "
                    + "output ReleaseBucketName");
        }
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            S3Client s3 = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).build();
            resources.add(s3);
            SsmClient ssm = SsmClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
            resources.add(ssm);
            return new Backend("AWS stack " + stack + " in " + ssm.serviceClientConfiguration().region(), true, s3, ssm,
                    releaseBucket, "/fleetpress/" + stack, resources);
        } catch (SdkClientException e) {
            resources.forEach(Backend::closeQuietly);
            throw new Unavailable("cannot set up the AWS clients: " + e.getMessage() + " (set AWS_REGION and "
                    + "credentials, for example with AWS_PROFILE)");
        }
    }

    ReleaseOperations operations(Clock clock) {
        return ReleaseOperations.of(s3, ssm, releaseBucket, parameterPrefix, clock);
    }

    String description() {
        return description;
    }

    @Override
    public void close() {
        resources.forEach(Backend::closeQuietly);
    }

    /** The template's outputs for the local stack (bucket and prefix), resolved as `local up` resolves them. */
    private static Map<String, String> localOutputs() {
        return Workspace.localTemplate().outputs();
    }

    private static Json.Node readEndpoints(Path file) {
        try {
            return Json.parse(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            throw new Unavailable("cannot read " + file + ": " + e.getMessage()
                    + "; restart localcloud with ./fleetpress local up");
        }
    }

    private static boolean reachable(URI endpoint) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), 500);
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // Closing clients after the command's answer: nothing left to tell the operator.
        }
    }

    /** The cloud cannot be reached or is not configured; the message says how to fix it. */
    static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(Objects.requireNonNull(message, "message"));
        }
    }
}

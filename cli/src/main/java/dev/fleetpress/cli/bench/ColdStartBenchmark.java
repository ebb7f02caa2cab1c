package dev.fleetpress.cli.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cold start of the webhook function against a hello-world handler, each in a fresh JVM, run side
 * by side (interleaved) so that machine noise hits both alike. The webhook handles
 * events/webhook/github-ping.json for real: it reads its secret from SSM (a loopback endpoint that
 * answers GetParameter in SSM's JSON protocol, reached through the SDK's endpoint variable) and
 * verifies the signature. Prints medians and their ratio; asserts nothing about time.
 */
public final class ColdStartBenchmark {
    private static final Pattern RESULT = Pattern.compile("RESULT init_ms=([0-9.]+) invoke_ms=([0-9.]+) classes=(\\d+) rss_kb=(-?\\d+) output=(.*)");

    record Run(double wallMs, double initMs, double invokeMs, long classes, long rssKb, String output) {
    }

    private final Path root;
    private final int runs;

    public ColdStartBenchmark(Path root, int runs) {
        this.root = root;
        this.runs = runs;
    }

    public int run() throws Exception {
        Path functionsJar = root.resolve("functions/target/fleetpress-functions-0.1.0-SNAPSHOT.jar");
        Path functionsClasspath = root.resolve("functions/target/classpath.txt");
        if (!Files.isRegularFile(functionsJar) || !Files.isRegularFile(functionsClasspath)) {
            System.err.println("build first: ./mvnw -q install -DskipTests (needs " + functionsJar + " and " + functionsClasspath + ")");
            return 2;
        }
        String deps = Files.readString(functionsClasspath).trim();
        String runtime = runtimeSerializationJar();
        String benchClasses = Path.of(ColdStartChild.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String classpath = String.join(":", benchClasses, functionsJar.toString(), deps, runtime);
        Path event = root.resolve("events/webhook/github-ping.json");

        HttpServer ssm = ssmStub("fleetpress-fixture-secret");
        try {
            Map<String, String> env = new HashMap<>();
            env.put("AWS_REGION", "us-east-1");
            env.put("AWS_ACCESS_KEY_ID", "bench");
            env.put("AWS_SECRET_ACCESS_KEY", "bench");
            env.put("AWS_ENDPOINT_URL_SSM", "http://127.0.0.1:" + ssm.getAddress().getPort());
            env.put("WEBHOOK_SECRET_PARAMETER", "/fleetpress/webhook-secret");
            env.put("RELEASE_BUCKET", "fleetpress-local-releasebucket");
            env.put("PARAMETER_PREFIX", "/fleetpress/fleetpress-local");
            env.put("BUILD_PROJECT", "fleetpress-local-release");
            env.put("REF_RULES", "refs/heads/main=production,refs/tags/v*=staging");
            env.put("MAX_BODY_BYTES", "1048576");

            List<Run> hello = new ArrayList<>();
            List<Run> webhook = new ArrayList<>();
            child(classpath, HelloHandler.class.getName(), event, env); // warm the page cache once for both
            child(classpath, "dev.fleetpress.webhook.WebhookHandler", event, env);
            for (int i = 0; i < runs; i++) {
                hello.add(child(classpath, HelloHandler.class.getName(), event, env));
                webhook.add(child(classpath, "dev.fleetpress.webhook.WebhookHandler", event, env));
            }
            if (!webhook.get(0).output().contains("\"statusCode\":200")) {
                System.err.println("the webhook did not answer the ping with 200: " + webhook.get(0).output());
                return 1;
            }
            long jarBytes = Files.size(functionsJar);
            long packageBytes = jarBytes;
            for (String p : deps.split(":")) {
                if (!p.isBlank()) {
                    packageBytes += Files.size(Path.of(p));
                }
            }
            print("hello-world handler (floor)", hello);
            print("WebhookFunction (github-ping)", webhook);
            System.out.printf("%nratio of median wall time, webhook / hello: %.2fx%n", median(webhook, Run::wallMs) / median(hello, Run::wallMs));
            System.out.printf("ratio of median init+invoke, webhook / hello: %.2fx%n",
                    median(webhook, r -> r.initMs() + r.invokeMs()) / median(hello, r -> r.initMs() + r.invokeMs()));
            System.out.printf("deployment package: functions jar %d KiB, with dependencies %.1f MiB (%d jars)%n",
                    jarBytes / 1024, packageBytes / 1048576.0, deps.split(":").length + 1);
            return 0;
        } finally {
            ssm.stop(0);
        }
    }

    private static void print(String name, List<Run> runs) {
        System.out.printf("%-32s wall %7.1f ms  init %6.1f ms  invoke %6.1f ms  classes %5d  peak RSS %6.1f MiB  (median of %d)%n",
                name, median(runs, Run::wallMs), median(runs, Run::initMs), median(runs, Run::invokeMs),
                (long) median(runs, r -> r.classes()), median(runs, r -> r.rssKb()) / 1024.0, runs.size());
    }

    private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static Run child(String classpath, String handler, Path event, Map<String, String> env) throws IOException, InterruptedException {
        // The flags of Lambda's java runtimes (tiered compilation stopped at C1).
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", classpath, ColdStartChild.class.getName(), handler, event.toString());
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        long start = System.nanoTime();
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(handler + " failed: " + out);
        }
        double wall = (System.nanoTime() - start) / 1e6;
        Matcher m = Arrays.stream(out.split("\n")).map(RESULT::matcher).filter(Matcher::matches).findFirst()
                .orElseThrow(() -> new IllegalStateException("no RESULT line from " + handler + ": " + out));
        return new Run(wall, Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)), Long.parseLong(m.group(3)),
                Long.parseLong(m.group(4)), m.group(5));
    }

    private static String runtimeSerializationJar() throws Exception {
        return Path.of(com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers.class
                .getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    /** Answers SSM GetParameter (JSON 1.1 protocol) with a SecureString, as SSM does after decryption. */
    private static HttpServer ssmStub(String secret) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            byte[] body;
            int status;
            if ("AmazonSSM.GetParameter".equals(target)) {
                status = 200;
                body = ("{\"Parameter\":{\"Name\":\"/fleetpress/webhook-secret\",\"Type\":\"SecureString\",\"Value\":\"" + secret
                        + "\",\"Version\":1,\"DataType\":\"text\"}}").getBytes(StandardCharsets.UTF_8);
            } else {
                status = 400;
                body = "{\"__type\":\"InvalidAction\",\"message\":\"only GetParameter\"}".getBytes(StandardCharsets.UTF_8);
            }
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
            }
        });
        server.start();
        return server;
    }
}

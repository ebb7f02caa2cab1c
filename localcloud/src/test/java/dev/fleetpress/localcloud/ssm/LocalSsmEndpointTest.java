package dev.fleetpress.localcloud.ssm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.json.Json;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetParametersResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterAlreadyExistsException;
import software.amazon.awssdk.services.ssm.model.ParameterHistory;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterType;

class LocalSsmEndpointTest {
    private static final String PREFIX = "/fleetpress/fleetpress-local/config/production/";

    @TempDir
    Path dir;

    private LocalSsm ssm;
    private LocalSsmEndpoint endpoint;
    private SsmClient client;

    @BeforeEach
    void setUp() {
        ssm = LocalSsm.open(dir.resolve("ssm"));
        endpoint = LocalSsmEndpoint.start(ssm);
        client = SsmClient.builder()
                .endpointOverride(endpoint.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @AfterEach
    void tearDown() {
        client.close();
        endpoint.close();
        ssm.close();
    }

    private void put(String name, String value, ParameterType type) {
        ssm.putParameter(b -> b.name(name).value(value).type(type));
    }

    @Test
    void getParameter_throughTheSdk_returnsTheDecryptedSecureString() {
        put(PREFIX + "db/password", "s3cret", ParameterType.SECURE_STRING);

        Parameter p = client.getParameter(b -> b.name(PREFIX + "db/password").withDecryption(true)).parameter();

        assertThat(p.value()).isEqualTo("s3cret");
        assertThat(p.type()).isEqualTo(ParameterType.SECURE_STRING);
        assertThat(p.version()).isEqualTo(1);
        assertThat(p.lastModifiedDate()).isNotNull();
    }

    @Test
    void getParametersByPath_throughTheSdkPaginator_returnsEveryPage() {
        IntStream.range(0, 25).forEach(i -> put(PREFIX + "site/key" + i, "v" + i, ParameterType.STRING));

        List<String> names = new ArrayList<>();
        client.getParametersByPathPaginator(b -> b.path(PREFIX).recursive(true))
                .forEach(page -> page.parameters().forEach(p -> names.add(p.name())));

        assertThat(names).hasSize(25).contains(PREFIX + "site/key24");
    }

    @Test
    void getParameter_throughTheSdkWhenMissing_throwsParameterNotFound() {
        assertThatThrownBy(() -> client.getParameter(b -> b.name("/missing")))
                .isInstanceOfSatisfying(ParameterNotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ParameterNotFound");
                });
    }

    @Test
    void putParameter_throughTheSdkWithoutOverwrite_isAnAtomicCreate() {
        client.putParameter(b -> b.name("/ledger/r-1").value("done").type(ParameterType.STRING));

        assertThatThrownBy(() -> client.putParameter(b -> b.name("/ledger/r-1").value("again").type(ParameterType.STRING)))
                .isInstanceOf(ParameterAlreadyExistsException.class);
        assertThat(ssm.getParameter(b -> b.name("/ledger/r-1")).parameter().value()).isEqualTo("done");
    }

    @Test
    void getParameters_throughTheSdk_listsTheMissingOnesAsInvalid() {
        put("/a", "1", ParameterType.STRING);

        GetParametersResponse r = client.getParameters(b -> b.names("/a", "/b"));

        assertThat(r.parameters()).extracting(Parameter::value).containsExactly("1");
        assertThat(r.invalidParameters()).containsExactly("/b");
    }

    @Test
    void putParameter_throughTheSdkWithOverwrite_addsVersionsGetParameterHistoryListsOldestFirst() {
        client.putParameter(b -> b.name("/fp/db/password").value("first").type(ParameterType.SECURE_STRING)
                .description("db"));
        long second = client.putParameter(b -> b.name("/fp/db/password").value("second").type(ParameterType.SECURE_STRING)
                .overwrite(true)).version();

        List<ParameterHistory> history = client.getParameterHistory(b -> b.name("/fp/db/password").withDecryption(true))
                .parameters();

        assertThat(second).isEqualTo(2);
        assertThat(history).extracting(ParameterHistory::version).containsExactly(1L, 2L);
        assertThat(history).extracting(ParameterHistory::value).containsExactly("first", "second");
        assertThat(history).allSatisfy(h -> {
            assertThat(h.type()).isEqualTo(ParameterType.SECURE_STRING);
            assertThat(h.description()).isEqualTo("db");
            assertThat(h.keyId()).isEqualTo("alias/aws/ssm");
            assertThat(h.lastModifiedDate()).isNotNull();
            assertThat(h.lastModifiedUser()).isNotEmpty();
        });
    }

    @Test
    void getParameterHistory_throughTheSdkWithoutDecryption_returnsTheCiphertextNotTheValue() {
        put("/fp/db/password", "s3cret", ParameterType.SECURE_STRING);

        String value = client.getParameterHistory(b -> b.name("/fp/db/password")).parameters().get(0).value();

        assertThat(value).isNotEmpty().doesNotContain("s3cret");
    }

    @Test
    void getParameterHistory_throughTheSdkPaginator_returnsEveryVersion() {
        for (int i = 0; i < 60; i++) {
            String value = "v" + i;
            ssm.putParameter(b -> b.name("/fp/busy").value(value).type(ParameterType.STRING).overwrite(true));
        }

        List<Long> versions = new ArrayList<>();
        client.getParameterHistoryPaginator(b -> b.name("/fp/busy"))
                .forEach(page -> page.parameters().forEach(p -> versions.add(p.version())));

        assertThat(versions).hasSize(60).startsWith(1L).endsWith(60L);
    }

    @Test
    void deleteParameter_throughTheSdk_deletesItAndAMissingOneThrowsParameterNotFound() {
        put("/fp/gone", "x", ParameterType.STRING);

        client.deleteParameter(b -> b.name("/fp/gone"));

        assertThatThrownBy(() -> ssm.getParameter(b -> b.name("/fp/gone"))).isInstanceOf(ParameterNotFoundException.class);
        assertThatThrownBy(() -> client.deleteParameter(b -> b.name("/fp/gone")))
                .isInstanceOfSatisfying(ParameterNotFoundException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ParameterNotFound"));
    }

    @Test
    void putParameter_throughTheSdk_publishesTheChangeEventFromThisProcess() {
        List<String> events = new CopyOnWriteArrayList<>();
        ssm.publishChangeEvents(events::add);

        client.putParameter(b -> b.name("/fp/a").value("1").type(ParameterType.STRING));
        client.putParameter(b -> b.name("/fp/a").value("2").type(ParameterType.STRING).overwrite(true));
        client.deleteParameter(b -> b.name("/fp/a"));

        assertThat(events).extracting(e -> Json.parse(e).text("detail", "operation")).containsExactly("Create", "Update", "Delete");
    }

    @Test
    void handle_whenAMemberHasTheWrongJsonType_answersSerializationException() throws Exception {
        HttpResponse<String> r = post("PutParameter", "{\"Name\":\"/fp/x\",\"Value\":42,\"Type\":\"String\"}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Json.parse(r.body()).text("__type")).isEqualTo("SerializationException");
        assertThat(Json.parse(r.body()).text("message")).contains("Value").contains("not a string");
        assertThatThrownBy(() -> ssm.getParameter(b -> b.name("/fp/x"))).isInstanceOf(ParameterNotFoundException.class);
    }

    @Test
    void handle_whenTheOperationIsNotServed_answersUnknownOperationException() throws Exception {
        HttpResponse<String> r = post("CreateDocument", "{}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Json.parse(r.body()).text("__type")).isEqualTo("UnknownOperationException");
    }

    private HttpResponse<String> post(String operation, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(endpoint.endpoint().resolve("/"))
                .header("X-Amz-Target", "AmazonSSM." + operation)
                .header("Content-Type", "application/x-amz-json-1.1")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void getParametersByPath_throughTheAwsCli_returnsTheDecryptedTree() throws Exception {
        put(PREFIX + "db/password", "s3cret", ParameterType.SECURE_STRING);
        IntStream.range(0, 12).forEach(i -> put(PREFIX + "site/key" + i, "v" + i, ParameterType.STRING));
        put("/elsewhere", "x", ParameterType.STRING);

        Cli r = aws("ssm", "get-parameters-by-path", "--path", PREFIX, "--recursive", "--with-decryption");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        Map<String, String> values = new TreeMap<>();
        Json.parse(r.stdout()).get("Parameters").elements().forEach(p -> values.put(p.text("Name"), p.text("Value")));
        assertThat(values).hasSize(13).containsEntry(PREFIX + "db/password", "s3cret")
                .containsEntry(PREFIX + "site/key11", "v11");
    }

    @Test
    void getParameter_throughTheAwsCliWhenMissing_failsWithParameterNotFound() throws Exception {
        Cli r = aws("ssm", "get-parameter", "--name", "/missing");

        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("ParameterNotFound");
    }

    private record Cli(int exitCode, String stdout, String stderr) {
    }

    /** Runs the aws CLI against the endpoint with throwaway credentials and no config of the host. */
    private Cli aws(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("aws", "--endpoint-url", endpoint.endpoint().toString(),
                "--region", "us-east-1", "--output", "json"));
        argv.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(argv);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("AWS_"));
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        env.put("AWS_CONFIG_FILE", dir.resolve("no-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-credentials").toString());
        Path out = dir.resolve("cli.out");
        Path err = dir.resolve("cli.err");
        Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("aws " + String.join(" ", args) + " did not finish");
        }
        return new Cli(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}

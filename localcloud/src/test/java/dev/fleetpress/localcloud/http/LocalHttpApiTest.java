package dev.fleetpress.localcloud.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.lambda.LocalLambda;
import dev.fleetpress.localcloud.lambda.TestDependencies;
import dev.fleetpress.localcloud.template.StackContext;
import dev.fleetpress.localcloud.template.Template;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LocalHttpApiTest {
    private static final String TEMPLATE = """
            Resources:
              Api:
                Type: AWS::Serverless::HttpApi
                Properties:
                  DefaultRouteSettings:
                    ThrottlingBurstLimit: %d
                    ThrottlingRateLimit: %s
              Echo:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: dev.fleetpress.localcloud.http.EchoEventHandler::handleRequest
                  Events:
                    Push:
                      Type: HttpApi
                      Properties:
                        ApiId: !Ref Api
                        Path: /webhook/{provider}
                        Method: POST
                        PayloadFormatVersion: "2.0"
              Pixel:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: dev.fleetpress.localcloud.http.PixelHandler::handleRequest
                  Events:
                    Read:
                      Type: HttpApi
                      Properties:
                        ApiId: !Ref Api
                        Path: /pixel
                        Method: ANY
            """;

    private final HttpClient client = HttpClient.newHttpClient();
    private LocalLambda lambda;
    private LocalHttpApi api;

    @AfterEach
    void close() {
        api.close();
        lambda.close();
    }

    private URI start(int burst, String rate) {
        Template template = Template.parse(TEMPLATE.formatted(burst, rate), StackContext.local());
        lambda = new LocalLambda(template.functions(), TestDependencies.unused());
        api = LocalHttpApi.start(template, lambda, 0);
        return api.baseUrl();
    }

    private URI start() {
        return start(1000, "1000");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The event the Echo function received. */
    private Json.Node echoed(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = send(request);
        assertThat(response.statusCode()).isEqualTo(200);
        return Json.parse(response.body());
    }

    private HttpRequest.Builder post(URI base, String path, String contentType, byte[] body) {
        return HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    @Test
    void post_whenRouteMatches_sendsRouteKeyAndPathParameters() throws Exception {
        Json.Node event = echoed(post(start(), "/webhook/github", "application/json", "{}".getBytes()));

        assertThat(event.text("version")).isEqualTo("2.0");
        assertThat(event.text("routeKey")).isEqualTo("POST /webhook/{provider}");
        assertThat(event.text("rawPath")).isEqualTo("/webhook/github");
        assertThat(event.text("pathParameters", "provider")).isEqualTo("github");
    }

    @Test
    void post_whenHeadersRepeated_lowerCasesNamesAndCommaJoinsValues() throws Exception {
        Json.Node event = echoed(post(start(), "/webhook/gitlab", "application/json", "{}".getBytes())
                .header("X-Gitlab-Event", "Push Hook").header("X-Multi", "a").header("X-Multi", "b"));

        assertThat(event.text("headers", "x-gitlab-event")).isEqualTo("Push Hook");
        assertThat(event.text("headers", "x-multi")).isEqualTo("a,b");
        assertThat(event.get("headers").fields().keySet()).allMatch(name -> name.equals(name.toLowerCase()));
    }

    @Test
    void post_whenJsonBody_passesItAsText() throws Exception {
        Json.Node event = echoed(post(start(), "/webhook/github", "application/json; charset=utf-8",
                "{\"ref\":\"refs/heads/main\"}".getBytes()));

        assertThat(event.get("isBase64Encoded").asBoolean()).isFalse();
        assertThat(event.text("body")).isEqualTo("{\"ref\":\"refs/heads/main\"}");
    }

    @Test
    void post_whenBinaryContentType_base64EncodesTheBody() throws Exception {
        byte[] bytes = {(byte) 0xff, 0, 42};

        Json.Node event = echoed(post(start(), "/webhook/github", "application/octet-stream", bytes));

        assertThat(event.get("isBase64Encoded").asBoolean()).isTrue();
        assertThat(Base64.getDecoder().decode(event.text("body"))).isEqualTo(bytes);
    }

    @Test
    void post_whenFormUrlEncoded_base64EncodesTheBodyAsAwsDoes() throws Exception {
        Json.Node event = echoed(post(start(), "/webhook/github", "application/x-www-form-urlencoded",
                "payload=%7B%7D".getBytes()));

        assertThat(event.get("isBase64Encoded").asBoolean()).isTrue();
        assertThat(new String(Base64.getDecoder().decode(event.text("body")), StandardCharsets.UTF_8))
                .isEqualTo("payload=%7B%7D");
    }

    @Test
    void post_whenQueryRepeated_keepsRawQueryAndCommaJoinsParameters() throws Exception {
        Json.Node event = echoed(post(start(), "/webhook/github?a=1&a=2&b=x%20y", "application/json", "{}".getBytes()));

        assertThat(event.text("rawQueryString")).isEqualTo("a=1&a=2&b=x%20y");
        assertThat(event.text("queryStringParameters", "a")).isEqualTo("1,2");
        assertThat(event.text("queryStringParameters", "b")).isEqualTo("x y");
    }

    @Test
    void post_whenCookieHeader_movesCookiesOutOfTheHeaders() throws Exception {
        Json.Node event = echoed(post(start(), "/webhook/github", "application/json", "{}".getBytes())
                .header("Cookie", "a=1; b=2"));

        assertThat(event.get("cookies").elements()).map(Json.Node::asText).containsExactly("a=1", "b=2");
        assertThat(event.find("headers", "cookie")).isEmpty();
    }

    @Test
    void post_whenRouted_fillsTheRequestContext() throws Exception {
        Json.Node context = echoed(post(start(), "/webhook/github", "application/json", "{}".getBytes())
                .header("User-Agent", "GitHub-Hookshot/abc")).get("requestContext");

        assertThat(context.text("accountId")).isEqualTo("000000000000");
        assertThat(context.text("stage")).isEqualTo("$default");
        assertThat(context.text("routeKey")).isEqualTo("POST /webhook/{provider}");
        assertThat(context.text("http", "method")).isEqualTo("POST");
        assertThat(context.text("http", "sourceIp")).isEqualTo("127.0.0.1");
        assertThat(context.text("http", "userAgent")).isEqualTo("GitHub-Hookshot/abc");
        assertThat(context.text("apiId")).matches("[a-z0-9]{10}");
        assertThat(context.text("time")).matches("\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000");
        assertThat(context.get("timeEpoch").asLong()).isPositive();
    }

    @Test
    void post_whenFunctionAnswers_mapsHeadersAndCookiesBack() throws Exception {
        HttpResponse<String> response = send(post(start(), "/webhook/github", "application/json", "{}".getBytes()));

        assertThat(response.headers().firstValue("x-handled-by")).contains("echo");
        assertThat(response.headers().allValues("set-cookie")).containsExactly("session=abc; HttpOnly");
    }

    @Test
    void get_whenResponseIsBase64_sendsTheDecodedBytes() throws Exception {
        HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(start().resolve("/pixel")).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(PixelHandler.PIXEL);
        assertThat(response.headers().firstValue("content-type")).contains("image/gif");
    }

    @Test
    void request_whenNoRouteMatches_answers404LikeApiGateway() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(start().resolve("/nowhere")));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("{\"message\":\"Not Found\"}");
    }

    @Test
    void request_whenMethodDoesNotMatch_answers404() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(start().resolve("/webhook/github")));

        assertThat(response.statusCode()).isEqualTo(404);
    }

    @Test
    void request_whenFunctionFails_answers500() throws Exception {
        HttpResponse<String> response = send(post(start(), "/pixel", "text/plain", "x".getBytes()));

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).isEqualTo("{\"message\":\"Internal Server Error\"}");
    }

    @Test
    void request_whenBurstExceedsThrottle_answers429() throws Exception {
        URI base = start(2, "0.001");
        List<Integer> statuses = new ArrayList<>();

        for (int i = 0; i < 4; i++) {
            statuses.add(send(post(base, "/webhook/github", "application/json", "{}".getBytes())).statusCode());
        }

        assertThat(statuses).containsExactly(200, 200, 429, 429);
    }

    @Test
    void request_whenThrottled_answersApiGatewaysMessage() throws Exception {
        URI base = start(0, "0");

        HttpResponse<String> response = send(post(base, "/webhook/github", "application/json", "{}".getBytes()));

        assertThat(response.body()).isEqualTo("{\"message\":\"Too Many Requests\"}");
    }

    @Test
    void request_whenBodyOverTenMegabytes_answers413() throws Exception {
        byte[] tooLarge = new byte[LocalHttpApi.MAX_BODY_BYTES + 1];

        HttpResponse<String> response = send(post(start(), "/webhook/github", "application/octet-stream", tooLarge));

        assertThat(response.statusCode()).isEqualTo(413);
    }
}

package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One error shape everywhere, {@code {"code": N, "message": "..."}}, including what Jetty answers
 * itself and the admin port; limits on bodies, nesting and duplicate keys.
 */
class ErrorShapeIntegrationTest {
    @TempDir
    static Path directory;
    private static TestDatabase database;
    private static TestApp app;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        database = TestDatabase.create(TestDatabase.Kind.H2, directory);
        app = TestApp.builder(directory, database).intake("maxRequestBody", "64KiB").start();
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
        database.close();
    }

    /** A raw HTTP/1.1 exchange, for requests no well-behaved client would send. */
    static String raw(int port, String requestLine, String... headers) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder request = new StringBuilder(requestLine).append("\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
            for (String header : headers) {
                request.append(header).append("\r\n");
            }
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static JsonNode jsonBody(String response) throws Exception {
        assertThat(response).containsIgnoringCase("Content-Type: application/json");
        return TestApp.parse(response.substring(response.indexOf("\r\n\r\n") + 4));
    }

    private static int port(String url) {
        return URI.create(url).getPort();
    }

    @Test
    void whatJettyAnswersItselfIsJson() throws Exception {
        int api = port(app.api("/"));
        String badUri = raw(api, "GET /api/v1/issues/%zz HTTP/1.1", "Authorization: Bearer " + app.adminKey());
        assertThat(badUri).startsWith("HTTP/1.1 400");
        assertThat(jsonBody(badUri).get("code").asInt()).isEqualTo(400);

        String longUri = raw(api, "GET /api/v1/issues?x=" + "a".repeat(20_000) + " HTTP/1.1");
        assertThat(longUri).startsWith("HTTP/1.1 414");
        assertThat(jsonBody(longUri).get("message").asText()).contains("URI is longer");

        String bigHeader = raw(api, "GET /api/v1/issues HTTP/1.1", "X-Big: " + "a".repeat(20_000));
        assertThat(bigHeader).startsWith("HTTP/1.1 431");
        assertThat(jsonBody(bigHeader).get("code").asInt()).isEqualTo(431);

        String task = raw(port(app.admin("/")), "POST /tasks/reload-rules?a=%zz HTTP/1.1", "Content-Length: 0");
        assertThat(task).startsWith("HTTP/1.1 400");
        assertThat(jsonBody(task).get("message").asText()).contains("query string");
    }

    @Test
    void wrongParameterTypesAre400NotFound() throws Exception {
        for (String path : List.of("/api/v1/issues?limit=abc", "/api/v1/remediations?offset=1e3", "/api/v1/audit?limit=NaN",
                "/api/v1/approvals?limit=99999999999")) {
            HttpResponse<String> answer = app.get(app.api(path));
            assertThat(answer.statusCode()).as(path).isEqualTo(400);
            assertThat(TestApp.parse(answer.body()).get("message").asText()).as(path).contains("query parameter");
        }
    }

    @Test
    void bodiesOverTheLimitAre413WithOrWithoutALength() throws Exception {
        String big = "{\"signals\":[" + ("{\"resource\":\"host:a\",\"metric\":\"m\",\"value\":1},".repeat(2_000)) + "]}";
        HttpResponse<String> declared = app.post("/api/v1/signals", big);
        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(TestApp.parse(declared.body()).get("message").asText()).contains("larger than 65536 bytes");
        InputStream stream = new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> chunked = HTTP.send(HttpRequest.newBuilder(URI.create(app.api("/api/v1/signals")))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + app.adminKey())
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> stream)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(413);
        HttpResponse<String> chunkedJson = HTTP.send(HttpRequest.newBuilder(URI.create(app.api("/api/v1/keys")))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + app.adminKey())
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(
                        ("{\"name\":\"" + "x".repeat(100_000) + "\"}").getBytes(StandardCharsets.UTF_8)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(chunkedJson.statusCode()).isEqualTo(413);
    }

    @Test
    void deepNestingAndDuplicateKeysAre400Everywhere() throws Exception {
        String deep = "{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}";
        java.util.Map<String, String> duplicates = java.util.Map.of("/api/v1/signals", "{\"signals\":[],\"signals\":[]}",
                "/api/v1/keys", "{\"name\":\"a\",\"name\":\"b\",\"role\":\"viewer\"}",
                "/api/v1/auto-remediation", "{\"enabled\":false,\"reason\":\"a\",\"reason\":\"b\"}",
                "/api/v1/rules/validate", "{\"files\":{\"a.drl\":\"x\",\"a.drl\":\"y\"}}");
        for (String path : List.of("/api/v1/signals", "/api/v1/keys", "/api/v1/auto-remediation", "/api/v1/rules/validate")) {
            HttpResponse<String> nested = app.post(path, deep);
            assertThat(nested.statusCode()).as(path + " " + nested.body()).isEqualTo(400);
            HttpResponse<String> twice = app.post(path, duplicates.get(path));
            assertThat(twice.statusCode()).as(path + " " + twice.body()).isEqualTo(400);
            assertThat(twice.body()).containsIgnoringCase("duplicate");
        }
    }

    @Test
    void aBodyOfTheWrongShapeSaysWhichFieldAndWhat() throws Exception {
        HttpResponse<String> wrongType = app.post("/api/v1/auto-remediation", "{\"enabled\":\"maybe\",\"reason\":\"x\"}");
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(TestApp.parse(wrongType.body()).get("message").asText()).startsWith("field 'enabled': ");
        HttpResponse<String> unknown = app.post("/api/v1/keys", "{\"name\":\"a\",\"role\":\"viewer\",\"tenant\":\"t\",\"colour\":1}");
        assertThat(unknown.statusCode()).isIn(400, 422);
        assertThat(TestApp.parse(unknown.body()).get("message").asText()).contains("colour");
        HttpResponse<String> notAnObject = app.post("/api/v1/approvals/x/approve", "[1,2]");
        assertThat(notAnObject.statusCode()).isEqualTo(400);
        assertThat(TestApp.parse(notAnObject.body()).get("message").asText()).startsWith("the body: ");
    }
}

package io.homeostat.plugins.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.testing.TestActionContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpCallActionTest {
    private HttpServer server;
    private final AtomicInteger failuresBeforeSuccess = new AtomicInteger();
    private final AtomicInteger calls = new AtomicInteger();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> headers = new CopyOnWriteArrayList<>();
    private volatile int finalStatus = 200;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/restart", exchange -> {
            calls.incrementAndGet();
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8) + " " + exchange.getRequestURI());
            headers.add(exchange.getRequestHeaders().getFirst("Idempotency-Key") + "|" + exchange.getRequestHeaders().getFirst("X-Token"));
            int status = failuresBeforeSuccess.getAndDecrement() > 0 ? 503 : finalStatus;
            byte[] answer = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private PluginSettings settings(Map<String, Object> endpoint) {
        return new PluginSettings("plugins.settings.http", Map.of(
                "endpoints", Map.of("restart-api", endpoint),
                "resources", Map.of("service:checkout", "restart-api")));
    }

    private Map<String, Object> endpoint() {
        Map<String, Object> endpoint = new HashMap<>();
        endpoint.put("url", "http://127.0.0.1:" + server.getAddress().getPort() + "/restart?service={{resource.name}}");
        endpoint.put("body", "{\"resource\":\"{{resource}}\",\"issue\":\"{{issue.type}}\"}");
        endpoint.put("headers", Map.of("X-Token", "${env:PATH}"));
        endpoint.put("backoffSeconds", "0.05");
        endpoint.put("maxAttempts", "4");
        return endpoint;
    }

    @Test
    void retriesServerErrorsThenSucceeds() throws Exception {
        failuresBeforeSuccess.set(2);
        ActionResult result = new HttpCallAction().execute(
                new TestActionContext("service:checkout", Map.of(), settings(endpoint()), Duration.ofSeconds(10)));
        assertThat(result.succeeded()).as(result.message()).isTrue();
        assertThat(calls.get()).isEqualTo(3);
        assertThat(result.details()).containsEntry("attempts", "3").containsEntry("status", "200");
        assertThat(bodies.get(0)).isEqualTo("{\"resource\":\"service:checkout\",\"issue\":\"service_down\"} /restart?service=checkout");
        assertThat(headers.get(0)).isEqualTo("rem-test-1|" + System.getenv("PATH"));
    }

    @Test
    void givesUpAfterMaxAttempts() throws Exception {
        failuresBeforeSuccess.set(100);
        ActionResult result = new HttpCallAction().execute(
                new TestActionContext("service:checkout", Map.of(), settings(endpoint()), Duration.ofSeconds(10)));
        assertThat(result.succeeded()).isFalse();
        assertThat(calls.get()).isEqualTo(4);
        assertThat(result.message()).contains("answered 503");
    }

    @Test
    void doesNotRetryAClientError() throws Exception {
        finalStatus = 404;
        ActionResult result = new HttpCallAction().execute(
                new TestActionContext("service:checkout", Map.of(), settings(endpoint()), Duration.ofSeconds(10)));
        assertThat(result.succeeded()).isFalse();
        assertThat(calls.get()).isEqualTo(1);
        assertThat(result.message()).contains("refused the call with 404");
    }

    @Test
    void escapesSignalValuesInBodyAndUrl() throws Exception {
        new HttpCallAction().execute(new TestActionContext("service:a\"b&c", Map.of("endpoint", "restart-api"),
                settings(endpoint()), Duration.ofSeconds(10)));
        assertThat(bodies.get(0)).isEqualTo("{\"resource\":\"service:a\\\"b&c\",\"issue\":\"service_down\"} /restart?service=a%22b%26c");
    }

    @Test
    void explainsAMissingEndpoint() throws Exception {
        ActionResult result = new HttpCallAction().execute(
                new TestActionContext("service:unknown", Map.of(), settings(endpoint()), Duration.ofSeconds(10)));
        assertThat(result.succeeded()).isFalse();
        assertThat(result.applicable()).as("not applicable: nothing was done, and it is not the action failing").isFalse();
        assertThat(result.message()).contains("no endpoint for service:unknown").contains("plugins.settings.http.endpoints");
        assertThat(calls.get()).isZero();
    }
}

package io.homeostat.plugins.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.testing.TestActionContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookNotifyActionTest {
    private HttpServer server;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private volatile int status = 200;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", exchange -> {
            received.add(exchange.getRequestHeaders().getFirst("Content-Type") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private ActionResult send(String payload) throws Exception {
        PluginSettings settings = new PluginSettings("plugins.settings.notify",
                Map.of("url", "http://127.0.0.1:" + server.getAddress().getPort() + "/hook"));
        return new WebhookNotifyAction().execute(new TestActionContext("service:checkout",
                payload == null ? Map.of() : Map.of("payload", payload), settings, Duration.ofSeconds(5)));
    }

    @Test
    void postsThePayloadAsJson() throws Exception {
        ActionResult result = send("{\"issue\":{\"id\":\"i-1\"}}");
        assertThat(result.succeeded()).as(result.message()).isTrue();
        assertThat(received).containsExactly("application/json {\"issue\":{\"id\":\"i-1\"}}");
    }

    @Test
    void aServerErrorIsTransientAndAClientErrorIsFinal() throws Exception {
        status = 503;
        ActionResult unavailable = send("{}");
        assertThat(unavailable.succeeded()).isFalse();
        assertThat(unavailable.retryable()).isTrue();
        status = 400;
        ActionResult refused = send("{}");
        assertThat(refused.succeeded()).isFalse();
        assertThat(refused.retryable()).isFalse();
    }

    @Test
    void nothingIsSentWithoutAPayload() throws Exception {
        assertThat(send(null).succeeded()).isFalse();
        assertThat(received).isEmpty();
    }
}

package io.homeostat.plugins.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.testing.TestActionContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** notify.slack against a local webhook server, notify.alertmanager against a real Alertmanager (Debian's prometheus-alertmanager). */
class ChannelNotifyActionsTest {
    /** What the service hands a notify action, in the service's own shape. */
    static final String PAYLOAD = """
            {"escalation": {"id": "esc-1", "issueId": "iss-1", "tenant": "default", "resource": "service:<checkout>&co", "issueType": "service_down",
                            "reason": "every strategy was tried and the issue persists", "createdAt": "2026-12-02T01:00:00Z"},
             "issue": {"id": "iss-1", "tenant": "default", "resource": "service:<checkout>&co", "type": "service_down", "severity": "high",
                       "summary": "3 failed probes within 1m", "openedAt": "2026-12-02T00:58:00Z", "rootCause": null},
             "decisions": [{"actionId": "process.restart", "outcome": "run", "reason": "every gate passed"}],
             "attempts": [{"actionId": "process.restart", "state": "failed", "message": "exited at once", "rollbackState": null}]}
            """;

    @TempDir
    Path directory;

    private HttpServer server;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private Process alertmanager;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/services/T000/B000/secret-token", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = status == 200 ? "ok".getBytes(StandardCharsets.UTF_8) : "no_service".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        if (alertmanager != null) {
            alertmanager.destroyForcibly();
        }
    }

    private String hook() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/services/T000/B000/secret-token";
    }

    private static ActionResult run(io.homeostat.plugin.api.RemediationAction action, Map<String, Object> settings, String payload)
            throws Exception {
        return action.execute(new TestActionContext("service:checkout", payload == null ? Map.of() : Map.of("payload", payload),
                new PluginSettings("plugins.settings.notify", settings), Duration.ofSeconds(10)));
    }

    @Test
    void slackGetsBlocksWithTheIssueWhyAndItsHistoryAndMarkupIsEscaped() throws Exception {
        ActionResult result = run(new SlackNotifyAction(), Map.of("slack", Map.of("url", hook())), PAYLOAD);

        assertThat(result.succeeded()).as(result.message()).isTrue();
        assertThat(received).hasSize(1);
        JsonNode message = Escalation.JSON.readTree(received.get(0));
        assertThat(message.get("text").asText()).startsWith("Homeostat escalation: service_down on service:<checkout>&co (high)");
        JsonNode blocks = message.get("blocks");
        assertThat(blocks.get(0).get("type").asText()).isEqualTo("header");
        assertThat(blocks.get(0).get("text").get("text").asText()).isEqualTo("Escalation: service_down on service:<checkout>&co (high)");
        assertThat(blocks.get(1).get("fields").toString()).contains("*Resource*\\nservice:&lt;checkout&gt;&amp;co")
                .contains("*Severity*\\nhigh").contains("*Issue*\\niss-1");
        assertThat(blocks.get(2).get("text").get("text").asText()).contains("*Why*: every strategy was tried")
                .contains("*Evidence*: 3 failed probes within 1m");
        assertThat(blocks.get(3).get("elements").get(0).get("text").asText())
                .isEqualTo("decided process.restart: run (every gate passed)\nran process.restart: failed (exited at once)");
    }

    @Test
    void aSlackRefusalIsAFailureThatQuotesTheAnswerButNeverTheSecretUrl() throws Exception {
        status = 404;
        ActionResult refused = run(new SlackNotifyAction(), Map.of("slack", Map.of("url", hook())), PAYLOAD);
        assertThat(refused.succeeded()).isFalse();
        assertThat(refused.retryable()).isFalse();
        assertThat(refused.message()).isEqualTo("Slack webhook answered 404: no_service").doesNotContain("secret-token");

        server.stop(0);
        ActionResult down = run(new SlackNotifyAction(), Map.of("slack", Map.of("url", hook())), PAYLOAD);
        assertThat(down.succeeded()).isFalse();
        assertThat(down.retryable()).isTrue();
        assertThat(down.message()).startsWith("Slack webhook could not be reached: ").doesNotContain("secret-token");

        assertThat(new SlackNotifyAction().validate(new PluginSettings("plugins.settings.notify",
                Map.of("slack", Map.of("url", "ftp://hooks.example.test/services/T/B/secret")))))
                .containsExactly("plugins.settings.notify.slack.url must be an http:// or https:// URL, was 'ftp://hooks.example.test/…'");
        assertThat(run(new SlackNotifyAction(), Map.of("url", hook()), PAYLOAD).applicable()).isFalse();
        assertThat(run(new SlackNotifyAction(), Map.of("slack", Map.of("url", hook())), "not json").message())
                .startsWith("the escalation payload is not JSON");
    }

    @Test
    void theGenericWebhookIsOptionalOnceAnotherChannelIsConfigured() {
        assertThat(new WebhookNotifyAction().validate(new PluginSettings("plugins.settings.notify", Map.of("slack", Map.of("url", hook())))))
                .isEmpty();
        assertThat(new WebhookNotifyAction().validate(new PluginSettings("plugins.settings.notify", Map.of())))
                .containsExactly("plugins.settings.notify.url is required");
        assertThat(new AlertmanagerNotifyAction().validate(new PluginSettings("plugins.settings.notify", Map.of("alertmanager",
                Map.of("url", "http://127.0.0.1:9093", "labels", Map.of("team", "sre", "bad-name", "x"))))))
                .containsExactly("plugins.settings.notify.alertmanager.labels.bad-name is not a valid Alertmanager label name ([a-zA-Z_][a-zA-Z0-9_]*)");
    }

    @Test
    void anEscalationBecomesAnAlertInARealAlertmanager() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path config = Files.writeString(directory.resolve("alertmanager.yml"),
                "route:\n  receiver: nobody\nreceivers:\n  - name: nobody\n");
        alertmanager = new ProcessBuilder("prometheus-alertmanager", "--config.file=" + config, "--storage.path=" + directory.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=").redirectErrorStream(true)
                .redirectOutput(directory.resolve("alertmanager.log").toFile()).start();
        HttpClient client = HttpClient.newHttpClient();
        URI alerts = URI.create("http://127.0.0.1:" + port + "/api/v2/alerts");
        Instant until = Instant.now().plusSeconds(30);
        while (true) {
            try {
                if (client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // starting
            }
            assertThat(Instant.now()).as("Alertmanager ready; its log: " + directory.resolve("alertmanager.log")).isBefore(until);
            Thread.sleep(100);
        }
        Map<String, Object> settings = Map.of("alertmanager", Map.of("url", "http://127.0.0.1:" + port + "/", "labels", Map.of("team", "sre"),
                "generatorURL", "http://homeostat.example.test/issues/iss-1"));

        ActionResult result = run(new AlertmanagerNotifyAction(), settings, PAYLOAD);
        ActionResult again = run(new AlertmanagerNotifyAction(), settings, PAYLOAD);

        assertThat(result.succeeded()).as(result.message()).isTrue();
        assertThat(result.message()).isEqualTo("Alertmanager answered 200");
        assertThat(again.succeeded()).isTrue();
        JsonNode active = Escalation.JSON.readTree(client.send(HttpRequest.newBuilder(alerts).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(active).as("sent twice, one alert: Alertmanager merges by labels").hasSize(1);
        JsonNode alert = active.get(0);
        assertThat(alert.get("labels").get("alertname").asText()).isEqualTo("HomeostatEscalation");
        assertThat(alert.get("labels").get("issue_type").asText()).isEqualTo("service_down");
        assertThat(alert.get("labels").get("resource").asText()).isEqualTo("service:<checkout>&co");
        assertThat(alert.get("labels").get("severity").asText()).isEqualTo("high");
        assertThat(alert.get("labels").get("team").asText()).isEqualTo("sre");
        assertThat(alert.get("labels").get("homeostat_escalation").asText()).isEqualTo("true");
        assertThat(alert.get("annotations").get("history").asText()).contains("ran process.restart: failed (exited at once)");
        assertThat(alert.get("status").get("state").asText()).isEqualTo("active");

        alertmanager.destroyForcibly().waitFor();
        ActionResult down = run(new AlertmanagerNotifyAction(), settings, PAYLOAD);
        assertThat(down.succeeded()).isFalse();
        assertThat(down.retryable()).isTrue();
        assertThat(down.message()).startsWith("Alertmanager could not be reached");
    }
}

package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notify plugin end to end with two channels: an issue that cannot be fixed escalates to a
 * Slack-compatible webhook (a local server, down at first) and to a real Alertmanager (Debian's
 * prometheus-alertmanager, which .ci/run installs). Each channel's delivery is recorded on its own:
 * Alertmanager has the alert at once, Slack's failure is retried until the server is back, and the
 * channel that has it is never sent it again.
 */
class EscalationChannelsIntegrationTest {
    @TempDir
    Path directory;

    @Test
    void anEscalationReachesEachChannelAndAFailedChannelIsRetriedAlone() throws Exception {
        assertThat(DeployAssetsIntegrationTest.installed("prometheus-alertmanager"))
                .as("Debian's prometheus-alertmanager (.ci/run installs it)").isTrue();
        List<String> slack = new CopyOnWriteArrayList<>();
        AtomicInteger slackStatus = new AtomicInteger(503);
        HttpServer slackServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        slackServer.createContext("/services/T000/B000/secret", exchange -> {
            slack.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(slackStatus.get(), -1);
            exchange.close();
        });
        slackServer.start();
        int alertmanagerPort = HealingLoopIntegrationTest.freePort();
        Path config = Files.writeString(directory.resolve("alertmanager.yml"), """
                route: {receiver: nobody}
                receivers: [{name: nobody}]
                """);
        Process alertmanager = new ProcessBuilder("prometheus-alertmanager", "--config.file=" + config, "--storage.path=" + directory.resolve("am"),
                "--web.listen-address=127.0.0.1:" + alertmanagerPort, "--cluster.listen-address=").redirectErrorStream(true)
                .redirectOutput(directory.resolve("alertmanager.log").toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                try (Socket socket = new Socket("127.0.0.1", alertmanagerPort)) {
                    return true;
                }
            });
            try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory);
                 TestApp app = TestApp.builder(directory, database).rule("escalation-test.drl", EscalationRedeliveryIntegrationTest.RULES)
                         .pluginSettings("notify", Map.of(
                                 "slack", Map.of("url", "http://127.0.0.1:" + slackServer.getAddress().getPort() + "/services/T000/B000/secret",
                                         "timeoutSeconds", 2),
                                 "alertmanager", Map.of("url", "http://127.0.0.1:" + alertmanagerPort, "labels", Map.of("team", "sre"))))
                         .execution("escalationActions", List.of("notify.slack", "notify.alertmanager"))
                         .execution("retryBackoff", "10ms")
                         .execution("escalationRedelivery", "1s")
                         .start()) {
                app.signals("{\"resource\":\"service:checkout\",\"metric\":\"test.critical\",\"value\":1,\"source\":\"test\"}");
                String[] issueId = new String[1];
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    JsonNode issues = app.getJson("/api/v1/issues?resource=service:checkout").get("items");
                    assertThat(issues).isNotEmpty();
                    issueId[0] = issues.get(0).get("id").asText();
                    JsonNode detail = app.getJson("/api/v1/issues/" + issueId[0]);
                    assertThat(detail.get("escalation").get("state").asText()).isEqualTo("failed");
                    assertThat(deliveries(detail)).containsEntry("notify.alertmanager", "sent").containsEntry("notify.slack", "failed");
                });

                // The real effect in Alertmanager: the alert with Homeostat's labels and the operator's.
                HttpClient client = HttpClient.newHttpClient();
                JsonNode alerts = TestApp.parse(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + alertmanagerPort
                        + "/api/v2/alerts")).build(), HttpResponse.BodyHandlers.ofString()).body());
                assertThat(alerts).hasSize(1);
                assertThat(alerts.get(0).get("labels").get("resource").asText()).isEqualTo("service:checkout");
                assertThat(alerts.get(0).get("labels").get("homeostat_escalation").asText()).isEqualTo("true");
                assertThat(alerts.get(0).get("labels").get("team").asText()).isEqualTo("sre");

                // Slack is back: the next redelivery sends it there, and only there.
                slackStatus.set(200);
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                        assertThat(app.getJson("/api/v1/issues/" + issueId[0]).get("escalation").get("state").asText()).isEqualTo("sent"));
                Thread.sleep(2_500);    // two more redelivery rounds: nothing is sent again
                JsonNode detail = app.getJson("/api/v1/issues/" + issueId[0]);
                for (JsonNode delivery : detail.get("escalationDeliveries")) {
                    if (delivery.get("channel").asText().equals("notify.alertmanager")) {
                        assertThat(delivery.get("attempts").asInt()).as("Alertmanager had it at the first try").isEqualTo(1);
                    }
                }
                int posts = slack.size();
                assertThat(posts).isGreaterThanOrEqualTo(2);
                JsonNode blocks = TestApp.parse(slack.get(posts - 1)).get("blocks");
                assertThat(blocks.toString()).contains("service:checkout", "test.critical");
                Thread.sleep(1_500);
                assertThat(slack).as("sent once it worked, not again").hasSize(posts);
            }
        } finally {
            alertmanager.destroy();
            slackServer.stop(0);
        }
    }

    private static Map<String, String> deliveries(JsonNode detail) {
        Map<String, String> states = new java.util.HashMap<>();
        for (JsonNode delivery : detail.get("escalationDeliveries")) {
            states.put(delivery.get("channel").asText(), delivery.get("state").asText());
        }
        return states;
    }
}

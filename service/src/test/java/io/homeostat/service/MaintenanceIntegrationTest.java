package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Maintenance switched on with the admin task for the resources with a label: their automatic actions
 * are blocked by the window gate, which names the operator's window; other resources are not; it holds
 * across a restart; switched off, actions run again. Stored and audited.
 */
class MaintenanceIntegrationTest {
    @TempDir
    Path directory;

    private static HttpResponse<String> maintenance(TestApp app, String query) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(app.admin("/tasks/maintenance" + query)))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String full(String host, String service) {
        return "{\"resource\":\"disk:" + host + ":/var\",\"metric\":\"disk.used_percent\",\"value\":97.5,\"source\":\"test\","
                + "\"labels\":{\"service\":\"" + service + "\"}}";
    }

    private static JsonNode firstDecision(TestApp app, String resource) throws Exception {
        JsonNode[] decision = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode issues = app.getJson("/api/v1/issues?resource=" + resource).get("items");
            assertThat(issues).isNotEmpty();
            JsonNode decisions = app.getJson("/api/v1/issues/" + issues.get(0).get("id").asText()).get("decisions");
            assertThat(decisions).isNotEmpty();
            decision[0] = decisions.get(0);
        });
        return decision[0];
    }

    private TestApp.Builder app(TestDatabase database, Path logs) {
        Map<String, Object> resources = new java.util.LinkedHashMap<>();
        for (String host : List.of("web-1", "web-2", "web-3", "web-4")) {
            resources.put("disk:" + host + ":/var", List.of("app-logs"));
        }
        return TestApp.builder(directory, database)
                .pluginSettings("disk", Map.of("directories", Map.of("app-logs", Map.of("path", logs.toString(), "rotateMinKib", 1)),
                        "resources", resources));
    }

    @Test
    void maintenanceForALabelBlocksItsResourcesAcrossARestartUntilItIsSwitchedOff() throws Exception {
        Path logs = Files.createDirectories(directory.resolve("logs"));
        Files.writeString(logs.resolve("app.log"), "x".repeat(4096));
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory)) {
            try (TestApp app = app(database, logs).start()) {
                assertThat(maintenance(app, "?on=maybe&by=ops&reason=x").body()).contains("parameter 'on' must be true or false, was 'maybe'");
                assertThat(maintenance(app, "?on=true&by=ops&reason=x&for=9d").body()).contains("at most 7d, was '9d'");
                HttpResponse<String> on = maintenance(app, "?on=true&by=ops&reason=db%20upgrade&label=service=checkout&for=2h");
                assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
                assertThat(on.body()).contains("maintenance label:service=checkout on until");

                app.signals(full("web-1", "checkout"), full("web-2", "search"));
                JsonNode blocked = firstDecision(app, "disk:web-1:/var");
                assertThat(blocked.get("outcome").asText()).isEqualTo("blocked");
                assertThat(blocked.get("reason").asText()).contains("inside maintenance window operator:label:service=checkout");
                assertThat(firstDecision(app, "disk:web-2:/var").get("outcome").asText()).as("another service").isEqualTo("run");
                assertThat(app.getJson("/api/v1/audit?limit=200").toString()).contains("maintenance.started");
            }
            try (TestApp restarted = app(database, logs).start()) {
                restarted.signals(full("web-3", "checkout"));
                assertThat(firstDecision(restarted, "disk:web-3:/var").get("reason").asText())
                        .as("still on after the restart").contains("operator:label:service=checkout");

                assertThat(maintenance(restarted, "?on=false&by=ops&reason=done&label=service=checkout").body())
                        .contains("maintenance label:service=checkout ended by ops");
                restarted.signals(full("web-4", "checkout"));
                assertThat(firstDecision(restarted, "disk:web-4:/var").get("outcome").asText()).isEqualTo("run");
            }
        }
    }
}

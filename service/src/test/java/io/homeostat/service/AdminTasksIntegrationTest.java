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
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin port's tasks and the executor's health on a running service: pause and resume automatic
 * remediation (stored, audited, obeyed by the gates), reload the plugins, and the executor reported
 * saturated when every supervisor is busy and work waits longer than execution.saturatedAfter.
 */
class AdminTasksIntegrationTest {

    @TempDir
    Path directory;

    private static HttpResponse<String> task(TestApp app, String name, String query) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(app.admin("/tasks/" + name + query)))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String signal(String resource) {
        return "{\"resource\":\"" + resource + "\",\"metric\":\"test.overlap\",\"value\":1,\"source\":\"test\"}";
    }

    @Test
    void tasksPauseAndResumeAutomationReloadPluginsAndTheExecutorReportsSaturation() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory);
             TestApp app = TestApp.builder(directory, database).withFaultyPlugin().rule("slow-test.drl", OverlappingRunsIntegrationTest.RULES)
                     .pluginSettings("faulty-test", Map.of("slowMillis", 6_000))
                     .execution("maxConcurrent", 1)
                     .execution("saturatedAfter", "1s")
                     .start()) {
            HttpResponse<String> refused = task(app, "pause-auto-remediation", "?by=ops");
            assertThat(refused.statusCode()).isGreaterThanOrEqualTo(400);
            assertThat(refused.body()).contains("'by' and 'reason' are required");

            HttpResponse<String> paused = task(app, "pause-auto-remediation", "?by=ops&reason=incident%20review");
            assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
            assertThat(paused.body()).contains("automatic remediation paused for every tenant by ops");
            JsonNode switches = app.getJson("/api/v1/auto-remediation");
            assertThat(switches.get("items").get(0).get("enabled").asBoolean()).isFalse();
            assertThat(app.getJson("/api/v1/audit?limit=200").toString()).contains("POST /tasks/pause-auto-remediation");

            app.signals(signal("service:a"));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                JsonNode issues = app.getJson("/api/v1/issues?resource=service:a").get("items");
                assertThat(issues).isNotEmpty();
                JsonNode decisions = app.getJson("/api/v1/issues/" + issues.get(0).get("id").asText()).get("decisions");
                assertThat(decisions).isNotEmpty();
                assertThat(decisions.get(0).get("outcome").asText()).isEqualTo("blocked");
            });
            assertThat(app.getJson("/api/v1/remediations").get("total").asInt()).as("paused: nothing ran").isZero();

            assertThat(task(app, "resume-auto-remediation", "?by=ops&reason=review%20done").body()).contains("resumed for every tenant");
            app.signals(signal("service:b"), signal("service:c"));
            // One supervisor, two slow attempts: one runs, one waits; after saturatedAfter the executor check says so.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                String health = app.get(app.admin("/healthcheck")).body();
                assertThat(TestApp.parse(health).get("executor").get("healthy").asBoolean()).as(health).isFalse();
                assertThat(TestApp.parse(health).get("executor").get("message").asText()).contains("saturated for").contains("all 1 supervisors busy");
            });
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(TestApp.parse(app.get(app.admin("/healthcheck")).body()).get("executor").get("healthy").asBoolean()).isTrue());

            HttpResponse<String> reloaded = task(app, "reload-plugins", "");
            assertThat(reloaded.statusCode()).isEqualTo(200);
            assertThat(reloaded.body()).startsWith("loaded: ").contains("plugin(s)");
        }
    }
}

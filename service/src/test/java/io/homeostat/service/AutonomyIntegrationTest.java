package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Earned autonomy through the running service (H2 and PostgreSQL): a new pair observes (the decision
 * is a dry-run), is promoted to suggest by the rules with the figures, and the promotion is in the
 * API, the statistics and the audit; an operator pins it to auto with their key (a viewer may not,
 * another tenant does not see it); the mode and pin survive a restart and the next crash runs.
 */
class AutonomyIntegrationTest {
    @TempDir
    Path directory;

    private static TestApp.Builder app(Path directory, TestDatabase database) {
        return TestApp.builder(directory, database).policy("autonomy", Map.of("startIn", "observe", "suggestAfter", 2));
    }

    private static void crash(TestApp app, String resource) throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(app.signals(TestApp.signal(resource, "probe.success", 0)).statusCode()).isEqualTo(202);
        }
    }

    private static JsonNode decisionsOf(TestApp app, String resource) throws Exception {
        JsonNode items = app.getJson("/api/v1/issues?resource=" + resource).get("items");
        return items.isEmpty() ? null : app.getJson("/api/v1/issues/" + items.get(0).get("id").asText()).get("decisions");
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aPairObservesIsPromotedIsPinnedByAnOperatorAndKeepsItAcrossARestart(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, directory)) {
            try (TestApp app = app(directory, database).start()) {
                crash(app, "service:one");
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    JsonNode decisions = decisionsOf(app, "service:one");
                    assertThat(decisions).isNotNull().isNotEmpty();
                    assertThat(decisions.get(0).get("outcome").asText()).isEqualTo("dry_run");
                    assertThat(decisions.get(0).get("reason").asText()).startsWith("observe: would have run process.restart");
                });
                JsonNode pair = app.getJson("/api/v1/autonomy").get("items").get(0);
                assertThat(pair.get("issueType").asText()).isEqualTo("service_down");
                assertThat(pair.get("action").asText()).isEqualTo("process.restart");
                assertThat(pair.get("mode").asText()).isEqualTo("observe");
                assertThat(pair.get("observed").asInt()).isEqualTo(1);

                crash(app, "service:two");
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(app.getJson("/api/v1/autonomy").get("items").get(0).get("mode").asText()).isEqualTo("suggest"));
                JsonNode change = app.getJson("/api/v1/autonomy/changes").get(0);
                assertThat(change.get("kind").asText()).isEqualTo("promoted");
                assertThat(change.get("fromMode").asText()).isEqualTo("observe");
                assertThat(change.get("toMode").asText()).isEqualTo("suggest");
                assertThat(change.get("figures").get("observed").asInt()).isEqualTo(2);
                assertThat(change.get("reason").asText()).contains("policy.autonomy.suggestAfter: 2");
                JsonNode statistics = app.getJson("/api/v1/statistics").get("autonomy");
                assertThat(statistics.get("pairsByMode").get("suggest").asInt()).isEqualTo(1);
                assertThat(statistics.get("changes").get("promoted").asInt()).isEqualTo(1);
                assertThat(app.getJson("/api/v1/audit?kind=autonomy.promoted").get("total").asInt()).isEqualTo(1);

                // Who may pin, and who sees what.
                String viewer = app.createKey("watcher", "viewer", "default");
                String otherTenant = app.createKey("other", "viewer", "team-b");
                String pin = "{\"mode\":\"auto\",\"reason\":\"restarts of these services are known safe\"}";
                assertThat(app.request(viewer, "PUT", "/api/v1/autonomy/service_down/process.restart", pin).statusCode()).isEqualTo(403);
                assertThat(app.getJsonAs(otherTenant, "/api/v1/autonomy").get("total").asInt()).isZero();
                HttpResponse<String> bad = app.request(app.adminKey(), "PUT", "/api/v1/autonomy/service_down/process.restart",
                        "{\"mode\":\"yolo\",\"reason\":\"x\"}");
                assertThat(bad.statusCode()).isEqualTo(422);
                assertThat(bad.body()).contains("unknown autonomy mode 'yolo' (known: observe, suggest, auto)");
                assertThat(app.request(app.adminKey(), "PUT", "/api/v1/autonomy/service_down/process.restart",
                        "{\"mode\":\"auto\"}").statusCode()).as("a pin says why").isEqualTo(422);

                HttpResponse<String> pinned = app.request(app.adminKey(), "PUT", "/api/v1/autonomy/service_down/process.restart", pin);
                assertThat(pinned.statusCode()).as(pinned.body()).isEqualTo(202);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    JsonNode now = app.getJson("/api/v1/autonomy").get("items").get(0);
                    assertThat(now.get("mode").asText()).isEqualTo("auto");
                    assertThat(now.get("pinned").asBoolean()).isTrue();
                    assertThat(now.get("changedBy").asText()).startsWith("operator ");
                });
                JsonNode asked = app.getJson("/api/v1/audit?kind=autonomy.pin").get("items").get(0);
                assertThat(asked.get("reason").asText()).isEqualTo("restarts of these services are known safe");
            }
            try (TestApp again = app(directory, database).start()) {
                JsonNode pair = again.getJson("/api/v1/autonomy").get("items").get(0);
                assertThat(pair.get("mode").asText()).as("the pin survives a restart").isEqualTo("auto");
                assertThat(pair.get("pinned").asBoolean()).isTrue();
                crash(again, "service:three");
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    JsonNode decisions = decisionsOf(again, "service:three");
                    assertThat(decisions).isNotNull().isNotEmpty();
                    assertThat(decisions.get(0).get("outcome").asText()).isEqualTo("run");
                });
            }
        }
    }
}

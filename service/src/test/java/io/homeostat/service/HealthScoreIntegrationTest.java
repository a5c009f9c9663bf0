package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The health score through the running service: an outage lowers its category and the overall
 * score, the history gets a point per interval, Prometheus shows the labelled gauge, another
 * tenant's key does not see this tenant's score, and a bad query parameter is a 400 that names it.
 */
class HealthScoreIntegrationTest {
    @TempDir
    Path directory;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void anOutageLowersTheScoreAndIsRecordedAndExported(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, directory);
             TestApp app = TestApp.builder(directory, database).tenant("blue", Map.of()).healthScore("interval", "1s").start()) {
            assertThat(app.getJson("/api/v1/health-score").get("overall").asDouble()).isEqualTo(100);
            for (int i = 0; i < 3; i++) {
                app.signals(TestApp.signal("service:web", "probe.success", 0));
            }
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                JsonNode score = app.getJson("/api/v1/health-score");
                assertThat(score.get("overall").asDouble()).isEqualTo(80);
                assertThat(score.get("categories").get("application").asDouble()).isEqualTo(80);
                assertThat(score.get("categories").get("compute").asDouble()).isEqualTo(100);
                assertThat(score.get("resources").get("service:web").asDouble()).isEqualTo(80);
                assertThat(score.get("issuesDetected24h").asLong()).isEqualTo(1);
                assertThat(score.get("trend").get("direction").asText()).isIn("stable", "declining");
            });
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                JsonNode points = app.getJson("/api/v1/health-score/history?category=overall").get("points");
                assertThat(points).anySatisfy(point -> assertThat(point.get("score").asDouble()).isEqualTo(80));
                assertThat(app.get(app.admin("/prometheus")).body())
                        .contains("homeostat_health_score{category=\"overall\",tenant=\"default\"} 80.0")
                        .contains("homeostat_health_score{category=\"overall\",tenant=\"blue\"} 100.0");
            });
            String blue = app.createKey("blue-viewer", "viewer", "blue");
            assertThat(app.getJsonAs(blue, "/api/v1/health-score").get("overall").asDouble()).as("blue's own score").isEqualTo(100);
            assertThat(app.getAs(blue, app.api("/api/v1/health-score?tenant=default")).statusCode()).isEqualTo(404);
            var bad = app.get(app.api("/api/v1/health-score/history?since=yesterday"));
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("since").contains("yesterday");
        }
    }
}

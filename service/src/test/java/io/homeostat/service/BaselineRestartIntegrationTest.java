package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A learned baseline is stored when the service stops and taken back when it starts: the first
 * readings after a restart are judged against the normal learned before it (the shipped
 * latency_anomaly rule opens at once), while a series never seen is still warming up. H2 and PostgreSQL.
 */
class BaselineRestartIntegrationTest {
    @TempDir
    Path directory;

    private static String reading(String resource, double value, Instant at) {
        return "{\"resource\":\"" + resource + "\",\"metric\":\"probe.latency_ms\",\"value\":" + value + ",\"source\":\"test\",\"time\":\""
                + at + "\"}";
    }

    private static long gauge(TestApp app, String name) {
        return ((Number) app.environment().metrics().getGauges().get(name).getValue()).longValue();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void theBaselineLearnedBeforeAStopJudgesTheFirstReadingsAfterIt(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, directory)) {
            try (TestApp first = TestApp.builder(directory, database).start()) {
                Instant start = Instant.now().minusSeconds(600);
                List<String> normal = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    normal.add(reading("service:web", 18 + i % 5, start.plusSeconds(10L * i)));
                }
                assertThat(first.signals(normal.toArray(String[]::new)).statusCode()).isEqualTo(202);
                await().atMost(Duration.ofSeconds(20)).until(() -> gauge(first, "homeostat.baselines.tracked") == 1);
            }
            assertThat(count(database)).as("stored at the stop").isEqualTo(1);
            try (TestApp second = TestApp.builder(directory, database).start()) {
                assertThat(gauge(second, "homeostat.baselines.tracked")).as("restored before any reading").isEqualTo(1);
                Instant now = Instant.now();
                for (int i = 0; i < 3; i++) {
                    assertThat(second.signals(reading("service:web", 150, now.plusSeconds(i)), reading("service:new", 150, now.plusSeconds(i)))
                            .statusCode()).isEqualTo(202);
                }
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    JsonNode issues = second.getJson("/api/v1/issues?resource=service:web").get("items");
                    assertThat(issues).hasSize(1);
                    assertThat(issues.get(0).get("type").asText()).isEqualTo("latency_anomaly");
                    assertThat(issues.get(0).get("summary").asText()).contains("against a normal of 20");
                });
                assertThat(second.getJson("/api/v1/issues?resource=service:new").get("items")).as("no baseline yet: no verdict").isEmpty();
            }
        }
    }

    private static long count(TestDatabase database) throws Exception {
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection(database.url(), database.user(), "");
             java.sql.ResultSet rows = connection.createStatement().executeQuery("SELECT COUNT(*) FROM baselines")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}

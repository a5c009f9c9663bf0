package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stalled database on the real service with an outbox that holds one entry: the engine waits for
 * room while failing probes keep arriving. Found before: evaluated after their window had passed on
 * the session clock, they opened nothing and every one had been answered 202. Now windows count by
 * the probes' own time, so each failing service gets its issue once the database answers; and once
 * evaluation lags beyond its bound, intake says so (503, Retry-After) and the health check is red
 * instead of accepting blindly. (With the default outbox the engine does not wait at all:
 * DatabaseOutageIntegrationTest.)
 */
class LateEvaluationIntegrationTest {
    /** The shipped table with service_down's window shortened to 10 s, so that a 15 s stall outlasts it. */
    private static String thresholds() throws Exception {
        String shipped = Files.readString(TestApp.shippedRules().resolve("thresholds.csv"));
        String edited = shipped.replace("service_down,probe.success,equals,0,3,1m,", "service_down,probe.success,equals,0,3,10s,");
        assertThat(edited).isNotEqualTo(shipped);
        return edited;
    }

    @TempDir
    Path directory;

    @Test
    void probesAcceptedWhileTheEngineWasStuckOpenTheirIssuesAndIntakeRefusesOnceTheLagPassesItsBound() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.POSTGRES, directory);
             TestApp app = TestApp.builder(directory, database).rule("thresholds.csv", thresholds()).intake("maxEvaluationLag", "3s")
                     .outbox("maxSize", "1KiB").start();
             Connection blocker = database.connect()) {
            blocker.setAutoCommit(false);
            try (Statement statement = blocker.createStatement()) {
                // The stall: the outbox's next write (an issue) waits on this lock, as on a database that stopped answering; the
                // entry after it finds the outbox full and holds the engine.
                statement.execute("LOCK TABLE issues IN ACCESS EXCLUSIVE MODE");
            }
            for (int i = 0; i < 3; i++) {
                assertThat(app.signals(TestApp.signal("service:trigger", "probe.success", 0)).statusCode()).isEqualTo(202);
            }
            // Its outputs wait in the outbox; the next batch's outputs do not fit beside them, and the engine waits.
            await().atMost(Duration.ofSeconds(10)).until(() -> outboxDepth(app) >= 1);
            String second = TestApp.signal("service:trigger-2", "probe.success", 0);
            assertThat(app.signals(second, second, second).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(10)).until(() -> lagMillis(app) >= 300);

            List<String> failing = List.of("service:a", "service:b", "service:c", "service:d", "service:e");
            for (int round = 0; round < 3; round++) {
                String[] batch = failing.stream().map(resource -> TestApp.signal(resource, "probe.success", 0)).toArray(String[]::new);
                assertThat(app.signals(batch).statusCode()).as("accepted while the lag is under its bound").isEqualTo(202);
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> lagMillis(app) > 3_000);
            HttpResponse<String> refused = app.signals(TestApp.signal("service:late", "probe.success", 0));
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(TestApp.parse(refused.body()).get("message").asText()).contains("evaluation is").contains("behind (bound 3 s)");
            HttpResponse<String> health = app.get(app.admin("/healthcheck"));
            assertThat(health.statusCode()).isEqualTo(500);
            assertThat(TestApp.parse(health.body()).get("evaluation-lag").get("healthy").asBoolean()).isFalse();
            // Not ready (route elsewhere), but alive (a restart would not help a stuck database).
            HttpResponse<String> ready = app.get(app.admin("/ready"));
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(TestApp.parse(ready.body()).get("evaluation-lag").get("healthy").asBoolean()).isFalse();
            assertThat(app.get(app.admin("/live")).statusCode()).isEqualTo(200);

            // Hold the stall past the 10 s window of the probes accepted above, then let the database answer.
            Thread.sleep(12_000);
            assertThat(TestApp.parse(app.get(app.admin("/healthcheck")).body()).get("rules").get("message").asText())
                    .contains("has not finished a loop");
            blocker.rollback();

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Set<String> resources = new HashSet<>();
                for (JsonNode issue : app.getJson("/api/v1/issues?limit=100").get("items")) {
                    if (issue.get("type").asText().equals("service_down")) {
                        resources.add(issue.get("resource").asText());
                    }
                }
                assertThat(resources).containsExactlyInAnyOrder("service:trigger", "service:trigger-2", "service:a", "service:b", "service:c", "service:d",
                        "service:e");
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> lagMillis(app) < 1_000);
            assertThat(app.signals(TestApp.signal("service:late", "probe.success", 0)).statusCode()).isEqualTo(202);
            JsonNode lag = TestApp.parse(app.get(app.admin("/healthcheck")).body()).get("evaluation-lag");
            assertThat(lag.get("healthy").asBoolean()).isTrue();
            // Red while stuck (the engine had not finished a loop for over 10 s), green again now.
            await().atMost(Duration.ofSeconds(10)).until(() -> app.get(app.admin("/healthcheck")).statusCode() == 200);
            assertThat(app.get(app.admin("/ready")).statusCode()).isEqualTo(200);
        }
    }

    private static int outboxDepth(TestApp app) throws Exception {
        return TestApp.parse(app.get(app.admin("/healthcheck")).body()).get("outbox").get("depth").asInt();
    }

    private static long lagMillis(TestApp app) throws Exception {
        return TestApp.parse(app.get(app.admin("/healthcheck")).body()).get("evaluation-lag").get("lagMillis").asLong();
    }
}

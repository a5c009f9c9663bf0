package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory bounded by design: the engine holds each signal for its lifetime, so the live set grows
 * with the signal rate; at its heap budget (derived from the heap, or intake.liveSignalBudget) intake
 * answers 503 instead of letting the JVM run out of memory, and says why in the answer, the health
 * check and a metric.
 */
class LiveSignalBoundIntegrationTest {
    @TempDir
    Path directory;

    @Test
    void atItsHeapBudgetIntakeRefusesWithA503AndSaysWhy() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory);
             TestApp app = TestApp.builder(directory, database).intake("liveSignalBudget", "40KiB").start()) {
            String[] batch = new String[50];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = TestApp.signal("host:h" + i, "cpu.utilization", 10);
            }
            assertThat(app.signals(batch).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(10)).until(() -> intake(app).get("liveSignals").asLong() == 50);

            HttpResponse<String> refused = app.signals(TestApp.signal("host:more", "cpu.utilization", 10));
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
            // 50 signals of 50 resources, each resource's cpu.utilization with a baseline: 50 x 449 + 50 x 712 + 50 x 91
            // bytes, past the 40 KiB budget.
            assertThat(TestApp.parse(refused.body()).get("message").asText()).contains("holds 50 signals of 50 resources, 0 alerts and 50 baselines")
                    .contains("against its heap budget");
            JsonNode intake = intake(app);
            assertThat(intake.get("healthy").asBoolean()).isFalse();
            assertThat(intake.get("liveBytes").asLong()).isEqualTo(50 * 449 + 50 * 712 + 50 * 91);
            assertThat(intake.get("liveBudgetBytes").asLong()).isEqualTo(40 * 1024);
            assertThat(app.get(app.admin("/ready")).statusCode()).isEqualTo(503);
            assertThat(app.environment().metrics().meter("homeostat.signals.refused_full").getCount()).isEqualTo(1);
            assertThat(app.get(app.admin("/live")).statusCode()).as("alive: a restart would not help").isEqualTo(200);
        }
    }

    private static JsonNode intake(TestApp app) throws Exception {
        return TestApp.parse(app.get(app.admin("/healthcheck")).body()).get("intake");
    }
}

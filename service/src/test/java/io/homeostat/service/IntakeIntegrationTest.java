package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets a clear 4xx that says what and where; good input is never lost. */
class IntakeIntegrationTest {
    @TempDir
    static Path directory;

    private static TestDatabase database;
    private static TestApp app;

    @BeforeAll
    static void start() throws Exception {
        database = TestDatabase.create(TestDatabase.Kind.H2, directory);
        app = TestApp.builder(directory, database).intake("maxBatch", 20).intake("queueCapacity", 30).start();
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
        database.close();
    }

    @Test
    void malformedJsonIs400WithWhereItBroke() throws Exception {
        HttpResponse<String> response = app.post("/api/v1/signals", "{\"signals\": [ {\"resource\": \"service:a\", }");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestApp.parse(response.body()).get("message").asText()).startsWith("malformed JSON at line 1, column");
    }

    @Test
    void aBodyWithoutASignalsArrayIs400() throws Exception {
        assertThat(app.post("/api/v1/signals", "[1,2]").statusCode()).isEqualTo(400);
        HttpResponse<String> typo = app.post("/api/v1/signals", "{\"signal\": []}");
        assertThat(typo.statusCode()).isEqualTo(400);
        assertThat(typo.body()).contains("unknown field 'signal' in the body");
        HttpResponse<String> empty = app.post("/api/v1/signals", "{}");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.body()).contains("'signals' array");
        assertThat(app.post("/api/v1/signals", "{\"signals\": {}}").body()).contains("'signals' must be an array");
    }

    @Test
    void aBatchOverTheLimitIs413() throws Exception {
        List<String> signals = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            signals.add(TestApp.signal("service:a", "probe.success", 1));
        }
        HttpResponse<String> response = app.signals(signals.toArray(String[]::new));
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("at most 20 signals").contains("split it");
    }

    @Test
    void aBatchThatDoesNotFitTheQueueIs429WithRetryAfterAndNothingQueued() throws Exception {
        // A batch larger than the free queue is refused whole, whatever the engine's speed.
        TestApp small = null;
        Path smallDirectory = directory.resolve("small");
        try (TestDatabase smallDatabase = TestDatabase.create(TestDatabase.Kind.H2, smallDirectory)) {
            small = TestApp.builder(smallDirectory, smallDatabase).intake("maxBatch", 20).intake("queueCapacity", 10).start();
            List<String> signals = new ArrayList<>();
            for (int i = 0; i < 11; i++) {
                signals.add(TestApp.signal("service:a", "probe.success", 1));
            }
            long before = evaluated(small);
            HttpResponse<String> response = small.signals(signals.toArray(String[]::new));
            assertThat(response.statusCode()).isEqualTo(429);
            assertThat(response.headers().firstValue("Retry-After")).contains("1");
            assertThat(response.body()).contains("intake queue is full").contains("nothing was queued");
            assertThat(small.signals(signals.subList(0, 10).toArray(String[]::new)).statusCode()).isEqualTo(202);
            TestApp running = small;
            await().atMost(Duration.ofSeconds(10)).until(() -> evaluated(running) == before + 10);
        } finally {
            if (small != null) {
                small.close();
            }
        }
    }

    @Test
    void eachBadSignalIsReportedByIndexAndTheGoodOnesAreAccepted() throws Exception {
        HttpResponse<String> response = app.signals(
                TestApp.signal("service:a", "probe.success", 1),
                "{\"metric\":\"x\",\"value\":1}",
                "{\"resource\":\"nocolon\",\"metric\":\"x\",\"value\":1}",
                "{\"resource\":\"service:a\",\"metric\":\"x\",\"value\":\"high\"}",
                "{\"resource\":\"service:a\",\"metric\":\"x\",\"value\":1,\"time\":\"yesterday\"}",
                "{\"resource\":\"service:a\",\"metric\":\"x\",\"value\":1,\"valeu\":2}",
                "{\"resource\":\"service:a\",\"metric\":\"x\",\"value\":1,\"time\":\"2099-01-01T00:00:00Z\"}",
                "{\"resource\":\"service:a\",\"metric\":\"x\",\"value\":1,\"labels\":{\"a\":1}}",
                "{\"resource\":\"service:a\",\"metric\":\"x\",\"value\":1,\"tenant\":\"Team A\"}",
                "{\"resource\":\"service:b\",\"metric\":\"cpu.utilization\",\"value\":12.5,\"time\":\""
                        + java.time.OffsetDateTime.now(java.time.ZoneOffset.ofHours(1)).minusHours(1).withNano(0) + "\","
                        + "\"unit\":\"percent\",\"source\":\"node-exporter\",\"labels\":{\"service\":\"checkout\"},\"tenant\":\"team-a\"}");
        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode body = TestApp.parse(response.body());
        assertThat(body.get("accepted").asInt()).isEqualTo(2);
        JsonNode rejected = body.get("rejected");
        assertThat(rejected).extracting(node -> node.get("index").asInt()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(rejected.get(0).get("error").asText()).contains("'resource' is required");
        assertThat(rejected.get(1).get("error").asText()).contains("kind:name");
        assertThat(rejected.get(2).get("error").asText()).contains("'value'").contains("number");
        assertThat(rejected.get(3).get("error").asText()).contains("ISO-8601");
        assertThat(rejected.get(4).get("error").asText()).contains("unknown field 'valeu'");
        assertThat(rejected.get(5).get("error").asText()).contains("in the future");
        assertThat(rejected.get(6).get("error").asText()).contains("label 'a'");
        assertThat(rejected.get(7).get("error").asText()).contains("'tenant'");
    }

    @Test
    void atomicBatchesAreAllOrNothingAndAllBadIs422() throws Exception {
        long before = accepted();
        HttpResponse<String> atomic = app.post("/api/v1/signals?atomic=true", "{\"signals\":["
                + TestApp.signal("service:a", "probe.success", 1) + ",{\"resource\":\"service:a\"}]}");
        assertThat(atomic.statusCode()).isEqualTo(422);
        assertThat(TestApp.parse(atomic.body()).get("accepted").asInt()).isZero();
        assertThat(accepted()).isEqualTo(before);

        HttpResponse<String> allBad = app.signals("{\"resource\":\"service:a\"}");
        assertThat(allBad.statusCode()).isEqualTo(422);
    }

    @Test
    void everyAcceptedSignalIsEvaluated() throws Exception {
        long before = evaluated(app);
        int sent = 0;
        for (int batch = 0; batch < 10; batch++) {
            List<String> signals = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                signals.add(TestApp.signal("host:h" + i, "cpu.utilization", 40 + i));
            }
            HttpResponse<String> response = app.signals(signals.toArray(String[]::new));
            if (response.statusCode() == 202) {
                sent += TestApp.parse(response.body()).get("accepted").asInt();
            } else {
                assertThat(response.statusCode()).isEqualTo(429);
                Thread.sleep(50);
                batch--;
            }
        }
        int expected = sent;
        await().atMost(Duration.ofSeconds(10)).until(() -> evaluated(app) - before == expected);
        assertThat(expected).isEqualTo(200);
    }

    @Test
    void theAdminPortExposesPrometheusMetricsAndTheIntakeHealthCheck() throws Exception {
        app.signals(TestApp.signal("service:a", "probe.success", 1), "{\"resource\":\"x\"}");
        String prometheus = app.get(app.admin("/prometheus")).body();
        assertThat(prometheus).containsPattern("(?m)^homeostat_signals_accepted_total [1-9]")
                .containsPattern("(?m)^homeostat_signals_rejected_total [1-9]")
                .contains("homeostat_engine_batch_count")
                .contains("homeostat_signals_evaluated_total");
        JsonNode intake = TestApp.parse(app.get(app.admin("/healthcheck")).body()).get("intake");
        assertThat(intake.get("healthy").asBoolean()).isTrue();
        assertThat(intake.get("capacity").asInt()).isEqualTo(30);
    }

    private static long accepted() throws Exception {
        return metric(app, "homeostat.signals.accepted");
    }

    private static long evaluated(TestApp target) throws Exception {
        return metric(target, "homeostat.signals.evaluated");
    }

    private static long metric(TestApp target, String meter) throws Exception {
        JsonNode metrics = TestApp.parse(target.get(target.admin("/metrics")).body());
        return metrics.get("meters").get(meter).get("count").asLong();
    }
}

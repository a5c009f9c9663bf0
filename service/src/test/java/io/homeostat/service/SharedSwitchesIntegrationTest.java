package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Maintenance switched on through one replica holds on the other: its engine, which hears a failing
 * service, does not act on it; once maintenance is switched off (again through the first replica) it
 * acts on the next failure. Without sharing, the other replica's engine restarts the service inside
 * the window.
 */
class SharedSwitchesIntegrationTest {
    @TempDir
    Path directory;

    private TestApp replica(TestDatabase database, String id, Path callLog) throws Exception {
        return TestApp.builder(directory.resolve(id), database).withFaultyPlugin()
                .rule("restart-test.drl", RestartIntegrationTest.RULES)
                .pluginSettings("faulty-test", Map.of("callLog", callLog.toString(), "slowMillis", 100))
                .policy("verification", Map.of("deadline", "10m"))
                .cluster("replicaId", id)
                .cluster("sweepEvery", "1s")
                .start();
    }

    private static int task(TestApp app, String query) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(app.admin("/tasks/maintenance?" + query)))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static String failing(String resource) {
        return "{\"resource\":\"" + resource + "\",\"metric\":\"test.storm\",\"value\":1,\"source\":\"test\"}";
    }

    @Test
    void maintenanceSwitchedOnThroughOneReplicaHoldsOnTheOther() throws Exception {
        Path callLog = Files.createDirectories(directory).resolve("calls.log");
        Files.writeString(callLog, "");
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.POSTGRES, directory);
             TestApp a = replica(database, "a", callLog);
             TestApp b = replica(database, "b", callLog)) {
            assertThat(task(a, "on=true&for=10m&by=ops&reason=planned+work")).isEqualTo(200);
            Thread.sleep(3_000); // b's next look at the store
            assertThat(b.signals(failing("service:s1")).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(b.getJson("/api/v1/issues?limit=10").get("total").asInt()).isEqualTo(1));
            Thread.sleep(4_000);
            assertThat(Files.readAllLines(callLog)).as("b's engine held off: maintenance set through a").isEmpty();

            assertThat(task(a, "on=false&by=ops&reason=done")).isEqualTo(200);
            Thread.sleep(3_000); // b's next look
            assertThat(b.signals(failing("service:s2")).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(Files.readAllLines(callLog)).as("maintenance ended through a: b acts again").hasSize(1));
        }
    }

    @Test
    void anAutonomyPinSetThroughOneReplicaHoldsOnTheOthersEngine() throws Exception {
        Path callLog = Files.createDirectories(directory).resolve("calls.log");
        Files.writeString(callLog, "");
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.POSTGRES, directory);
             TestApp a = replica(database, "a", callLog);
             TestApp b = replica(database, "b", callLog)) {
            // b's engine has not met the pair: it learns it, pinned, from the store.
            HttpResponse<String> pin = a.request(a.adminKey(), "PUT", "/api/v1/autonomy/test.storm/faulty.slow",
                    "{\"mode\":\"observe\",\"reason\":\"new action, watch it first\"}");
            assertThat(pin.statusCode()).as(pin.body()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(10)).until(() -> a.getJson("/api/v1/autonomy").toString().contains("\"pinned\":true"));
            Thread.sleep(3_000); // b's next look at the store
            assertThat(b.signals(failing("service:s1")).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(decisions(b, "service:s1")).contains("dry_run"));
            Thread.sleep(2_000);
            assertThat(Files.readAllLines(callLog)).as("b's engine observed only: the pair was pinned through a").isEmpty();

            HttpResponse<String> trust = a.request(a.adminKey(), "PUT", "/api/v1/autonomy/test.storm/faulty.slow",
                    "{\"mode\":\"auto\",\"reason\":\"it did well\"}");
            assertThat(trust.statusCode()).as(trust.body()).isEqualTo(202);
            Thread.sleep(4_000); // stored by a's engine, then b's next look
            assertThat(b.signals(failing("service:s2")).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(Files.readAllLines(callLog)).as("pinned to auto through a: b's engine acts").hasSize(1));
            assertThat(b.getJson("/api/v1/autonomy").toString()).as("b's engine wrote nothing over the pin").contains("\"pinned\":true")
                    .contains("\"mode\":\"auto\"");
        }
    }

    /** The outcomes of the decisions on a resource's issues. */
    private static String decisions(TestApp app, String resource) throws Exception {
        StringBuilder outcomes = new StringBuilder();
        for (com.fasterxml.jackson.databind.JsonNode issue : app.getJson("/api/v1/issues?resource=" + resource).get("items")) {
            app.getJson("/api/v1/issues/" + issue.get("id").asText()).get("decisions")
                    .forEach(decision -> outcomes.append(decision.get("outcome").asText()).append(' '));
        }
        return outcomes.toString();
    }
}

package io.homeostat.service;

import static io.homeostat.service.HealingLoopIntegrationTest.awaitHealthy;
import static io.homeostat.service.HealingLoopIntegrationTest.freePort;
import static io.homeostat.service.HealingLoopIntegrationTest.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.homeostat.service.testing.DemoService;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A restart that "succeeds" but does not help: a real child JVM is restarted by the process
 * plugin, yet its probes keep failing. Verification fails, the next strategy (http.call
 * replace-instance against a local platform API, reversible) runs and fails verification too, is
 * rolled back with its snapshot, and the issue is escalated through the notify plugin to a local
 * webhook, with the issue, its decisions and its attempts in the payload. On H2 and PostgreSQL.
 */
class VerificationFailureIntegrationTest {
    @TempDir
    Path directory;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aFixThatDoesNotHelpIsRolledBackOrFollowedByTheNextStrategyAndThenEscalated(TestDatabase.Kind kind) throws Exception {
        List<String> platform = new CopyOnWriteArrayList<>();
        List<String> escalations = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/instances", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            platform.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " " + body);
            byte[] answer = "instance-v1".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.createContext("/escalations", exchange -> {
            escalations.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();

        int port = freePort();
        Path pidFile = directory.resolve("demo.pid");
        List<String> command = DemoService.command(port);
        Process original = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Files.writeString(pidFile, Long.toString(original.pid()));
        long newPid = 0;
        try (TestDatabase database = TestDatabase.create(kind, directory);
             TestApp app = TestApp.builder(directory, database)
                     .pluginSettings("process", Map.of("resources", Map.of("service:demo", Map.of(
                             "command", command, "pidFile", pidFile.toString(), "logFile", directory.resolve("demo.log").toString(),
                             "healthUrl", "http://127.0.0.1:" + port + "/health", "stopTimeoutSeconds", 5, "startTimeoutSeconds", 30))))
                     .pluginSettings("http", Map.of("endpoints", Map.of("replace-instance", Map.of(
                             "url", base + "/instances/replace?service={{resource.name}}",
                             "snapshot", Map.of("method", "GET", "url", base + "/instances/current?service={{resource.name}}"),
                             "rollback", Map.of("url", base + "/instances/restore", "body", "{\"previous\":\"{{snapshot}}\"}")))))
                     .pluginSettings("notify", Map.of("url", base + "/escalations"))
                     .policy("verification", Map.of("deadline", "2s"))
                     .start()) {
            awaitHealthy("http://127.0.0.1:" + port + "/health", app);
            String failing = TestApp.signal("service:demo", "probe.success", 0);
            assertThat(app.signals(failing, failing, failing).statusCode()).isEqualTo(202);

            // The probes keep failing, whatever is done, until a human is told.
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                app.signals(failing);
                assertThat(escalations).hasSize(1);
            });

            JsonNode payload = TestApp.parse(escalations.get(0));
            String issueId = payload.get("issue").get("id").asText();
            assertThat(payload.get("escalation").get("reason").asText()).startsWith("every strategy was tried and the issue persists")
                    .contains("process.restart failed", "http.call failed");
            assertThat(payload.get("decisions").findValuesAsText("actionId")).containsExactly("process.restart", "http.call");
            assertThat(payload.get("attempts")).hasSize(2);

            // The restart really happened: a new live process, serving; it just did not fix the probe.
            newPid = Long.parseLong(Files.readString(pidFile).trim());
            assertThat(newPid).isNotEqualTo(original.pid());
            assertThat(ProcessHandle.of(newPid).map(ProcessHandle::isAlive)).contains(true);

            // The reversible strategy took a snapshot, acted, and was rolled back to the snapshot.
            assertThat(platform).containsExactly(
                    "GET /instances/current ",
                    "POST /instances/replace ",
                    "POST /instances/restore {\"previous\":\"instance-v1\"}");

            JsonNode detail = app.getJson("/api/v1/issues/" + issueId);
            assertThat(detail.get("issue").get("state").asText()).isEqualTo("escalated");
            assertThat(detail.get("strategies").findValuesAsText("state")).containsExactly("failed", "failed");
            assertThat(detail.get("escalation").get("state").asText()).isEqualTo("sent");
            try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
                assertThat(single(statement, "SELECT state || '/' || rollback_state FROM remediations WHERE issue_id = '" + issueId
                        + "' AND action_id = 'http.call'")).isEqualTo("succeeded/succeeded");
                assertThat(single(statement, "SELECT COUNT(*) FROM escalations WHERE issue_id = '" + issueId + "'")).isEqualTo("1");
                assertThat(single(statement, "SELECT attempts || '/' || successes FROM action_statistics "
                        + "WHERE action_id = 'process.restart'")).isEqualTo("1/0");
            }
            // Still failing later: deduplicated, no second escalation and no more attempts.
            app.signals(failing);
            Thread.sleep(1_000);
            assertThat(escalations).hasSize(1);
            assertThat(app.getJson("/api/v1/remediations?issueId=" + issueId).get("total").asInt()).isEqualTo(2);
        } finally {
            server.stop(0);
            original.destroyForcibly();
            if (newPid != 0) {
                ProcessHandle.of(newPid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}

package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.homeostat.service.testing.DemoService;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole healing loop on real parts: signals over HTTP, the shipped rules, the plugin jars the
 * build produced, a real child process or a real HTTP server, and a real database.
 */
class HealingLoopIntegrationTest {
    @TempDir
    Path directory;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aFailingServiceIsRestartedThroughTheProcessPlugin(TestDatabase.Kind kind) throws Exception {
        int port = freePort();
        Path pidFile = directory.resolve("demo.pid");
        List<String> command = DemoService.command(port);
        Process original = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Files.writeString(pidFile, Long.toString(original.pid()));
        long newPid = 0;
        try (TestDatabase database = TestDatabase.create(kind, directory);
             TestApp app = TestApp.builder(directory, database)
                     .pluginSettings("process", Map.of("resources", Map.of("service:demo", Map.of(
                             "command", command,
                             "pidFile", pidFile.toString(),
                             "logFile", directory.resolve("demo.log").toString(),
                             "healthUrl", "http://127.0.0.1:" + port + "/health",
                             "stopTimeoutSeconds", 5,
                             "startTimeoutSeconds", 30))))
                     .policy("resolveQuietPeriod", "1s")
                     .start()) {
            awaitHealthy("http://127.0.0.1:" + port + "/health", app);

            String failing = TestApp.signal("service:demo", "probe.success", 0);
            assertThat(app.signals(failing).statusCode()).isEqualTo(202);
            assertThat(app.signals(failing, failing).statusCode()).isEqualTo(202);

            JsonNode remediation = awaitRemediation(app, "succeeded");
            assertThat(remediation.get("actionId").asText()).isEqualTo("process.restart");
            assertThat(remediation.get("pluginId").asText()).isEqualTo("process");
            assertThat(remediation.get("details").get("oldPid").asText()).isEqualTo(Long.toString(original.pid()));
            assertThat(remediation.get("details").get("healthStatus").asText()).isEqualTo("200");

            // A new, live process replaced the old one, and it serves.
            newPid = Long.parseLong(Files.readString(pidFile).trim());
            assertThat(newPid).isNotEqualTo(original.pid());
            assertThat(original.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).as("old process ended").isTrue();
            assertThat(ProcessHandle.of(newPid).map(ProcessHandle::isAlive)).contains(true);
            assertThat(app.get("http://127.0.0.1:" + port + "/health").body()).isEqualTo("ok " + newPid);

            // Through the API: the issue with its decision and remediation, and the decision's explanation.
            String issueId = remediation.get("issueId").asText();
            JsonNode detail = app.getJson("/api/v1/issues/" + issueId);
            assertThat(detail.get("issue").get("type").asText()).isEqualTo("service_down");
            assertThat(detail.get("issue").get("severity").asText()).isEqualTo("high");
            assertThat(detail.get("decisions")).hasSize(1);
            assertThat(detail.get("remediations")).hasSize(1);
            String decisionId = detail.get("decisions").get(0).get("id").asText();
            JsonNode decision = app.getJson("/api/v1/decisions/" + decisionId);
            assertThat(decision.get("outcome").asText()).isEqualTo("run");
            assertThat(decision.get("explanation").findValuesAsText("gate"))
                    .contains("action-available", "concurrency.resource", "rate.resource");
            // The executor stores the attempt's success, then hands the outcome to the engine, which moves the issue on.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(app.getJson("/api/v1/issues?state=verifying&resource=service:demo").get("total").asInt()).isEqualTo(1));

            // In the database itself.
            try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
                assertThat(single(statement, "SELECT type || '/' || state FROM issues WHERE id = '" + issueId + "'"))
                        .isEqualTo("service_down/verifying");
                assertThat(single(statement, "SELECT outcome || '/' || action_id FROM decisions WHERE issue_id = '" + issueId + "'"))
                        .isEqualTo("run/process.restart");
                assertThat(single(statement, "SELECT state FROM remediations WHERE decision_id = '" + decisionId + "'"))
                        .isEqualTo("succeeded");
            }

            // Recovery on the wall clock: a healthy probe, then the quiet period, and the issue is resolved.
            assertThat(app.signals(TestApp.signal("service:demo", "probe.success", 1)).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(app.getJson("/api/v1/issues/" + issueId).get("issue").get("state").asText()).isEqualTo("resolved"));
            assertThat(app.getJson("/api/v1/issues/" + issueId).get("issue").get("resolvedAt").isNull()).isFalse();
        } finally {
            original.destroyForcibly();
            if (newPid != 0) {
                ProcessHandle.of(newPid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aFullDiskIsCleanedThroughTheHttpPlugin(TestDatabase.Kind kind) throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        HttpServer platform = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        platform.createContext("/cleanup", exchange -> {
            calls.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
                    + " key=" + exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            exchange.sendResponseHeaders(calls.size() == 1 ? 503 : 200, -1);
            exchange.close();
        });
        platform.start();
        try (TestDatabase database = TestDatabase.create(kind, directory);
             TestApp app = TestApp.builder(directory, database)
                     .pluginSettings("http", Map.of("endpoints", Map.of("disk-cleanup", Map.of(
                             "method", "POST",
                             "url", "http://127.0.0.1:" + platform.getAddress().getPort() + "/cleanup?disk={{resource.name}}",
                             "body", "{\"resource\":\"{{resource}}\"}",
                             "backoffSeconds", 0.05))))
                     .start()) {
            assertThat(app.signals(TestApp.signal("disk:web-1:/var", "disk.used_percent", 97.5)).statusCode()).isEqualTo(202);

            JsonNode remediation = awaitRemediation(app, "succeeded");
            assertThat(remediation.get("actionId").asText()).isEqualTo("http.call");
            assertThat(remediation.get("details").get("attempts").asText()).as("one 503, then 200").isEqualTo("2");
            assertThat(calls).hasSize(2);
            assertThat(calls.get(1)).isEqualTo("POST /cleanup?disk=web-1%3A%2Fvar {\"resource\":\"disk:web-1:/var\"} key="
                    + remediation.get("id").asText());
            JsonNode issue = app.getJson("/api/v1/issues/" + remediation.get("issueId").asText()).get("issue");
            assertThat(issue.get("type").asText()).isEqualTo("disk_full");
        } finally {
            platform.stop(0);
        }
    }

    @Test
    void aFullDiskHasItsLogsRotatedThroughTheDiskPlugin() throws Exception {
        Path logs = Files.createDirectories(directory.resolve("var-log-app"));
        String content = "GET /index.html 200\n".repeat(20_000);
        Files.writeString(logs.resolve("access.log"), content);
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory);
             TestApp app = TestApp.builder(directory, database)
                     .pluginSettings("disk", Map.of(
                             "directories", Map.of("app-logs", Map.of("path", logs.toString(), "rotateMinKib", 64)),
                             "resources", Map.of("disk:web-1:/var", List.of("app-logs"))))
                     .start()) {
            assertThat(app.signals(TestApp.signal("disk:web-1:/var", "disk.used_percent", 97.5)).statusCode()).isEqualTo(202);

            JsonNode remediation = awaitRemediation(app, "succeeded");
            assertThat(remediation.get("actionId").asText()).isEqualTo("disk.rotate");
            assertThat(remediation.get("details").get("rotated").asText()).isEqualTo("1");
            // The real effect: the log is empty, its content is in a gzip beside it named after the remediation.
            assertThat(logs.resolve("access.log")).isEmptyFile();
            String tag = remediation.get("id").asText().replaceAll("[^A-Za-z0-9]", "").substring(0, 12);
            try (java.io.InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(logs.resolve("access.log." + tag + ".gz")))) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(content);
            }
            JsonNode issue = app.getJson("/api/v1/issues/" + remediation.get("issueId").asText()).get("issue");
            assertThat(issue.get("type").asText()).isEqualTo("disk_full");
        }
    }

    @Test
    void aSlowQueryTheCollectorSeesIsCancelledThroughThePostgresPlugin() throws Exception {
        String url = System.getProperty("homeostat.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
        String admin = System.getProperty("homeostat.test.postgres.user", "postgres");
        String victim = "homeostat_test_victim";
        try (Connection connection = java.sql.DriverManager.getConnection(url, admin, ""); Statement statement = connection.createStatement()) {
            statement.execute("DO $$ BEGIN CREATE ROLE " + victim + " LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        }
        try (Connection slow = java.sql.DriverManager.getConnection(url, victim, "")) {
            // Started before the service, so that it is past the rule's 5 s when slow_query first opens.
            java.util.concurrent.CompletableFuture<String> sleeping = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try (Statement statement = slow.createStatement()) {
                    statement.execute("SELECT pg_sleep(120)");
                    return "finished";
                } catch (java.sql.SQLException e) {
                    return e.getSQLState();
                }
            });
            Thread.sleep(5_500);
            try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory);
                 TestApp app = TestApp.builder(directory, database)
                         .collector(Map.of("collector", "postgres.stats", "resource", "db:test", "interval", "1s", "timeout", "900ms",
                                 "settings", Map.of("url", url, "user", admin)))
                         // Only the test's own role: other tests' sessions on the same server are never touched.
                         .pluginSettings("postgres", Map.of("resources", Map.of("db:test", Map.of(
                                 "url", url, "user", admin, "onlyUsers", List.of(victim), "graceSeconds", 3))))
                         .start()) {
                // The collector reports pg.query.longest_seconds > 5, slow_query opens, the gates pass postgres.cancel-query.
                JsonNode remediation = awaitRemediation(app, "succeeded");
                assertThat(remediation.get("actionId").asText()).isEqualTo("postgres.cancel-query");
                assertThat(sleeping.get(10, java.util.concurrent.TimeUnit.SECONDS)).as("57014: canceled on user request").isEqualTo("57014");
                assertThat(remediation.get("details").get("cancelled").asText()).isNotEmpty();
                JsonNode issue = app.getJson("/api/v1/issues/" + remediation.get("issueId").asText()).get("issue");
                assertThat(issue.get("type").asText()).isEqualTo("slow_query");
            }
        }
    }

    static JsonNode awaitRemediation(TestApp app, String state) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            JsonNode page = app.getJson("/api/v1/remediations?state=" + state);
            assertThat(page.get("total").asInt()).isGreaterThanOrEqualTo(1);
            found[0] = page.get("items").get(0);
        });
        return found[0];
    }

    static void awaitHealthy(String url, TestApp app) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> app.get(url).statusCode() == 200);
    }

    static String single(Statement statement, String sql) throws Exception {
        try (ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as(sql).isTrue();
            String value = rows.getString(1);
            assertThat(rows.next()).as("one row for " + sql).isFalse();
            return value;
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

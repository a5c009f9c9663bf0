package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * A secret in the service's environment (HOMEOSTAT_TEST_SECRET, set by the build) used as it is
 * meant to be — a header of an http.call endpoint and of the escalation webhook — reaches the
 * servers it is meant for and nothing else: not the log, not any API answer, not the database, not
 * the environment of a process the service restarts. On H2 and PostgreSQL.
 */
class SecretsIntegrationTest {
    @TempDir
    Path directory;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aSecretGoesWhereItIsSentAndNowhereElse(TestDatabase.Kind kind) throws Exception {
        String secret = System.getenv("HOMEOSTAT_TEST_SECRET");
        assertThat(secret).as("precondition: the build puts a secret in the environment").isNotBlank();
        List<String> authorizations = new CopyOnWriteArrayList<>();
        HttpServer platform = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        platform.createContext("/", exchange -> {
            authorizations.add(exchange.getRequestURI().getPath() + " " + exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.getRequestBody().readAllBytes();
            // The platform fails the call: the issue goes on to escalation, through the webhook.
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().startsWith("/escalations") ? 204 : 400, -1);
            exchange.close();
        });
        platform.start();
        // Attached once the service has configured logging (Dropwizard resets it at start-up).
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        String base = "http://127.0.0.1:" + platform.getAddress().getPort();
        Path environmentDump = directory.resolve("restarted-environment.txt");
        try (TestDatabase database = TestDatabase.create(kind, directory);
             TestApp app = TestApp.builder(directory, database)
                     .pluginSettings("process", Map.of("resources", Map.of("service:vault", Map.of(
                             "command", List.of("sh", "-c", "env > '" + environmentDump + "'; exec sleep 300"),
                             "pidFile", directory.resolve("vault.pid").toString(), "settleSeconds", "0.2"))))
                     .pluginSettings("http", Map.of("endpoints", Map.of("replace-instance", Map.of(
                             "url", base + "/replace", "headers", Map.of("Authorization", "Bearer ${env:HOMEOSTAT_TEST_SECRET}"),
                             "maxAttempts", 1))))
                     .pluginSettings("notify", Map.of("url", base + "/escalations",
                             "headers", Map.of("Authorization", "Bearer ${env:HOMEOSTAT_TEST_SECRET}")))
                     .policy("verification", Map.of("deadline", "2s"))
                     .execution("retryBackoff", "10ms")
                     .start()) {
            root.addAppender(log);
            String failing = TestApp.signal("service:vault", "probe.success", 0);
            assertThat(app.signals(failing, failing, failing).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(authorizations)
                    .contains("/replace Bearer " + secret, "/escalations Bearer " + secret));
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(environmentDump));

            // Not in a restarted process's environment.
            assertThat(Files.readString(environmentDump)).doesNotContain(secret).doesNotContain("HOMEOSTAT_TEST_SECRET");

            // Not in any answer of the API.
            String issueId = app.getJson("/api/v1/issues?resource=service:vault").get("items").get(0).get("id").asText();
            StringBuilder answers = new StringBuilder();
            for (String path : List.of("/api/v1/issues", "/api/v1/issues/" + issueId, "/api/v1/remediations", "/api/v1/audit?limit=500",
                    "/api/v1/plugins", "/api/v1/rules", "/api/v1/rules/versions", "/api/v1/statistics", "/api/v1/keys",
                    "/api/v1/approvals?state=expired", "/api/v1/auto-remediation", "/api/v1/openapi.json")) {
                answers.append(app.getJson(path)).append('\n');
            }
            for (var decision : app.getJson("/api/v1/issues/" + issueId).get("decisions")) {
                answers.append(app.getJson("/api/v1/decisions/" + decision.get("id").asText()));
            }
            assertThat(answers).contains("service:vault").doesNotContain(secret);

            // Not in the database.
            StringBuilder stored = new StringBuilder();
            try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
                for (String table : List.of("issues", "decisions", "remediations", "proposals", "escalations", "audit", "approvals",
                        "api_keys", "rule_versions", "breakers", "action_statistics", "auto_remediation", "plugin_switches")) {
                    try (ResultSet rows = statement.executeQuery("SELECT * FROM " + table)) {
                        while (rows.next()) {
                            for (int column = 1; column <= rows.getMetaData().getColumnCount(); column++) {
                                stored.append(rows.getString(column)).append('\t');
                            }
                        }
                    }
                }
            }
            assertThat(stored).contains("service:vault").doesNotContain(secret);
        } finally {
            root.detachAppender(log);
            platform.stop(0);
            Path pid = directory.resolve("vault.pid");
            if (Files.exists(pid)) {
                ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        // Not in the log.
        StringBuilder logged = new StringBuilder();
        for (ILoggingEvent event : log.list) {
            logged.append(event.getFormattedMessage()).append('\n');
            if (event.getThrowableProxy() != null) {
                logged.append(ThrowableProxyUtil.asString(event.getThrowableProxy())).append('\n');
            }
        }
        assertThat(logged).contains("service:vault").doesNotContain(secret);
    }
}

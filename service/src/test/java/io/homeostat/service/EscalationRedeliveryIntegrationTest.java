package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
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
 * An escalation is a page: one the service could not deliver (the notify endpoint was down, or the
 * service stopped before its sender ran) is delivered after the next start, or while the service
 * runs once the endpoint is back, once, and never again after that. On H2 and PostgreSQL.
 */
class EscalationRedeliveryIntegrationTest {
    /** A critical issue whose only strategy no plugin provides: blocked, and so escalated at once. */
    static final String RULES = """
            package homeostat.rules;
            import io.homeostat.service.engine.facts.*;

            rule "test: a critical issue per test.critical signal"
            when
                $s : Signal( metric == "test.critical", $t : tenant, $r : resource )
                not Issue( tenant == $t, resource == $r, type == "test.critical" )
            then
                insert( new Issue( $t, $r, "test.critical", Severity.CRITICAL, "test", $s.getTime(), drools.getRule().getName(), "critical" ) );
            end

            rule "test: its strategy is an action nobody provides"
            when
                $i : Issue( type == "test.critical", active )
                not Proposal( issueId == $i.id )
            then
                insert( Proposal.strategy( $i, 1, "missing.action", drools.getRule().getName() ) );
            end
            """;

    @TempDir
    Path directory;

    private TestApp.Builder app(TestDatabase database, String notifyUrl) {
        return TestApp.builder(directory, database).rule("escalation-test.drl", RULES)
                .pluginSettings("notify", Map.of("url", notifyUrl, "timeoutSeconds", 2))
                .execution("retryBackoff", "10ms");
    }

    /** A notify endpoint on {@code port} (0: any) that keeps every body it receives and answers {@code status}. */
    private static HttpServer webhook(List<String> received, int port, int status) throws java.io.IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/escalations", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static String signal(String resource) {
        return "{\"resource\":\"" + resource + "\",\"metric\":\"test.critical\",\"value\":1,\"source\":\"test\"}";
    }

    private static String escalationState(TestApp app, String resource) throws Exception {
        JsonNode issues = app.getJson("/api/v1/issues?resource=" + resource).get("items");
        if (issues.isEmpty()) {
            return "no issue";
        }
        JsonNode escalation = app.getJson("/api/v1/issues/" + issues.get(0).get("id").asText()).get("escalation");
        return escalation == null || escalation.isNull() ? "none" : escalation.get("state").asText();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void undeliveredEscalationsAreDeliveredAfterTheNextStartOnce(TestDatabase.Kind kind) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer server = webhook(received, 0, 204);
        String working = "http://127.0.0.1:" + server.getAddress().getPort() + "/escalations";
        try (TestDatabase database = TestDatabase.create(kind, directory)) {
            try (TestApp first = app(database, "http://127.0.0.1:" + closedPort + "/escalations").start()) {
                first.signals(signal("service:a"), signal("service:b"));
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    assertThat(escalationState(first, "service:a")).isEqualTo("failed");
                    assertThat(escalationState(first, "service:b")).isEqualTo("failed");
                });
            }
            // As a crash between the commit and the sender would leave it: committed, never attempted.
            try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("UPDATE escalations SET state = 'pending', message = 'waiting for the notifier', sent_at = NULL "
                        + "WHERE resource = 'service:b'")).isEqualTo(1);
            }
            assertThat(received).isEmpty();

            try (TestApp second = app(database, working).start()) {
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    assertThat(escalationState(second, "service:a")).isEqualTo("sent");
                    assertThat(escalationState(second, "service:b")).isEqualTo("sent");
                });
                assertThat(received).hasSize(2);
                List<String> resources = new java.util.ArrayList<>();
                for (String body : received) {
                    resources.add(TestApp.parse(body).get("escalation").get("resource").asText());
                }
                assertThat(resources).containsExactlyInAnyOrder("service:a", "service:b");
                assertThat(TestApp.parse(received.get(0)).get("escalation").get("reason").asText()).isNotBlank();
            }
            try (TestApp third = app(database, working).start()) {
                Thread.sleep(1_000);
                assertThat(escalationState(third, "service:a")).isEqualTo("sent");
            }
            assertThat(received).as("delivered once, not again at the next start").hasSize(2);
        } finally {
            server.stop(0);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aFailedDeliveryIsTriedAgainWhileTheServiceRunsOnceTheEndpointIsBack(TestDatabase.Kind kind) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        List<String> received = new CopyOnWriteArrayList<>();
        try (TestDatabase database = TestDatabase.create(kind, directory);
             TestApp app = app(database, "http://127.0.0.1:" + port + "/escalations").execution("escalationRedelivery", "1s").start()) {
            app.signals(signal("service:c"));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(escalationState(app, "service:c")).isEqualTo("failed"));

            HttpServer server = webhook(received, port, 204);
            try {
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(escalationState(app, "service:c")).isEqualTo("sent"));
                Thread.sleep(2_500); // two more redelivery rounds: a sent escalation is not sent again
                assertThat(received).hasSize(1);
                assertThat(TestApp.parse(received.get(0)).get("escalation").get("resource").asText()).isEqualTo("service:c");
            } finally {
                server.stop(0);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aPendingEscalationAnotherReplicaLeftIsSentByTheLeaderWhileItRuns(TestDatabase.Kind kind) throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer server = webhook(received, 0, 204);
        try (TestDatabase database = TestDatabase.create(kind, directory);
             TestApp app = app(database, "http://127.0.0.1:" + server.getAddress().getPort() + "/escalations")
                     .execution("escalationRedelivery", "1s").start()) {
            app.signals(signal("service:e"));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(escalationState(app, "service:e")).isEqualTo("sent"));
            // As a replica that died between its commit and its sender leaves it: pending for a while, never attempted.
            try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("DELETE FROM escalation_deliveries");
                assertThat(statement.executeUpdate("UPDATE escalations SET state = 'pending', message = 'waiting for the notifier', "
                        + "sent_at = NULL, created_at = created_at - INTERVAL '10' MINUTE WHERE resource = 'service:e'")).isEqualTo(1);
            }
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(escalationState(app, "service:e")).isEqualTo("sent"));
            Thread.sleep(2_500); // more redelivery rounds: sent once more, not again
            assertThat(received).hasSize(2);
        } finally {
            server.stop(0);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void theEscalationActionIsRetriedAsConfiguredNotAFixedNumberOfTimes(TestDatabase.Kind kind) throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer server = webhook(received, 0, 503);
        try (TestDatabase database = TestDatabase.create(kind, directory);
             TestApp app = app(database, "http://127.0.0.1:" + server.getAddress().getPort() + "/escalations")
                     .execution("actionRetries", Map.of("notify.webhook", 1)).start()) {
            app.signals(signal("service:d"));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(escalationState(app, "service:d")).isEqualTo("failed"));
            // One call and the one configured retry of a transient (503) failure: it was always four.
            assertThat(received).hasSize(2);
        } finally {
            server.stop(0);
        }
    }
}

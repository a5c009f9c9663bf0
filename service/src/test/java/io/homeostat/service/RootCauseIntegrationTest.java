package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Dependencies declared in config.yml ({@code resources:}): a database and two services on it fail
 * together; the services' issues point to the database's (the API shows the root cause and the
 * chain), their decisions say why they wait, and they are neither remediated nor escalated, even
 * when the database's own issue escalates. H2 and PostgreSQL, through the running service.
 */
class RootCauseIntegrationTest {
    @TempDir
    Path directory;

    private static JsonNode issue(TestApp app, String resource) throws Exception {
        JsonNode items = app.getJson("/api/v1/issues?resource=" + resource).get("items");
        return items.isEmpty() ? null : items.get(0);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void servicesOnAFailedDatabaseWaitForItsIssueAndSaySo(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, directory);
             TestApp app = TestApp.builder(directory, database)
                     .resource("service:cart", List.of("db:orders"))
                     .resource("service:shop", List.of("db:orders"))
                     .start()) {
            for (int i = 0; i < 3; i++) {
                assertThat(app.signals(TestApp.signal("service:cart", "probe.success", 0), TestApp.signal("service:shop", "probe.success", 0),
                        TestApp.signal("db:orders", "probe.success", 0)).statusCode()).isEqualTo(202);
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode db = issue(app, "db:orders");
                assertThat(db).isNotNull();
                // Nothing in this test's config tells the plugins how to restart or replace it: it escalates.
                assertThat(db.get("state").asText()).isEqualTo("escalated");
                for (String service : List.of("service:cart", "service:shop")) {
                    JsonNode waiting = issue(app, service);
                    assertThat(waiting.get("rootCause").asText()).isEqualTo(db.get("id").asText());
                    assertThat(waiting.get("rootCauseChain").asText()).isEqualTo(service + " → db:orders");
                    assertThat(waiting.get("state").asText()).as("waits, not escalated").isEqualTo("open");
                }
            });
            JsonNode decisions = app.getJson("/api/v1/issues/" + issue(app, "service:cart").get("id").asText()).get("decisions");
            assertThat(decisions).isNotEmpty().allSatisfy(decision -> assertThat(decision.get("outcome").asText()).isEqualTo("deferred"));
            assertThat(decisions.toString()).contains("service:cart → db:orders");
            assertThat(app.getJson("/api/v1/remediations?resource=service:cart").get("total").asInt()).isZero();
        }
    }
}

package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The audit chain on H2 and PostgreSQL: who did what, when and why, for decisions, attempts,
 * escalations and API calls; scoped by tenant; no secret in it; and a row altered or removed in
 * the database is named by the verification.
 */
class AuditIntegrationTest {
    @TempDir
    Path directory;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void everyDecisionAttemptAndCallIsChainedAndTamperingIsNamed(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, directory);
             TestApp app = TestApp.builder(directory, database).start()) {
            String operator = app.createKey("olga", "operator", "shop");
            String ingest = app.createKey("shop-relay", "ingest", "shop");
            String otherViewer = app.createKey("bank-viewer", "viewer", "bank");

            assertThat(app.postAs(operator, "/api/v1/auto-remediation", "{\"enabled\":false,\"reason\":\"maintenance 7\"}").statusCode())
                    .isEqualTo(200);
            String failing = TestApp.signal("service:cart", "probe.success", 0);
            assertThat(app.postAs(ingest, "/api/v1/signals", "{\"signals\":[" + failing + "," + failing + "," + failing + "]}")
                    .statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(15)).until(() -> app.getJson("/api/v1/issues?tenant=shop").get("total").asInt() == 1);
            String issueId = app.getJson("/api/v1/issues?tenant=shop").get("items").get(0).get("id").asText();
            HttpResponse<String> manual = app.postAs(operator, "/api/v1/issues/" + issueId + "/remediations",
                    "{\"actionId\":\"http.call\",\"parameters\":{\"endpoint\":\"replace-instance\"},\"reason\":\"runbook step 2\"}");
            assertThat(manual.statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(
                    app.getJson("/api/v1/audit?kind=remediation.not_applicable").get("total").asInt()).isPositive());
            assertThat(app.post("/api/v1/rules/reload", "{\"reason\":\"audit test\"}").statusCode()).isEqualTo(200);

            JsonNode rows = app.getJson("/api/v1/audit?limit=500").get("items");
            assertThat(rows.findValuesAsText("kind")).contains("apikey.created", "auto-remediation.switched", "decision",
                    "manual-run.requested", "remediation.pending", "remediation.running", "remediation.not_applicable", "rules.reload");
            JsonNode switched = first(rows, "auto-remediation.switched");
            assertThat(switched.get("actor").asText()).isEqualTo("olga");
            assertThat(switched.get("role").asText()).isEqualTo("operator");
            assertThat(switched.get("tenant").asText()).isEqualTo("shop");
            assertThat(switched.get("endpoint").asText()).isEqualTo("POST /api/v1/auto-remediation");
            assertThat(switched.get("reason").asText()).isEqualTo("maintenance 7");
            assertThat(switched.get("detail").asText()).contains("\"before\":\"on (never switched)\"").contains("\"after\":\"off\"");
            JsonNode asked = first(rows, "manual-run.requested");
            assertThat(asked.get("actor").asText()).isEqualTo("olga");
            assertThat(asked.get("reason").asText()).isEqualTo("runbook step 2");
            assertThat(first(rows, "decision").get("actor").asText()).isEqualTo("engine");

            // Tenants: bank's viewer sees none of shop's rows, only global ones; shop's key sees its own.
            JsonNode bank = app.getJsonAs(otherViewer, "/api/v1/audit?limit=500").get("items");
            assertThat(bank.findValuesAsText("tenant")).doesNotContain("shop");
            assertThat(app.getJsonAs(operator, "/api/v1/audit?limit=500").get("items").findValuesAsText("kind")).contains("decision");
            assertThat(app.getAs(operator, app.api("/api/v1/audit/verify")).statusCode()).isEqualTo(403);

            // No secret of any kind in the chain: not the keys, not the environment's.
            try (Connection connection = database.connect(); Statement statement = connection.createStatement();
                 ResultSet all = statement.executeQuery("SELECT * FROM audit")) {
                StringBuilder text = new StringBuilder();
                while (all.next()) {
                    for (int column = 1; column <= all.getMetaData().getColumnCount(); column++) {
                        text.append(all.getString(column)).append('\n');
                    }
                }
                assertThat(text).doesNotContain(operator).doesNotContain(ingest).doesNotContain(app.adminKey())
                        .doesNotContain(System.getenv("HOMEOSTAT_TEST_SECRET"));
            }

            JsonNode valid = app.getJson("/api/v1/audit/verify");
            assertThat(valid.get("valid").asBoolean()).as(valid.toString()).isTrue();
            long total = valid.get("rows").asLong();
            assertThat(total).isGreaterThan(8);

            // Alter one row: verification names it.
            long altered = total / 2;
            try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("UPDATE audit SET reason = 'nothing happened' WHERE seq = " + altered)).isEqualTo(1);
            }
            JsonNode broken = app.getJson("/api/v1/audit/verify");
            assertThat(broken.get("valid").asBoolean()).isFalse();
            assertThat(broken.get("firstBadSeq").asLong()).isEqualTo(altered);
            assertThat(broken.get("problem").asText()).isEqualTo("row " + altered + " was changed: its content does not match its hash");

            // Remove a row instead (after putting the first one back as it was is impossible: it stays broken).
            try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("DELETE FROM audit WHERE seq = 2");
            }
            JsonNode missing = app.getJson("/api/v1/audit/verify");
            assertThat(missing.get("firstBadSeq").asLong()).isEqualTo(2);
            assertThat(missing.get("problem").asText()).startsWith("row 2 is missing");
        }
    }

    private static JsonNode first(JsonNode rows, String kind) {
        for (JsonNode row : rows) {
            if (row.get("kind").asText().equals(kind)) {
                return row;
            }
        }
        throw new AssertionError("no audit row of kind " + kind + " in " + List.of(rows.findValuesAsText("kind")));
    }
}

package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The operator's endpoints: the auto-remediation switch, manual runs with and without override,
 * approvals and statistics, each with its clear 4xx answers for bad input. On H2 and PostgreSQL.
 */
class OperatorApiIntegrationTest {
    @TempDir
    Path directory;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void switchesManualRunsApprovalsAndStatistics(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, directory);
             TestApp app = TestApp.builder(directory, database).start()) {
            // Switch automation off globally: a failing service is detected but not acted on.
            HttpResponse<String> off = app.post("/api/v1/auto-remediation", "{\"enabled\":false,\"reason\":\"incident 42\"}");
            assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
            JsonNode switches = app.getJson("/api/v1/auto-remediation").get("items");
            assertThat(switches.get(0).get("scope").asText()).isEqualTo("*");
            assertThat(switches.get(0).get("effective").asBoolean()).isFalse();
            assertThat(switches.get(0).get("changedBy").asText()).isEqualTo("admin");
            String failing = TestApp.signal("service:web", "probe.success", 0);
            app.signals(failing, failing, failing);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(app.getJson("/api/v1/issues?resource=service:web").get("total").asInt()).isEqualTo(1));
            String issueId = app.getJson("/api/v1/issues?resource=service:web").get("items").get(0).get("id").asText();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    app.getJson("/api/v1/issues/" + issueId).get("decisions").findValuesAsText("reason"))
                    .contains("auto-remediation: auto-remediation is switched off for [*]"));

            // An operator asks by hand: the same gates, and the auto-remediation switch does not stop a human.
            // Who acted is the key's name, never a claim in the body.
            String alice = app.createKey("alice", "operator", "default");
            HttpResponse<String> claimed = app.postAs(alice, "/api/v1/issues/" + issueId + "/remediations",
                    "{\"actionId\":\"http.call\",\"by\":\"bob\"}");
            assertThat(claimed.statusCode()).isEqualTo(422);
            assertThat(claimed.body()).contains("'by' is not accepted");
            HttpResponse<String> manual = app.postAs(alice, "/api/v1/issues/" + issueId + "/remediations",
                    "{\"actionId\":\"http.call\",\"parameters\":{\"endpoint\":\"replace-instance\"}}");
            assertThat(manual.statusCode()).as(manual.body()).isEqualTo(202);
            String proposalId = TestApp.parse(manual.body()).get("proposalId").asText();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode decisions = app.getJson("/api/v1/issues/" + issueId).get("decisions");
                assertThat(decisions.findValuesAsText("proposalId")).contains(proposalId);
            });
            JsonNode detail = app.getJson("/api/v1/issues/" + issueId);
            assertThat(detail.get("strategies").findValuesAsText("manualBy")).contains("alice");

            // Bad input: what is wrong and where.
            assertThat(app.post("/api/v1/auto-remediation", "{\"reason\":\"x\"}").body()).contains("'enabled'");
            assertThat(app.post("/api/v1/auto-remediation", "{\"enabled\":true}").statusCode()).isEqualTo(422);
            assertThat(app.post("/api/v1/issues/nope/remediations", "{\"actionId\":\"x\"}").statusCode()).isEqualTo(404);
            HttpResponse<String> noReason = app.post("/api/v1/issues/" + issueId + "/remediations",
                    "{\"actionId\":\"process.restart\",\"override\":true}");
            assertThat(noReason.statusCode()).isEqualTo(422);
            assertThat(noReason.body()).contains("'reason'");
            assertThat(app.post("/api/v1/issues/" + issueId + "/remediations", "{}").body()).contains("'actionId'");
            assertThat(app.post("/api/v1/approvals/nope/approve", "{\"reason\":\"b\"}").statusCode()).isEqualTo(404);
            assertThat(app.post("/api/v1/approvals/nope/approve", "{}").statusCode()).isEqualTo(422);
            assertThat(app.get(app.api("/api/v1/approvals?state=maybe")).statusCode()).isEqualTo(400);
            assertThat(app.post("/api/v1/auto-remediation", "{not json").statusCode()).isEqualTo(400);

            // Statistics: totals and the learned table (empty of attempts here, but well-formed).
            JsonNode statistics = app.getJson("/api/v1/statistics");
            assertThat(statistics.get("totals").get("issuesDetected").asLong()).isEqualTo(1);
            assertThat(statistics.get("totals").get("decisionsByOutcome").get("blocked").asLong()).isGreaterThanOrEqualTo(1);
            assertThat(statistics.get("actions").isArray()).isTrue();

            HttpResponse<String> on = app.post("/api/v1/auto-remediation",
                    "{\"enabled\":true,\"tenant\":\"default\",\"reason\":\"tenant back\"}");
            assertThat(on.statusCode()).isEqualTo(200);
            assertThat(app.getJson("/api/v1/auto-remediation").get("items")).hasSize(2);
            // A tenant's operator cannot touch the global switch, nor see another tenant's.
            assertThat(app.postAs(alice, "/api/v1/auto-remediation", "{\"enabled\":false,\"tenant\":\"*\",\"reason\":\"x\"}")
                    .statusCode()).isEqualTo(403);
            assertThat(app.postAs(alice, "/api/v1/auto-remediation", "{\"enabled\":false,\"tenant\":\"other\",\"reason\":\"x\"}")
                    .statusCode()).isEqualTo(404);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void tenantsShowThePolicyInEffectForEach(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, directory);
             TestApp app = TestApp.builder(directory, database)
                     .tenant("shop", java.util.Map.of("perTenantPerMinute", 2, "approvalMinRisk", "medium", "dryRun", true,
                             "actions", java.util.List.of("http.call")))
                     .start()) {
            String bankAdmin = app.createKey("bank-admin", "admin", "bank");
            JsonNode tenants = app.getJson("/api/v1/tenants").get("items");
            assertThat(tenants.findValuesAsText("tenant")).containsExactly("bank", "default", "shop");
            JsonNode shop = tenants.get(2);
            assertThat(shop.get("configured").asBoolean()).isTrue();
            assertThat(shop.get("perTenantPerMinute").asInt()).isEqualTo(2);
            assertThat(shop.get("approvalMinRisk").asText()).isEqualTo("medium");
            assertThat(shop.get("dryRun").asBoolean()).isTrue();
            assertThat(shop.get("actions").get(0).asText()).isEqualTo("http.call");
            JsonNode other = tenants.get(1);
            assertThat(other.get("configured").asBoolean()).isFalse();
            assertThat(other.get("perTenantPerMinute").asInt()).isEqualTo(10);
            assertThat(other.get("actions").isNull()).isTrue();
            // A tenant's admin sees its own tenant only.
            assertThat(app.getJsonAs(bankAdmin, "/api/v1/tenants").get("items").findValuesAsText("tenant")).containsExactly("bank");
        }
    }
}

package io.homeostat.service;

import static io.homeostat.service.HealingLoopIntegrationTest.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Stop the service mid-storm and start it again on the same database: rate limits still count
 * what ran before, an open breaker is still open, a pending approval is still pending (and can be
 * approved), the attempts the stop interrupted are reconciled (verified, then escalated when they
 * did not help) and no attempt ever runs twice. On H2 and PostgreSQL.
 */
class RestartIntegrationTest {
    static final String RULES = """
            package homeostat.rules;
            import io.homeostat.service.engine.facts.*;

            rule "test: an issue per test metric"
            when
                $s : Signal( metric matches "test\\\\.(storm|flaky|risky)", $t : tenant, $r : resource, $m : metric )
                not Issue( tenant == $t, resource == $r, type == $m )
            then
                insert( new Issue( $t, $r, $m, Severity.HIGH, "test", $s.getTime(), drools.getRule().getName(), $m )
                        .reportedBy( java.util.List.of( $s.getReporter() ) ) );
            end

            rule "test: one strategy per test issue"
            when
                $i : Issue( type matches "test\\\\..*", active )
                not Proposal( issueId == $i.id, manual == false )
            then
                String action = $i.getType().equals( "test.storm" ) ? "faulty.slow"
                        : $i.getType().equals( "test.flaky" ) ? "faulty.throw" : "faulty.risky";
                insert( Proposal.strategy( $i, 1, action, drools.getRule().getName() ) );
            end
            """;

    @TempDir
    Path directory;

    private TestApp.Builder app(TestDatabase database, Path callLog) {
        return TestApp.builder(directory, database).withFaultyPlugin()
                .rule("restart-test.drl", RULES)
                .pluginSettings("faulty-test", Map.of("callLog", callLog.toString(), "slowMillis", 30_000))
                .policy("rateLimits", Map.of("perTenantPerMinute", 3))
                .policy("breaker", Map.of("failures", 2, "cooldown", "300s"))
                .policy("verification", Map.of("deadline", "2s"))
                .policy("deferral", Map.of("retry", "3s"))
                .execution("shutdownGrace", "1s");
    }

    private static String signal(String tenant, String resource, String metric) {
        return "{\"tenant\":\"" + tenant + "\",\"resource\":\"" + resource + "\",\"metric\":\"" + metric
                + "\",\"value\":1,\"source\":\"test\"}";
    }

    private static int count(TestApp app, String query) throws Exception {
        return app.getJson("/api/v1/remediations?" + query).get("total").asInt();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void limitsBreakersApprovalsAndInterruptedAttemptsSurviveARestart(TestDatabase.Kind kind) throws Exception {
        Path callLog = directory.resolve("calls.log");
        Files.writeString(callLog, "");
        String approvalId;
        String flakyIssue;
        try (TestDatabase database = TestDatabase.create(kind, directory)) {
            try (TestApp first = app(database, callLog).start()) {
                first.signals(signal("ops", "service:risky", "test.risky"));
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                        assertThat(first.getJson("/api/v1/approvals").get("items")).hasSize(1));
                approvalId = first.getJson("/api/v1/approvals").get("items").get(0).get("id").asText();

                first.signals(signal("ops", "service:flaky", "test.flaky"));
                await().atMost(Duration.ofSeconds(20)).until(() -> count(first, "state=failed") == 1);
                flakyIssue = first.getJson("/api/v1/remediations?state=failed").get("items").get(0).get("issueId").asText();
                HttpResponse<String> manual = first.post("/api/v1/issues/" + flakyIssue + "/remediations",
                        "{\"actionId\":\"faulty.throw\"}");
                assertThat(manual.statusCode()).as(manual.body()).isEqualTo(202);
                await().atMost(Duration.ofSeconds(20)).until(() -> count(first, "state=failed") == 2);

                String[] storm = new String[6];
                for (int i = 0; i < storm.length; i++) {
                    storm[i] = signal("storm", "service:s" + i, "test.storm");
                }
                first.signals(storm);
                await().atMost(Duration.ofSeconds(20)).until(() -> count(first, "state=running&tenant=storm") == 3);
                Thread.sleep(500);
                assertThat(count(first, "tenant=storm")).as("3 a minute in the tenant").isEqualTo(3);
                // What the limit holds back, for the operator (the dashboard's "held back"): all tenants, and one.
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                        first.getJson("/api/v1/deferred").get("items").findValuesAsText("gate")).containsExactly("rate.tenant", "rate.tenant", "rate.tenant"));
                assertThat(first.getJson("/api/v1/deferred?tenant=storm").get("items").findValuesAsText("resource")).hasSize(3);
                assertThat(first.getJson("/api/v1/deferred?tenant=ops").get("items")).isEmpty();
                assertThat(first.getJson("/api/v1/issues?state=active&tenant=storm").get("total").asInt()).isEqualTo(6);
            }
            try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
                assertThat(single(statement, "SELECT COUNT(*) FROM remediations WHERE state = 'running'"))
                        .as("a stop that cannot wait leaves them running, not failed").isEqualTo("3");
                assertThat(single(statement, "SELECT state FROM breakers WHERE resource = 'service:flaky'")).isEqualTo("open");
                assertThat(single(statement, "SELECT COUNT(*) FROM proposals WHERE state = 'deferred'")).isEqualTo("3");
            }

            try (TestApp second = app(database, callLog).start()) {
                // Interrupted attempts are reconciled: marked so, verified, and (the issue did not clear) escalated.
                await().atMost(Duration.ofSeconds(20)).until(() -> count(second, "state=interrupted") == 3);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(second.getJson("/api/v1/issues?tenant=storm&state=escalated").get("total").asInt()).isEqualTo(3));

                // The rate window still counts the three that started before the stop: the deferred three are
                // evaluated again 3 s after start-up (deferral.retry) and every 3 s after, and must stay deferred
                // (without the restored starts they would run).
                Thread.sleep(Duration.ofSeconds(8).toMillis());
                assertThat(count(second, "tenant=storm")).as("still 3 in the minute").isEqualTo(3);

                // The breaker is still open: an operator's run is blocked by it.
                assertThat(second.post("/api/v1/issues/" + flakyIssue + "/remediations",
                        "{\"actionId\":\"faulty.throw\"}").statusCode()).isEqualTo(202);
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                        second.getJson("/api/v1/issues/" + flakyIssue).get("decisions").findValuesAsText("reason"))
                        .anySatisfy(reason -> assertThat(reason).startsWith("breaker: open after 2 consecutive failures")));
                assertThat(count(second, "state=failed")).isEqualTo(2);

                // The approval is still pending, with the same id, and approving it runs the action.
                JsonNode pending = second.getJson("/api/v1/approvals").get("items");
                assertThat(pending).hasSize(1);
                assertThat(pending.get(0).get("id").asText()).isEqualTo(approvalId);
                HttpResponse<String> approved = second.post("/api/v1/approvals/" + approvalId + "/approve",
                        "{\"reason\":\"checked the runbook\"}");
                assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(20)).until(() -> count(second, "state=succeeded") == 1);
                assertThat(second.post("/api/v1/approvals/" + approvalId + "/approve", "{\"reason\":\"again\"}")
                        .statusCode()).as("answered already").isEqualTo(409);
            }
        }
        List<String> calls = Files.readAllLines(callLog);
        Set<String> unique = new HashSet<>(calls);
        assertThat(unique).as("no attempt ran twice: %s", calls).hasSameSizeAs(calls);
        assertThat(calls).filteredOn(line -> line.startsWith("faulty.slow")).hasSize(3);
        assertThat(calls).filteredOn(line -> line.startsWith("faulty.risky")).hasSize(1);
    }
}

package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code POST /api/v1/alertmanager} on the whole service: duplicates (one notification 200 times,
 * again after a restart, and from two Alertmanagers at once) are one issue and one remediation; an
 * alert that resolves within its hold-off is never acted on; bad payloads are answered 4xx saying
 * where, and the good alerts of a notification still count. On H2 and PostgreSQL.
 */
class AlertmanagerIntegrationTest {
    private static final String RULES = """
            package homeostat.rules;
            import io.homeostat.service.engine.facts.*;

            rule "test: a slow alerted issue is fixed by faulty.slow"
            when
                $i : Issue( type == "test_slow", active )
                not Proposal( issueId == $i.id, manual == false )
            then
                insert( Proposal.strategy( $i, 1, "faulty.slow", drools.getRule().getName() ) );
            end

            rule "test: a risky alerted issue needs faulty.risky"
            when
                $i : Issue( type == "test_risky", active )
                not Proposal( issueId == $i.id, manual == false )
            then
                insert( Proposal.strategy( $i, 1, "faulty.risky", drools.getRule().getName() ) );
            end

            rule "test: an alerted test issue is fixed by faulty.flaky"
            when
                $i : Issue( type == "test_alert", active )
                not Proposal( issueId == $i.id, manual == false )
            then
                insert( Proposal.strategy( $i, 1, "faulty.flaky", drools.getRule().getName() ) );
            end
            """;

    @TempDir
    Path directory;

    private TestApp.Builder app(TestDatabase database, Path callLog) {
        return TestApp.builder(directory, database).withFaultyPlugin()
                .rule("alert-test.drl", RULES)
                .pluginSettings("faulty-test", Map.of("callLog", callLog.toString(), "transientFailures", 0, "slowMillis", 4_000))
                .alertmanager("mappings", List.of(
                        Map.of("matchers", List.of("alertname=\"TestDown\""), "resource", "service:{{labels.job}}", "issueType", "test_alert"),
                        Map.of("matchers", List.of("alertname=\"TestHeld\""), "resource", "service:{{labels.job}}", "issueType", "test_alert",
                                "holdOff", "8s"),
                        Map.of("matchers", List.of("alertname=\"TestSlow\""), "resource", "service:{{labels.job}}", "issueType", "test_slow"),
                        Map.of("matchers", List.of("alertname=\"TestRisky\""), "resource", "service:{{labels.job}}", "issueType", "test_risky")));
    }

    /** A notification as Alertmanager 0.25 sends it, with one alert. */
    static String notification(String status, String alertname, String job, String fingerprint, Instant startsAt, Instant endsAt) {
        return """
                {"receiver":"homeostat","status":"%1$s","alerts":[{"status":"%1$s","labels":{"alertname":"%2$s","job":"%3$s",\
                "severity":"high","instance":"10.0.0.1:9100"},"annotations":{"summary":"%3$s is down"},"startsAt":"%5$s",\
                "endsAt":"%6$s","generatorURL":"http://prometheus:9090/graph","fingerprint":"%4$s"}],\
                "groupLabels":{"alertname":"%2$s"},"commonLabels":{"alertname":"%2$s","job":"%3$s"},"commonAnnotations":{},\
                "externalURL":"http://alertmanager:9093","version":"4","groupKey":"{}:{alertname=\\"%2$s\\"}","truncatedAlerts":0}"""
                .formatted(status, alertname, job, fingerprint, startsAt, endsAt == null ? "0001-01-01T00:00:00Z" : endsAt);
    }

    private static List<String> decisionReasons(TestApp app, String resource) throws Exception {
        return decisions(app, resource, "reason");
    }

    /** One field of every decision on the issues of {@code resource}. */
    private static List<String> decisions(TestApp app, String resource, String field) throws Exception {
        JsonNode issues = app.getJson("/api/v1/issues?resource=" + resource).get("items");
        List<String> values = new ArrayList<>();
        for (JsonNode issue : issues) {
            for (JsonNode decision : app.getJson("/api/v1/issues/" + issue.get("id").asText()).get("decisions")) {
                values.add(decision.get(field).asText());
            }
        }
        return values;
    }

    private static int calls(Path callLog) throws Exception {
        return (int) Files.readAllLines(callLog).stream().filter(line -> !line.isBlank()).count();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void duplicatesFromRetriesARestartAndAnHaPairAreOneIssueAndOneRemediation(TestDatabase.Kind kind) throws Exception {
        Path callLog = directory.resolve("calls.log");
        Files.writeString(callLog, "");
        Instant started = Instant.now().minusSeconds(60);
        String firing = notification("firing", "TestDown", "checkout", "a1b2c3d4e5f60718", started, null);
        try (TestDatabase database = TestDatabase.create(kind, directory)) {
            try (TestApp first = app(database, callLog).start()) {
                int accepted = 0;
                int duplicates = 0;
                for (int i = 0; i < 200; i++) {
                    HttpResponse<String> answer = first.post("/api/v1/alertmanager", firing);
                    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                    JsonNode result = TestApp.parse(answer.body());
                    accepted += result.get("accepted").asInt();
                    duplicates += result.get("duplicates").asInt();
                }
                assertThat(accepted).isEqualTo(1);
                assertThat(duplicates).isEqualTo(199);
                await().atMost(Duration.ofSeconds(20)).until(() -> calls(callLog) == 1);
                JsonNode issues = first.getJson("/api/v1/issues?resource=service:checkout");
                assertThat(issues.get("total").asInt()).isEqualTo(1);
                assertThat(issues.get("items").get(0).get("resource").asText()).isEqualTo("service:checkout");
                assertThat(issues.get("items").get(0).get("summary").asText()).isEqualTo("TestDown: checkout is down");
                await().atMost(Duration.ofSeconds(10)).until(() -> first.getJson("/api/v1/alerts").get("total").asInt() == 1);
            }
            try (TestApp second = app(database, callLog).start()) {
                JsonNode again = TestApp.parse(second.post("/api/v1/alertmanager", firing).body());
                assertThat(again.get("duplicates").asInt()).as("remembered across the restart: " + again).isEqualTo(1);
                assertThat(again.get("accepted").asInt()).isZero();

                // Two Alertmanagers of an HA pair send the same new alert at once: one of them is news.
                String pair = notification("firing", "TestDown", "payments", "ffee000011112222", Instant.now(), null);
                ExecutorService both = Executors.newFixedThreadPool(2);
                try {
                    List<Callable<JsonNode>> sends = new ArrayList<>();
                    for (int i = 0; i < 2; i++) {
                        sends.add(() -> TestApp.parse(second.post("/api/v1/alertmanager", pair).body()));
                    }
                    int news = 0;
                    for (Future<JsonNode> answer : both.invokeAll(sends)) {
                        news += answer.get().get("accepted").asInt();
                    }
                    assertThat(news).isEqualTo(1);
                } finally {
                    both.shutdownNow();
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> calls(callLog) == 2);
                Thread.sleep(1_000);
                assertThat(calls(callLog)).as("one remediation per alert, whatever was resent").isEqualTo(2);
                assertThat(second.getJson("/api/v1/issues?resource=service:checkout").get("total").asInt()).isEqualTo(1);
                assertThat(second.getJson("/api/v1/issues?resource=service:payments").get("total").asInt()).isEqualTo(1);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void anAlertThatResolvesWithinItsHoldOffIsNeverActedOn(TestDatabase.Kind kind) throws Exception {
        Path callLog = directory.resolve("calls.log");
        Files.writeString(callLog, "");
        try (TestDatabase database = TestDatabase.create(kind, directory); TestApp app = app(database, callLog).start()) {
            Instant started = Instant.now();
            HttpResponse<String> firing = app.post("/api/v1/alertmanager", notification("firing", "TestHeld", "search", "0a0b0c", started, null));
            assertThat(firing.statusCode()).as(firing.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(decisionReasons(app, "service:search"))
                    .as(app.getJson("/api/v1/alerts").toString())
                    .anySatisfy(reason -> assertThat(reason).startsWith("hold-off: act only if the alert still fires at")));
            HttpResponse<String> resolved = app.post("/api/v1/alertmanager",
                    notification("resolved", "TestHeld", "search", "0a0b0c", started, Instant.now()));
            assertThat(TestApp.parse(resolved.body()).get("accepted").asInt()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(decisionReasons(app, "service:search"))
                    .anySatisfy(reason -> assertThat(reason).startsWith("alert: cancelled: the alert resolved at ")));
            Thread.sleep(Math.max(0, Duration.between(Instant.now(), started.plusSeconds(10)).toMillis()));
            assertThat(calls(callLog)).as("the hold-off (8 s) passed after the alert resolved: nothing may run").isZero();
            assertThat(decisions(app, "service:search", "outcome")).as("no decision to run").containsOnly("deferred", "blocked");
        }
    }

    @Test
    void badPayloadsAreAnswered4xxSayingWhereAndGoodAlertsStillCount() throws Exception {
        Path callLog = directory.resolve("calls.log");
        Files.writeString(callLog, "");
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory); TestApp app = app(database, callLog).start()) {
            Instant now = Instant.now();
            String good = notification("firing", "TestDown", "cart", "c0ffee", now, null);

            HttpResponse<String> version = app.post("/api/v1/alertmanager", good.replace("\"version\":\"4\"", "\"version\":\"3\""));
            assertThat(version.statusCode()).isEqualTo(422);
            assertThat(version.body()).contains("field 'version'").contains("version 4");

            HttpResponse<String> unknown = app.post("/api/v1/alertmanager", good.replace("\"receiver\"", "\"reciever\""));
            assertThat(unknown.statusCode()).isEqualTo(400);
            assertThat(unknown.body()).contains("reciever");

            HttpResponse<String> typed = app.post("/api/v1/alertmanager", good.replace("\"job\":\"cart\"", "\"job\":[1]"));
            assertThat(typed.statusCode()).isEqualTo(400);
            assertThat(typed.body()).contains("alerts[0].labels.job");

            assertThat(app.post("/api/v1/alertmanager", "not json").statusCode()).isEqualTo(400);
            assertThat(app.post("/api/v1/alertmanager", "{\"version\":\"4\"}").body()).contains("field 'alerts' is required");
            HttpResponse<String> noKey = app.request(null, "POST", "/api/v1/alertmanager", good);
            assertThat(noKey.statusCode()).isEqualTo(401);
            String viewer = app.createKey("dashboards", "viewer", "default");
            assertThat(app.postAs(viewer, "/api/v1/alertmanager", good).statusCode()).isEqualTo(403);

            // One notification, three alerts: one good, one without the label its mapping's resource needs, one with a bad time.
            JsonNode base = TestApp.parse(good);
            String alert = base.get("alerts").get(0).toString();
            String missing = alert.replace("\"job\":\"cart\",", "").replace("c0ffee", "dead01");
            String badTime = alert.replace(now.toString(), "yesterday").replace("c0ffee", "dead02");
            String mixed = good.replace("\"alerts\":[" + alert + "]", "\"alerts\":[" + missing + "," + alert + "," + badTime + "]");
            HttpResponse<String> partial = app.post("/api/v1/alertmanager", mixed);
            assertThat(partial.statusCode()).as(partial.body()).isEqualTo(200);
            JsonNode result = TestApp.parse(partial.body());
            assertThat(result.get("accepted").asInt()).isEqualTo(1);
            assertThat(result.get("rejected")).hasSize(2);
            assertThat(result.get("rejected").get(0).get("index").asInt()).isZero();
            assertThat(result.get("rejected").get(0).get("error").asText()).contains("label 'job' is missing")
                    .contains("alertmanager.mappings[0]");
            assertThat(result.get("rejected").get(1).get("index").asInt()).isEqualTo(2);
            assertThat(result.get("rejected").get(1).get("error").asText()).contains("'startsAt'").contains("RFC 3339");
            await().atMost(Duration.ofSeconds(20)).until(() -> calls(callLog) == 1);

            HttpResponse<String> allBad = app.post("/api/v1/alertmanager", good.replace("\"job\":\"cart\",", "").replace("c0ffee", "dead03"));
            assertThat(allBad.statusCode()).as(allBad.body()).isEqualTo(422);
            // Homeostat's own escalation (notify.alertmanager) routed back here: answered, and evidence of nothing.
            String own = good.replace("\"job\":\"cart\",", "\"job\":\"cart\",\"homeostat_escalation\":\"true\",")
                    .replace("c0ffee", "e5ca1a");
            assertThat(own).contains("homeostat_escalation");
            assertThat(app.post("/api/v1/alertmanager", own).statusCode()).isEqualTo(200);
            assertThat(app.getJson("/api/v1/alerts?status=firing").get("total").asInt()).isEqualTo(1);
            JsonNode metrics = TestApp.parse(app.get(app.admin("/metrics")).body());
            assertThat(metrics.get("meters").get("homeostat.alerts.rejected").get("count").asInt()).isEqualTo(3);
            assertThat(metrics.get("meters").get("homeostat.alerts.own_escalations").get("count").asInt()).isEqualTo(1);
        }
    }

    @Test
    void aFloodOfDistinctAlertsIsRefusedAtTheHeapBudgetNotHeldWithoutBound() throws Exception {
        Path callLog = directory.resolve("calls.log");
        Files.writeString(callLog, "");
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory);
             TestApp app = app(database, callLog).intake("liveSignalBudget", "200KiB").start()) {
            int accepted = 0;
            HttpResponse<String> answer = null;
            for (int i = 0; i < 400; i++) {
                answer = app.post("/api/v1/alertmanager", notification("firing", "TestDown", "flood" + i, "f" + i, Instant.now(), null));
                if (answer.statusCode() != 200) {
                    break;
                }
                accepted++;
                Thread.sleep(20);
            }
            assertThat(answer.statusCode()).as("refused after %d alerts: %s", accepted, answer.body()).isEqualTo(503);
            assertThat(answer.body()).contains("alerts").contains("heap budget");
            assertThat(accepted).as("200 KiB at 2 KiB an alert").isBetween(60, 110);
            assertThat(answer.headers().firstValue("Retry-After")).isPresent();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void anAttemptWaitingInTheExecutorWhenItsAlertResolvesIsCalledOffNotRun(TestDatabase.Kind kind) throws Exception {
        Path callLog = directory.resolve("calls.log");
        Files.writeString(callLog, "");
        try (TestDatabase database = TestDatabase.create(kind, directory);
             TestApp app = app(database, callLog).execution("maxConcurrent", 1).start()) {
            // The one supervisor is busy for 4 s with a slow action on another resource.
            assertThat(app.post("/api/v1/alertmanager", notification("firing", "TestSlow", "busy", "51a0", Instant.now(), null))
                    .statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(callLog).contains("faulty.slow"));
            Instant started = Instant.now();
            app.post("/api/v1/alertmanager", notification("firing", "TestDown", "queued", "9e0e", started, null));
            await().atMost(Duration.ofSeconds(10)).until(() -> decisions(app, "service:queued", "outcome").contains("run"));
            app.post("/api/v1/alertmanager", notification("resolved", "TestDown", "queued", "9e0e", started, Instant.now()));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(decisionReasons(app, "service:queued"))
                    .anySatisfy(reason -> assertThat(reason).startsWith("alert: cancelled: the alert resolved at ")));
            JsonNode attempt = app.getJson("/api/v1/remediations?resource=service:queued").get("items").get(0);
            assertThat(attempt.get("state").asText()).isEqualTo("cancelled");
            assertThat(attempt.get("message").asText()).startsWith("cancelled: the alert resolved at ");
            Thread.sleep(5_000);
            assertThat(Files.readString(callLog)).as("the slow one ran; the called-off one never did").contains("faulty.slow")
                    .doesNotContain("faulty.flaky");
            assertThat(app.getJson("/api/v1/remediations?state=cancelled").get("total").asInt()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void resolvedWhileAnApprovalWaitsOrWhileARateLimitDefersItNothingRunsAndTheDecisionsSayWhy(TestDatabase.Kind kind) throws Exception {
        Path callLog = directory.resolve("calls.log");
        Files.writeString(callLog, "");
        try (TestDatabase database = TestDatabase.create(kind, directory);
             TestApp app = app(database, callLog).policy("rateLimits", Map.of("globalPerHour", 1)).start()) {
            // A risky action waits for a human; the alert resolves first: the approval is cancelled and cannot be given any more.
            Instant risky = Instant.now();
            app.post("/api/v1/alertmanager", notification("firing", "TestRisky", "vault", "7a11", risky, null));
            await().atMost(Duration.ofSeconds(10)).until(() -> app.getJson("/api/v1/approvals").get("total").asInt() == 1);
            String approvalId = app.getJson("/api/v1/approvals").get("items").get(0).get("id").asText();
            app.post("/api/v1/alertmanager", notification("resolved", "TestRisky", "vault", "7a11", risky, Instant.now()));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    app.getJson("/api/v1/approvals/" + approvalId).get("state").asText()).isEqualTo("cancelled"));
            assertThat(decisionReasons(app, "service:vault")).anySatisfy(reason ->
                    assertThat(reason).startsWith("alert: cancelled: the alert resolved at "));
            HttpResponse<String> late = app.post("/api/v1/approvals/" + approvalId + "/approve", "{\"reason\":\"looked fine\"}");
            assertThat(late.statusCode()).as(late.body()).isEqualTo(409);
            assertThat(late.body()).contains("cancelled");

            // One remediation an hour in all: the first alert's runs, the second's is deferred; it resolves meanwhile.
            app.post("/api/v1/alertmanager", notification("firing", "TestDown", "first", "a001", Instant.now(), null));
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(callLog).contains("faulty.flaky"));
            Instant second = Instant.now();
            app.post("/api/v1/alertmanager", notification("firing", "TestDown", "second", "a002", second, null));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(decisionReasons(app, "service:second"))
                    .anySatisfy(reason -> assertThat(reason).startsWith("rate.global")));
            app.post("/api/v1/alertmanager", notification("resolved", "TestDown", "second", "a002", second, Instant.now()));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(decisionReasons(app, "service:second"))
                    .anySatisfy(reason -> assertThat(reason).startsWith("alert: cancelled: the alert resolved at ")));
            Thread.sleep(3_000);
            assertThat(decisions(app, "service:second", "outcome")).as("never run").doesNotContain("run");
            assertThat(Files.readAllLines(callLog)).as("only the first alert's action ran, and no risky one").hasSize(1)
                    .allSatisfy(line -> assertThat(line).startsWith("faulty.flaky"));
        }
    }
}

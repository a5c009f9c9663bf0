package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plugin that throws, hangs or returns garbage is recorded as failed; the service keeps running. */
class FaultyPluginIntegrationTest {
    private static final String FAULT_RULES = """
            package homeostat.rules.test;

            import io.homeostat.service.engine.facts.*;

            // test.fault = 1, 2 or 3 on a resource opens an issue whose proposal is a faulty action.
            rule "test: fault"
            when
                $s : Signal( metric == "test.fault", $t : tenant, $r : resource )
                not Issue( tenant == $t, resource == $r, type == "test_fault" )
            then
                insert( new Issue( $t, $r, "test_fault", Severity.LOW, "application", $s.getTime(),
                                   drools.getRule().getName(), "fault " + $s.getValue() ) );
            end

            // A rule whose output cannot be stored (category longer than 32): it must fail on its
            // own, not wedge the engine's persistence of everything else.
            rule "test: unstorable issue"
            when
                $s : Signal( metric == "test.unstorable" )
            then
                insert( new Issue( $s.getTenant(), $s.getResource(), "unstorable", Severity.LOW,
                                   "a category far too long for the store", $s.getTime(), drools.getRule().getName(), "x" ) );
            end

            rule "test: propose the faulty action"
            when
                $i : Issue( type == "test_fault", state == IssueState.OPEN, $r : resource )
                $s : Signal( metric == "test.fault", resource == $r )
                not Proposal( issueId == $i.id )
            then
                String action = $s.getValue() == 1 ? "faulty.throw" : $s.getValue() == 2 ? "faulty.hang"
                        : $s.getValue() == 3 ? "faulty.garbage" : "faulty.introspect";
                insert( Proposal.strategy( $i, 1, action, drools.getRule().getName() ) );
            end
            """;

    @TempDir
    Path directory;

    private static JsonNode awaitSucceeded(TestApp app) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode page = app.getJson("/api/v1/remediations?state=succeeded");
            assertThat(page.get("total").asInt()).isEqualTo(1);
            found[0] = page.get("items").get(0);
        });
        return found[0];
    }

    @Test
    void throwingHangingAndGarbageActionsAreFailuresAndTheServiceGoesOn() throws Exception {
        Map<String, Object> timeouts = new HashMap<>();
        timeouts.put("faulty.hang", "1s");
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory);
             TestApp app = TestApp.builder(directory, database).withFaultyPlugin()
                     .rule("faults.drl", FAULT_RULES)
                     .execution("actionTimeouts", timeouts)
                     .start()) {
            assertThat(app.signals(TestApp.signal("service:bad", "test.unstorable", 1)).statusCode()).isEqualTo(202);
            assertThat(app.signals(TestApp.signal("service:throws", "test.fault", 1), TestApp.signal("service:hangs", "test.fault", 2),
                    TestApp.signal("service:garbage", "test.fault", 3)).statusCode()).isEqualTo(202);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(app.getJson("/api/v1/remediations?state=failed").get("total").asInt()).isEqualTo(3));
            Map<String, String> messages = new HashMap<>();
            for (JsonNode remediation : app.getJson("/api/v1/remediations?state=failed").get("items")) {
                messages.put(remediation.get("actionId").asText(), remediation.get("message").asText());
                assertThat(remediation.get("durationMillis").asLong()).isGreaterThanOrEqualTo(0);
            }
            assertThat(messages.get("faulty.throw")).isEqualTo("faulty.throw threw IllegalStateException: faulty.throw was asked to fail for service:throws");
            assertThat(messages.get("faulty.hang")).isEqualTo("faulty.hang did not return within 1000 ms; abandoned");
            assertThat(messages.get("faulty.garbage")).isEqualTo("faulty.garbage returned no result");

            // A well-behaved action runs on a plugin-call thread, never the engine thread, in its own class loader.
            assertThat(app.signals(TestApp.signal("service:introspect", "test.fault", 4)).statusCode()).isEqualTo(202);
            JsonNode introspected = awaitSucceeded(app);
            assertThat(introspected.get("details").get("thread").asText()).startsWith("homeostat-plugin-call-");
            assertThat(introspected.get("details").get("contextClassLoaderIsPlugin").asText()).isEqualTo("true");
            assertThat(introspected.get("details").get("remainingMillis").asLong()).isBetween(1L, 60_000L);

            // Still serving: the engine evaluates, the health checks are green, and a real remediation still runs.
            JsonNode health = TestApp.parse(app.get(app.admin("/healthcheck")).body());
            assertThat(health.get("rules").get("healthy").asBoolean()).isTrue();
            assertThat(health.get("rules").get("ruleErrors").asInt()).as("the unstorable issue was a rule error").isGreaterThanOrEqualTo(1);
            assertThat(app.getJson("/api/v1/issues?resource=service:bad").get("total").asInt()).isZero();
            assertThat(health.get("plugins").get("healthy").asBoolean()).isTrue();
            assertThat(health.get("plugins").get("actions").toString()).contains("faulty.hang", "process.restart");
            assertThat(app.signals(TestApp.signal("service:throws", "probe.success", 1)).statusCode()).isEqualTo(202);
            // The resource was released by the failure, and with no other strategy the issue went to a human.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(app.getJson("/api/v1/issues?resource=service:throws").get("items").get(0).get("state").asText())
                            .isEqualTo("escalated"));
        }
    }
}

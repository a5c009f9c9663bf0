package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A problem automation fixed that comes back within the probation period escalates instead of
 * looping through the same fix, even when the service restarted in between. On H2 and PostgreSQL.
 */
class ProbationRestartIntegrationTest {
    private static final String RULES = """
            package homeostat.rules;
            import io.homeostat.service.engine.facts.*;

            rule "test: a failed test.probe opens an issue"
            when
                $s : Signal( metric == "test.probe", value == 0, $t : tenant, $r : resource )
                not Issue( tenant == $t, resource == $r, type == "test.probe", active || lastClearAt >= $s.time )
            then
                insert( new Issue( $t, $r, "test.probe", Severity.HIGH, "test", $s.getTime(), drools.getRule().getName(), "probe failed" )
                        .reportedBy( java.util.List.of( $s.getReporter() ) ) );
            end

            rule "test: an action that succeeds"
            when
                $i : Issue( type == "test.probe", active )
                not Proposal( issueId == $i.id )
            then
                insert( Proposal.strategy( $i, 1, "faulty.introspect", drools.getRule().getName() ) );
            end

            rule "test: a healthy test.probe"
            when
                $i : Issue( type == "test.probe", active, clearing == false, $t : tenant, $r : resource, $last : lastEvidenceAt )
                $s : Signal( metric == "test.probe", value == 1, tenant == $t, resource == $r, time > $last )
            then
                modify( $i ) { recordClear( $s.getTime() ) }
            end
            """;

    @TempDir
    Path directory;

    private TestApp.Builder app(TestDatabase database) {
        return TestApp.builder(directory, database).withFaultyPlugin()
                .rule("probation-test.drl", RULES)
                .policy("resolveQuietPeriod", "1s")
                .policy("probation", "1h")
                .policy("probationReturns", 1);
    }

    private static String probe(int value) {
        return "{\"resource\":\"host:p\",\"metric\":\"test.probe\",\"value\":" + value + ",\"source\":\"test\"}";
    }

    private static JsonNode newestIssue(TestApp app) throws Exception {
        JsonNode items = app.getJson("/api/v1/issues?resource=host:p").get("items");
        return items.isEmpty() ? null : items.get(0);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aProblemBackWithinProbationAfterARestartEscalatesInsteadOfRunningTheFixAgain(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, directory)) {
            String fixedIssue;
            try (TestApp first = app(database).start()) {
                first.signals(probe(0));
                await().atMost(Duration.ofSeconds(20)).until(() ->
                        first.getJson("/api/v1/remediations?state=succeeded").get("total").asInt() == 1);
                fixedIssue = newestIssue(first).get("id").asText();
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    first.signals(probe(1));
                    return "resolved".equals(first.getJson("/api/v1/issues/" + fixedIssue).get("issue").get("state").asText());
                });
            }
            try (TestApp second = app(database).start()) {
                second.signals(probe(0));
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    JsonNode issue = newestIssue(second);
                    return issue != null && !issue.get("id").asText().equals(fixedIssue) && "escalated".equals(issue.get("state").asText());
                });
                JsonNode detail = second.getJson("/api/v1/issues/" + newestIssue(second).get("id").asText());
                assertThat(detail.get("escalation").get("reason").asText())
                        .isEqualTo("test.probe came back within the probation period after faulty.introspect fixed it");
                Thread.sleep(500);
                assertThat(second.getJson("/api/v1/remediations?resource=host:p").get("total").asInt())
                        .as("the fix did not run again").isEqualTo(1);
            }
        }
    }
}

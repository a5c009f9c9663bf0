package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Defect 6: an operator's override run of a resource that an automatic run is still acting on
 * waits for it, whatever the gates say (an override overrides gates, not this): the second
 * attempt starts only after the first has finished.
 */
class OverlappingRunsIntegrationTest {
    /** Also the admin tasks' test's: a slow action per resource. */
    static final String RULES = """
            package homeostat.rules;
            import io.homeostat.service.engine.facts.*;

            rule "test: an issue per test.overlap signal"
            when
                $s : Signal( metric == "test.overlap", $t : tenant, $r : resource )
                not Issue( tenant == $t, resource == $r, type == "test.overlap" )
            then
                insert( new Issue( $t, $r, "test.overlap", Severity.HIGH, "test", $s.getTime(), drools.getRule().getName(), "overlap" ) );
            end

            rule "test: a slow strategy"
            when
                $i : Issue( type == "test.overlap", active )
                not Proposal( issueId == $i.id )
            then
                insert( Proposal.strategy( $i, 1, "faulty.slow", drools.getRule().getName() ) );
            end
            """;

    @TempDir
    Path directory;

    @Test
    void anOverrideRunWaitsForTheRunningAttemptOfTheSameResource() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory);
             TestApp app = TestApp.builder(directory, database).withFaultyPlugin().rule("overlap.drl", RULES)
                     .pluginSettings("faulty-test", Map.of("slowMillis", 2_000))
                     .policy("verification", Map.of("deadline", "60s"))
                     .start()) {
            app.signals("{\"resource\":\"service:busy\",\"metric\":\"test.overlap\",\"value\":1}");
            await().atMost(Duration.ofSeconds(15)).until(() ->
                    app.getJson("/api/v1/remediations?resource=service:busy&state=running").get("total").asInt() == 1);
            String issueId = app.getJson("/api/v1/issues?resource=service:busy").get("items").get(0).get("id").asText();
            HttpResponse<String> manual = app.post("/api/v1/issues/" + issueId + "/remediations",
                    "{\"actionId\":\"faulty.slow\",\"override\":true,\"reason\":\"force it\"}");
            assertThat(manual.statusCode()).as(manual.body()).isEqualTo(202);

            await().atMost(Duration.ofSeconds(30)).until(() ->
                    app.getJson("/api/v1/remediations?resource=service:busy&state=succeeded").get("total").asInt() == 2);
            JsonNode attempts = app.getJson("/api/v1/remediations?resource=service:busy").get("items");
            // Newest first: [1] is the automatic run, [0] the override.
            Instant firstFinished = Instant.parse(attempts.get(1).get("finishedAt").asText());
            Instant secondStarted = Instant.parse(attempts.get(0).get("startedAt").asText());
            assertThat(secondStarted).as("the override started after the automatic run finished").isAfterOrEqualTo(firstFinished);
        }
    }
}

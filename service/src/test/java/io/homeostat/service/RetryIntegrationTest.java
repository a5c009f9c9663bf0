package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A transient failure is retried with backoff within one attempt, under the same idempotency key. */
class RetryIntegrationTest {
    private static final String RULES = """
            package homeostat.rules;
            import io.homeostat.service.engine.facts.*;

            rule "test: flaky issue"
            when
                $s : Signal( metric == "test.flaky", $t : tenant, $r : resource )
                not Issue( tenant == $t, resource == $r, type == "test_flaky" )
            then
                Issue issue = new Issue( $t, $r, "test_flaky", Severity.HIGH, "test", $s.getTime(), drools.getRule().getName(), "flaky" );
                insert( issue );
                insert( Proposal.strategy( issue, 1, "faulty.flaky", drools.getRule().getName() ) );
            end
            """;

    @TempDir
    Path directory;

    @Test
    void transientFailuresAreRetriedWithTheSameKeyUntilTheySucceed() throws Exception {
        Path callLog = directory.resolve("calls.log");
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory);
             TestApp app = TestApp.builder(directory, database).withFaultyPlugin().rule("flaky.drl", RULES)
                     .pluginSettings("faulty-test", Map.of("callLog", callLog.toString(), "transientFailures", 3))
                     .execution("retryBackoff", "100ms")
                     .start()) {
            app.signals(TestApp.signal("service:flaky", "test.flaky", 1));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(app.getJson("/api/v1/remediations?state=succeeded").get("total").asInt()).isEqualTo(1));
            JsonNode remediation = app.getJson("/api/v1/remediations?state=succeeded").get("items").get(0);
            assertThat(remediation.get("attempts").asInt()).isEqualTo(4);
            assertThat(remediation.get("message").asText()).isEqualTo("done on call 4");
            // Backoff 100, 200, 400 ms: at least 700 ms in all.
            assertThat(remediation.get("durationMillis").asLong()).isGreaterThanOrEqualTo(700);
            List<String> calls = Files.readAllLines(callLog);
            assertThat(calls).hasSize(4).containsOnly("faulty.flaky " + remediation.get("id").asText());
        }
    }
}

package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An attempt the service was running when it stopped still counts against its blast-radius group
 * after the restart, before its resource reports again: a second member of a group of four (limit
 * one at a time) waits. On H2 and PostgreSQL.
 */
class BlastRadiusRestartIntegrationTest {
    private static final String RULES = """
            package homeostat.rules;
            import io.homeostat.service.engine.facts.*;

            rule "test: an issue per test.group signal"
            when
                $s : Signal( metric == "test.group", $t : tenant, $r : resource )
                not Issue( tenant == $t, resource == $r, type == "test.group" )
            then
                insert( new Issue( $t, $r, "test.group", Severity.HIGH, "test", $s.getTime(), drools.getRule().getName(), "group test" )
                        .reportedBy( java.util.List.of( $s.getReporter() ) ) );
            end

            rule "test: a slow strategy"
            when
                $i : Issue( type == "test.group", active )
                not Proposal( issueId == $i.id )
            then
                insert( Proposal.strategy( $i, 1, "faulty.slow", drools.getRule().getName() ) );
            end
            """;

    @TempDir
    Path directory;

    private TestApp.Builder app(TestDatabase database, Path callLog, String gateName) throws java.io.IOException {
        // The operator may rename a gate in gates.drl: the restored group must not depend on its name.
        String gates = Files.readString(TestApp.shippedRules().resolve("gates.drl")).replace("\"blast-radius\"", "\"" + gateName + "\"");
        return TestApp.builder(directory, database).withFaultyPlugin()
                .rule("gates.drl", gates)
                .rule("group-test.drl", RULES)
                .pluginSettings("faulty-test", Map.of("callLog", callLog.toString(), "slowMillis", 30_000))
                .policy("verification", Map.of("deadline", "60s"))
                .execution("shutdownGrace", "1s");
    }

    private static String signal(String resource, String metric) {
        return "{\"resource\":\"" + resource + "\",\"metric\":\"" + metric
                + "\",\"value\":1,\"source\":\"test\",\"labels\":{\"service\":\"checkout\"}}";
    }

    /** Every member reports, so that the group has its four members in the session. */
    private static void membersReport(TestApp app) throws Exception {
        assertThat(app.signals(signal("host:m1", "test.ok"), signal("host:m2", "test.ok"), signal("host:m3", "test.ok"),
                signal("host:m4", "test.ok")).statusCode()).isEqualTo(202);
    }

    private static JsonNode decisionFor(TestApp app, String resource) throws Exception {
        JsonNode issues = app.getJson("/api/v1/issues?resource=" + resource).get("items");
        if (issues.isEmpty()) {
            return null;
        }
        JsonNode decisions = app.getJson("/api/v1/issues/" + issues.get(0).get("id").asText()).get("decisions");
        return decisions.isEmpty() ? null : decisions.get(0);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void anAttemptRunningAtTheStopStillCountsAgainstItsGroupAfterTheStart(TestDatabase.Kind kind) throws Exception {
        runningAttemptCountsAfterRestart(kind, "blast-radius");
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void theGroupIsRestoredWhateverTheGateIsCalled(TestDatabase.Kind kind) throws Exception {
        runningAttemptCountsAfterRestart(kind, "group-share");
    }

    private void runningAttemptCountsAfterRestart(TestDatabase.Kind kind, String gateName) throws Exception {
        Path callLog = directory.resolve("calls.log");
        Files.writeString(callLog, "");
        try (TestDatabase database = TestDatabase.create(kind, directory)) {
            try (TestApp first = app(database, callLog, gateName).start()) {
                membersReport(first);
                first.signals(signal("host:m1", "test.group"));
                await().atMost(Duration.ofSeconds(20)).until(() ->
                        first.getJson("/api/v1/remediations?state=running").get("total").asInt() == 1);
                JsonNode decision = decisionFor(first, "host:m1");
                assertThat(decision.get("outcome").asText()).isEqualTo("run");
                assertThat(decision.get("blastGroup").asText()).isEqualTo("checkout");
            }
            try (TestApp second = app(database, callLog, gateName).start()) {
                // m1's attempt was interrupted and is being verified: still under remediation.
                membersReport(second);
                second.signals(signal("host:m2", "test.group"));
                await().atMost(Duration.ofSeconds(20)).until(() -> decisionFor(second, "host:m2") != null);
                JsonNode decision = decisionFor(second, "host:m2");
                assertThat(decision.get("outcome").asText()).as(decision.toString()).isEqualTo("deferred");
                JsonNode blast = null;
                for (JsonNode step : decision.get("explanation")) {
                    if (gateName.equals(step.path("gate").asText())) {
                        blast = step;
                    }
                }
                assertThat(blast).as(decision.toString()).isNotNull();
                assertThat(blast.get("verdict").asText()).isEqualTo("defer");
                assertThat(blast.get("figures").get("group").asText()).isEqualTo("service=checkout");
                assertThat(blast.get("figures").get("underRemediation").asInt()).isEqualTo(1);
                assertThat(blast.get("figures").get("members").asInt()).isEqualTo(4);
            }
        }
    }
}

package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found: a database error while marking an attempt running killed the worker thread; the attempt
 * stayed pending and its issue remediating until a restart, and an outcome that could not be
 * written left the row "running" for ever. Injected here on the real PostgreSQL with a trigger
 * that refuses the update for a few seconds, at attempt start and at outcome write.
 */
class ExecutorDatabaseFaultIntegrationTest {
    private static final String RULES = """
            package homeostat.rules.test;
            import io.homeostat.service.engine.facts.*;

            rule "test: an issue for run.faulty.introspect"
            when
                $s : Signal( metric == "run.faulty.introspect", $t : tenant, $r : resource )
                not Issue( tenant == $t, resource == $r, type == "test_db_fault" )
            then
                insert( new Issue( $t, $r, "test_db_fault", Severity.LOW, "application", $s.getTime(), drools.getRule().getName(), "db fault" ) );
            end

            rule "test: introspect fixes it"
            when
                $i : Issue( type == "test_db_fault", state == IssueState.OPEN )
                not Proposal( issueId == $i.id )
            then
                insert( Proposal.strategy( $i, 1, "faulty.introspect", drools.getRule().getName() ) );
            end
            """;

    @TempDir
    Path directory;

    private static void refuse(Connection connection, String state) throws Exception {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE OR REPLACE FUNCTION homeostat_test_refuse() RETURNS trigger AS $$ BEGIN "
                    + "RAISE EXCEPTION 'injected fault: the database refuses this write'; END $$ LANGUAGE plpgsql");
            statement.execute("CREATE TRIGGER homeostat_test_refuse BEFORE UPDATE ON remediations FOR EACH ROW WHEN (NEW.state = '"
                    + state + "') EXECUTE FUNCTION homeostat_test_refuse()");
        }
    }

    private static void allow(Connection connection) throws Exception {
        try (Statement statement = connection.createStatement()) {
            statement.execute("DROP TRIGGER homeostat_test_refuse ON remediations");
        }
    }

    private static JsonNode remediation(TestApp app, String resource) throws Exception {
        JsonNode items = app.getJson("/api/v1/remediations?resource=" + resource).get("items");
        return items.isEmpty() ? null : items.get(0);
    }

    @Test
    void aDatabaseErrorAtAttemptStartOrAtOutcomeWriteIsRiddenOutAndTheAttemptCompletes() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.POSTGRES, directory);
             TestApp app = TestApp.builder(directory, database).withFaultyPlugin().rule("db-fault.drl", RULES).start();
             Connection admin = database.connect()) {
            // At attempt start: marking it running fails for 3 s.
            refuse(admin, "running");
            app.signals(TestApp.signal("service:start", "run.faulty.introspect", 1));
            await().atMost(Duration.ofSeconds(10)).until(() -> storeRetries(app) >= 2);
            assertThat(remediation(app, "service:start").get("state").asText()).as("not run before it is recorded").isEqualTo("pending");
            Thread.sleep(3_000);
            allow(admin);
            await().atMost(Duration.ofSeconds(20)).until(() -> "succeeded".equals(remediation(app, "service:start").get("state").asText()));

            // At outcome write: storing "succeeded" fails for 3 s.
            long before = storeRetries(app);
            refuse(admin, "succeeded");
            app.signals(TestApp.signal("service:finish", "run.faulty.introspect", 1));
            await().atMost(Duration.ofSeconds(10)).until(() -> storeRetries(app) >= before + 2);
            assertThat(remediation(app, "service:finish").get("state").asText()).isEqualTo("running");
            Thread.sleep(3_000);
            allow(admin);
            await().atMost(Duration.ofSeconds(20)).until(() -> "succeeded".equals(remediation(app, "service:finish").get("state").asText()));

            // The supervisors survived: a third attempt runs at once.
            app.signals(TestApp.signal("service:after", "run.faulty.introspect", 1));
            await().atMost(Duration.ofSeconds(20)).until(() -> remediation(app, "service:after") != null
                    && "succeeded".equals(remediation(app, "service:after").get("state").asText()));
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    "verifying".equals(app.getJson("/api/v1/issues?resource=service:start").get("items").get(0).get("state").asText()));
        }
    }

    private static long storeRetries(TestApp app) throws Exception {
        JsonNode counter = TestApp.parse(app.get(app.admin("/metrics")).body()).get("counters").get("homeostat.remediations.store_retries");
        return counter == null ? 0 : counter.get("count").asLong();
    }
}

package io.homeostat.plugins.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.RemediationAction;
import io.homeostat.plugin.api.testing.TestActionContext;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The postgres actions against the real local PostgreSQL: real pg_sleep queries, a real lock chain
 * between two connections, a real idle transaction, each from a non-superuser role the actions are
 * allowed to touch (and a superuser's query they must not).
 */
class BackendActionsTest {
    static final String URL = System.getProperty("homeostat.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String ADMIN = System.getProperty("homeostat.test.postgres.user", "postgres");
    static final String VICTIM = "homeostat_test_victim";
    private static final String RESOURCE = "db:test";

    private String table;

    @BeforeAll
    static void role() throws Exception {
        try (Connection admin = admin(); Statement statement = admin.createStatement()) {
            statement.execute("DO $$ BEGIN CREATE ROLE " + VICTIM + " LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        }
    }

    @BeforeEach
    void lockTable() throws Exception {
        table = "hs_lock_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = admin(); Statement statement = admin.createStatement()) {
            statement.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, v int)");
            statement.execute("INSERT INTO " + table + " VALUES (1, 0)");
            statement.execute("GRANT ALL ON " + table + " TO " + VICTIM);
        }
    }

    @AfterEach
    void dropTable() throws Exception {
        try (Connection admin = admin(); Statement statement = admin.createStatement()) {
            statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + VICTIM + "'");
            statement.execute("DROP TABLE IF EXISTS " + table);
        }
    }

    static Connection admin() throws SQLException {
        return DriverManager.getConnection(URL, ADMIN, "");
    }

    static Connection victim() throws SQLException {
        return DriverManager.getConnection(URL, VICTIM, "");
    }

    private static PluginSettings settings(Map<String, Object> extra) {
        Map<String, Object> entry = new HashMap<>(Map.of("url", URL, "user", ADMIN, "onlyUsers", List.of(VICTIM), "graceSeconds", "2"));
        entry.putAll(extra);
        return new PluginSettings("plugins.settings.postgres", Map.of("resources", Map.of(RESOURCE, entry)));
    }

    private static ActionResult run(RemediationAction action, PluginSettings settings, String olderThan) throws Exception {
        return action.execute(new TestActionContext(RESOURCE, olderThan == null ? Map.of() : Map.of("olderThanSeconds", olderThan), settings,
                Duration.ofSeconds(20)));
    }

    /** Runs {@code sql} on the connection in the background; completes with null or the SQL state it failed with. */
    private static CompletableFuture<String> background(Connection connection, String sql) {
        return CompletableFuture.supplyAsync(() -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql);
                return null;
            } catch (SQLException e) {
                return e.getSQLState();
            }
        });
    }

    private static long pid(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SELECT pg_backend_pid()")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Waits until the backend has been in {@code state} for more than a second. */
    private static void awaitState(long pid, String state) throws Exception {
        Instant until = Instant.now().plusSeconds(15);
        while (Instant.now().isBefore(until)) {
            try (Connection admin = admin(); Statement statement = admin.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT 1 FROM pg_stat_activity WHERE pid = " + pid + " AND state = '" + state
                         + "' AND COALESCE(CASE WHEN state = 'active' THEN query_start ELSE state_change END, now()) "
                         + "< clock_timestamp() - interval '1200 milliseconds'")) {
                if (rows.next()) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("backend " + pid + " never was " + state + " for a second");
    }

    private static boolean alive(long pid) throws SQLException {
        try (Connection admin = admin(); Statement statement = admin.createStatement();
             ResultSet rows = statement.executeQuery("SELECT 1 FROM pg_stat_activity WHERE pid = " + pid)) {
            return rows.next();
        }
    }

    @Test
    void cancelQueryCancelsARealLongQueryAndLeavesTheBackendConnected() throws Exception {
        try (Connection victim = victim()) {
            long pid = pid(victim);
            CompletableFuture<String> sleeping = background(victim, "SELECT pg_sleep(60)");
            awaitState(pid, "active");

            ActionResult result = run(new CancelQueryAction(), settings(Map.of()), "1");

            assertThat(result.succeeded()).as(result.message()).isTrue();
            assertThat(result.details()).containsEntry("found", Long.toString(pid)).containsEntry("cancelled", Long.toString(pid))
                    .containsEntry("stillRunning", "").doesNotContainKey("terminated");
            assertThat(sleeping.get(10, TimeUnit.SECONDS)).as("57014: canceling statement due to user request").isEqualTo("57014");
            assertThat(alive(pid)).isTrue();
        }
    }

    @Test
    void terminateQueryEndsABackendThatIgnoresTheCancel() throws Exception {
        try (Connection victim = victim()) {
            long pid = pid(victim);
            // A query that traps the cancel and goes on sleeping: only a terminate ends it.
            CompletableFuture<String> stubborn = background(victim,
                    "DO $$ BEGIN LOOP BEGIN PERFORM pg_sleep(60); EXCEPTION WHEN query_canceled THEN NULL; END; END LOOP; END $$");
            awaitState(pid, "active");

            ActionResult cancelled = run(new CancelQueryAction(), settings(Map.of()), "1");
            assertThat(cancelled.succeeded()).isFalse();
            assertThat(cancelled.message()).contains("still there after 2 s: " + pid);
            assertThat(alive(pid)).isTrue();

            ActionResult result = run(new TerminateQueryAction(), settings(Map.of()), "1");

            assertThat(result.succeeded()).as(result.message()).isTrue();
            assertThat(result.details()).containsEntry("terminated", Long.toString(pid)).containsEntry("stillRunning", "");
            assertThat(stubborn.get(10, TimeUnit.SECONDS)).as("57P01: terminating connection due to administrator command").isEqualTo("57P01");
            assertThat(alive(pid)).isFalse();
        }
    }

    @Test
    void aSuperusersQueryIsLeftAloneUnlessConfigAllowsIt() throws Exception {
        try (Connection superuser = admin()) {
            long pid = pid(superuser);
            CompletableFuture<String> sleeping = background(superuser, "SELECT pg_sleep(60)");
            awaitState(pid, "active");
            PluginSettings onlyAdmin = settings(Map.of("onlyUsers", List.of(ADMIN)));

            ActionResult refused = run(new TerminateQueryAction(), onlyAdmin, "1");

            assertThat(refused.succeeded()).isFalse();
            assertThat(refused.message()).contains("left alone: {superuser=");
            assertThat(sleeping).isNotDone();
            assertThat(alive(pid)).isTrue();

            ActionResult allowed = run(new CancelQueryAction(), settings(Map.of("onlyUsers", List.of(ADMIN), "allowSuperuser", "true")), "1");
            assertThat(allowed.details().get("cancelled")).contains(Long.toString(pid));
            assertThat(sleeping.get(10, TimeUnit.SECONDS)).isEqualTo("57014");
        }
    }

    @Test
    void terminateBlockerEndsTheHeadOfARealLockChainAndTheWaiterProceeds() throws Exception {
        try (Connection holder = victim(); Connection waiter = victim(); Connection second = victim()) {
            long head = pid(holder);
            long waiting = pid(waiter);
            holder.setAutoCommit(false);
            try (Statement statement = holder.createStatement()) {
                statement.execute("UPDATE " + table + " SET v = 1 WHERE id = 1");
            }
            CompletableFuture<String> blocked = background(waiter, "UPDATE " + table + " SET v = 2 WHERE id = 1");
            // A second waiter queued behind the first: it is blocked too, but the head is the holder alone.
            CompletableFuture<String> queued = background(second, "UPDATE " + table + " SET v = 3 WHERE id = 1");
            awaitState(waiting, "active");

            ActionResult result = run(new TerminateBlockerAction(), settings(Map.of()), "1");

            assertThat(result.succeeded()).as(result.message()).isTrue();
            assertThat(result.details()).containsEntry("found", Long.toString(head)).containsEntry("terminated", Long.toString(head));
            assertThat(blocked.get(10, TimeUnit.SECONDS)).as("the waiter's update went through").isNull();
            assertThat(queued.get(10, TimeUnit.SECONDS)).isNull();
            assertThat(alive(head)).isFalse();
            assertThat(alive(waiting)).isTrue();
        }
    }

    @Test
    void terminateIdleEndsASessionIdleInsideATransaction() throws Exception {
        try (Connection idle = victim(); Connection busy = victim()) {
            long pid = pid(idle);
            long other = pid(busy);
            idle.setAutoCommit(false);
            try (Statement statement = idle.createStatement()) {
                statement.execute("SELECT v FROM " + table + " WHERE id = 1 FOR UPDATE");
            }
            awaitState(pid, "idle in transaction");

            ActionResult young = run(new TerminateIdleAction(), settings(Map.of()), "3600");
            assertThat(young.succeeded()).isTrue();
            assertThat(young.message()).startsWith("no session idle in transaction older than 3600 s");
            assertThat(alive(pid)).isTrue();

            ActionResult result = run(new TerminateIdleAction(), settings(Map.of()), "1");

            assertThat(result.succeeded()).as(result.message()).isTrue();
            assertThat(result.details()).containsEntry("terminated", Long.toString(pid)).doesNotContainKey("cancelled");
            assertThat(alive(pid)).isFalse();
            assertThat(alive(other)).as("an idle session outside a transaction is not touched").isTrue();
        }
    }

    @Test
    void anUnreachableServerABadParameterAndBadSettingsAreClearFailures() throws Exception {
        PluginSettings down = settings(Map.of("url", "jdbc:postgresql://127.0.0.1:1/test"));
        ActionResult unreachable = run(new CancelQueryAction(), down, "5");
        assertThat(unreachable.succeeded()).isFalse();
        assertThat(unreachable.retryable()).isTrue();
        assertThat(unreachable.message()).startsWith("PostgreSQL of db:test: ").contains("Connection to 127.0.0.1:1 refused");

        ActionResult bad = run(new CancelQueryAction(), settings(Map.of()), "5; DROP TABLE x");
        assertThat(bad.succeeded()).isFalse();
        assertThat(bad.message()).isEqualTo("parameter olderThanSeconds must be a whole number of seconds from 1 to 604800, was '5; DROP TABLE x'");

        ActionResult unknown = run(new CancelQueryAction(), new PluginSettings("plugins.settings.postgres", Map.of()), "5");
        assertThat(unknown.applicable()).isFalse();

        assertThat(new CancelQueryAction().validate(new PluginSettings("plugins.settings.postgres", Map.of("resources", Map.of(
                "db:a", Map.of("url", "mysql://x"), "db:b", Map.of("url", URL, "allowSuperuser", "yes"))))))
                .containsExactlyInAnyOrder("plugins.settings.postgres.resources.\"db:a\".url must be a jdbc:postgresql:// URL, was 'mysql://x'",
                        "plugins.settings.postgres.resources.\"db:b\".allowSuperuser must be true or false, was 'yes'");
    }
}

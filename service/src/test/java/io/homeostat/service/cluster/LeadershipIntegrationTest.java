package io.homeostat.service.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The leader's lock on the local PostgreSQL: one replica leads at a time; when it stops another takes
 * over; when it goes quiet without stopping (a paused process: its session stays open) the database
 * ends its idle session and another takes over, and the old leader learns it no longer leads the next
 * time it looks.
 */
class LeadershipIntegrationTest {
    private static final String URL = System.getProperty("homeostat.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String USER = System.getProperty("homeostat.test.postgres.user", "postgres");
    private static final Duration TTL = Duration.ofSeconds(2);

    private final String schema = "hs_leader_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    private Leadership replica(String inSchema) {
        return new Leadership(new Leadership.Database(URL + "?currentSchema=" + inSchema, USER, ""), TTL, new MetricRegistry());
    }

    private void schema(String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(URL, USER, ""); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Test
    void oneReplicaLeadsAndAnotherTakesOverWhenItStopsOrGoesQuiet() throws Exception {
        schema("CREATE SCHEMA " + schema);
        schema("CREATE SCHEMA " + schema + "_other");
        Leadership a = replica(schema);
        Leadership b = replica(schema);
        Leadership c = replica(schema);
        Leadership elsewhere = replica(schema + "_other");
        try {
            a.start();
            b.start();
            assertThat(a.isLeader()).as("the first to ask leads").isTrue();
            assertThat(b.isLeader()).isFalse();
            elsewhere.start();
            assertThat(elsewhere.isLeader()).as("a deployment in another schema has its own leader").isTrue();

            a.stop();
            await().atMost(Duration.ofSeconds(5)).until(b::isLeader);
            assertThat(a.isLeader()).isFalse();

            // b goes quiet as a paused process would: its timer stops, its session stays open and holds the lock.
            b.pauseForTest();
            c.start();
            assertThat(c.isLeader()).isFalse();
            // b stops counting itself leader once unconfirmed for the time to live, without looking: two never lead at once
            // for longer than the database takes to end b's idle session.
            await().atMost(TTL.plusSeconds(1)).until(() -> !b.isLeader());
            await().atMost(TTL.multipliedBy(4)).until(c::isLeader);
            b.tick(); // b wakes up
            assertThat(b.isLeader()).as("b finds its session ended with its lock").isFalse();
        } finally {
            a.stop();
            b.stop();
            c.stop();
            elsewhere.stop();
            schema("DROP SCHEMA " + schema);
            schema("DROP SCHEMA " + schema + "_other");
        }
    }

    @Test
    void onAnotherDatabaseTheOneProcessLeads() {
        Leadership single = new Leadership(null, TTL, new MetricRegistry());
        single.start();
        assertThat(single.isLeader()).isTrue();
        single.stop();
        assertThat(single.isLeader()).isTrue();
    }
}

package io.homeostat.service.cluster;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.lifecycle.Managed;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which replica runs the jobs there must be one of (retention, the health-score history, prediction
 * scoring, escalation redelivery): the one holding a PostgreSQL advisory lock, on a connection of its
 * own. The lock is the database's, released when that session ends; the session is set to end itself
 * when idle for the lease's time to live ({@code idle_session_timeout}), and the leader touches it every
 * third of that, so a leader paused or cut off past it loses the lock and another replica takes it,
 * without waiting for TCP to notice. Every replica tries again every third of the time to live.
 * A replica counts itself leader only while its last confirmation is younger than the time to live: a
 * leader that wakes from a pause, or whose database stopped answering, stops leading at once, not at its
 * next look (by then the database has ended its session and another replica may lead). Its connection's
 * reads time out after a third of the time to live, so a stalled database cannot hold the look forever.
 * On H2 (one process by construction) this replica always leads.
 */
public final class Leadership implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);
    /**
     * The advisory lock's first key: "hsta" in ASCII, so that it does not collide with an application's small numbers. The
     * second is the schema's name hashed: advisory locks are the whole database's, and two deployments in two schemas
     * (or two tests) each have their leader.
     */
    static final int LOCK_CLASS = 0x68737461;

    /** How to open the leader's own connection; null on a database that is not PostgreSQL. */
    public record Database(String url, String user, String password) {
    }

    private final Database database;
    private final Duration ttl;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "homeostat-leadership");
        thread.setDaemon(true);
        return thread;
    });
    /** When the lock was last confirmed held (System.nanoTime), or 0 when it is not held. */
    private volatile long confirmedAt;
    private Connection connection;

    public Leadership(Database database, Duration ttl, MetricRegistry metrics) {
        this.database = database;
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        metrics.gauge("homeostat.cluster.leader", () -> () -> isLeader() ? 1 : 0);
    }

    /** True while this replica holds the leader's lock, confirmed within the time to live (always on H2). */
    public boolean isLeader() {
        long confirmed = confirmedAt;
        return database == null || confirmed != 0 && System.nanoTime() - confirmed < ttl.toNanos();
    }

    /** One round: a leader checks its session is still there, a follower tries for the lock. */
    synchronized void tick() {
        if (database == null) {
            return;
        }
        long started = System.nanoTime();
        if (confirmedAt != 0) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT 1");
                if (isLeader()) {
                    confirmedAt = started;
                    return;
                }
                // Paused past the time to live: the database has ended this session (and freed the lock) or is about to.
                LOG.warn("lost leadership: unconfirmed for longer than {}; another replica may lead now", ttl);
            } catch (SQLException e) {
                LOG.warn("lost leadership: its database session ended ({}); another replica may lead now", e.getMessage());
            }
            confirmedAt = 0;
            close();
        }
        try {
            if (connection == null || connection.isClosed()) {
                connection = DriverManager.getConnection(database.url(), database.user(), database.password());
                connection.setNetworkTimeout(Runnable::run, (int) Math.max(1000, ttl.toMillis() / 3));
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET idle_session_timeout = " + Math.max(1000, ttl.toMillis()));
                }
            }
            try (Statement statement = connection.createStatement();
                 ResultSet result = statement.executeQuery("SELECT pg_try_advisory_lock(" + LOCK_CLASS + ", hashtext(current_schema()))")) {
                result.next();
                if (result.getBoolean(1)) {
                    confirmedAt = started;
                    LOG.info("this replica leads: it runs retention, the health-score history, prediction scoring and escalation redelivery");
                }
            }
        } catch (SQLException e) {
            LOG.debug("could not try for leadership: {}", e.getMessage());
            close();
        }
    }

    private void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // gone already
            }
            connection = null;
        }
    }

    @Override
    public void start() {
        tick(); // decided before the jobs start, so that none of them runs on a replica that only thinks it leads
        long every = Math.max(100, ttl.toMillis() / 3);
        timer.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    /** Stops looking without ending the session, as a paused process does (tests). */
    void pauseForTest() {
        timer.shutdownNow();
    }

    @Override
    public synchronized void stop() {
        timer.shutdownNow();
        confirmedAt = 0;
        close(); // ends the session: the lock goes with it, at once
    }
}

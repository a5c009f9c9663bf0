package io.homeostat.plugins.postgres;

import io.homeostat.plugin.api.Collector;
import io.homeostat.plugin.api.CollectorContext;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.Reading;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.pf4j.Extension;

/**
 * {@code postgres.stats}: one PostgreSQL server's load and trouble, read from its statistics views
 * with a short connection per collection. Reports, of the target's resource:
 * {@code pg.connections.used}, {@code pg.connections.max}, {@code pg.connections.used_percent};
 * {@code pg.queries.long_running} (active longer than {@code longQuerySeconds}) and, for each such
 * query, {@code pg.query.seconds} labelled with its {@code pid}, {@code user} and {@code database};
 * {@code pg.query.longest_seconds}, the age of the longest-running active query (0 when none runs);
 * {@code pg.queries.blocked} and, for each blocked backend, {@code pg.query.blocked_seconds} with its
 * {@code pid} and the pids blocking it ({@code blocked_by}); {@code pg.query.longest_blocked_seconds} (the longest
 * wait on a lock, 0 when none); {@code pg.transaction.longest_idle_seconds} (the longest a session has sat
 * idle inside an open transaction, 0 when none); {@code pg.replication.lag_seconds} (a
 * standby's replay lag, or each replica's on a primary, labelled {@code replica}). A server that
 * cannot be reached is {@code pg.up} 0.
 */
@Extension
public class PostgresStats implements Collector {
    @Override
    public String id() {
        return "postgres.stats";
    }

    @Override
    public String description() {
        return "PostgreSQL connections, long-running and blocked queries (with pids), replication lag "
                + "(settings: url, user, password, longQuerySeconds 30)";
    }

    @Override
    public List<String> validate(PluginSettings target) {
        List<String> problems = new ArrayList<>();
        try {
            String url = target.requiredString("url");
            if (!url.startsWith("jdbc:postgresql://")) {
                problems.add(target.path() + ".url must be a jdbc:postgresql:// URL");
            }
            target.integer("longQuerySeconds", 30, 1, 86_400);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    @Override
    public List<Reading> collect(CollectorContext context) throws SQLException {
        PluginSettings settings = context.settings();
        Properties properties = new Properties();
        settings.string("user").ifPresent(user -> properties.setProperty("user", user));
        settings.string("password").ifPresent(password -> properties.setProperty("password", PluginSettings.withEnvironment(password)));
        long seconds = Math.max(1, context.remaining().toSeconds());
        properties.setProperty("connectTimeout", Long.toString(seconds));
        properties.setProperty("socketTimeout", Long.toString(seconds));
        properties.setProperty("ApplicationName", "homeostat collector");
        int longQuery = settings.integer("longQuerySeconds", 30, 1, 86_400);
        List<Reading> readings = new ArrayList<>();
        try (Connection connection = new org.postgresql.Driver().connect(settings.requiredString("url"), properties)) {
            if (connection == null) {
                throw new SQLException("the driver does not accept the URL");
            }
            connection.setReadOnly(true);
            double max = single(connection, "SHOW max_connections");
            double used = single(connection, "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'");
            readings.add(Reading.of("pg.up", 1));
            readings.add(Reading.of("pg.connections.used", used));
            readings.add(Reading.of("pg.connections.max", max));
            readings.add(Reading.of("pg.connections.used_percent", max > 0 ? 100 * used / max : 0, "percent"));
            int longRunning = 0;
            try (PreparedStatement query = connection.prepareStatement("SELECT pid, usename, datname, "
                    + "EXTRACT(EPOCH FROM (clock_timestamp() - query_start)) AS seconds FROM pg_stat_activity "
                    + "WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid() "
                    + "AND query_start < clock_timestamp() - make_interval(secs => ?) ORDER BY query_start LIMIT 100")) {
                query.setInt(1, longQuery);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        longRunning++;
                        readings.add(Reading.of("pg.query.seconds", rows.getDouble("seconds"), "s").labelled(Map.of(
                                "pid", Long.toString(rows.getLong("pid")), "user", String.valueOf(rows.getString("usename")),
                                "database", String.valueOf(rows.getString("datname")))));
                    }
                }
            }
            readings.add(Reading.of("pg.queries.long_running", longRunning));
            // Every collection, 0 when nothing runs: the slow_query rule's healthy reading.
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT COALESCE(MAX(EXTRACT(EPOCH FROM (clock_timestamp() - query_start))), 0) "
                         + "FROM pg_stat_activity WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()")) {
                rows.next();
                readings.add(Reading.of("pg.query.longest_seconds", rows.getDouble(1), "s"));
            }
            int blocked = 0;
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT pid, array_to_string(pg_blocking_pids(pid), ',') AS blockers, "
                         + "EXTRACT(EPOCH FROM (clock_timestamp() - COALESCE(state_change, query_start))) AS seconds "
                         + "FROM pg_stat_activity WHERE cardinality(pg_blocking_pids(pid)) > 0 LIMIT 100")) {
                while (rows.next()) {
                    blocked++;
                    readings.add(Reading.of("pg.query.blocked_seconds", rows.getDouble("seconds"), "s").labelled(Map.of(
                            "pid", Long.toString(rows.getLong("pid")), "blocked_by", rows.getString("blockers"))));
                }
            }
            readings.add(Reading.of("pg.queries.blocked", blocked));
            // Every collection, 0 when none: the lock_contention and idle_in_transaction rules' healthy readings.
            readings.add(Reading.of("pg.query.longest_blocked_seconds", single(connection, "SELECT COALESCE(MAX(EXTRACT(EPOCH FROM "
                    + "(clock_timestamp() - query_start))), 0) FROM pg_stat_activity WHERE cardinality(pg_blocking_pids(pid)) > 0"), "s"));
            readings.add(Reading.of("pg.transaction.longest_idle_seconds", single(connection, "SELECT COALESCE(MAX(EXTRACT(EPOCH FROM "
                    + "(clock_timestamp() - state_change))), 0) FROM pg_stat_activity WHERE backend_type = 'client backend' "
                    + "AND state IN ('idle in transaction', 'idle in transaction (aborted)')"), "s"));
            replication(connection, readings);
        }
        return readings;
    }

    /** A standby's replay lag, or each replica's on a primary; nothing for a server that replicates nothing. */
    private static void replication(Connection connection, List<Reading> readings) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT pg_is_in_recovery() AS standby, "
                     + "EXTRACT(EPOCH FROM (clock_timestamp() - pg_last_xact_replay_timestamp())) AS lag")) {
            if (rows.next() && rows.getBoolean("standby")) {
                double lag = rows.getDouble("lag");
                if (!rows.wasNull()) {
                    readings.add(Reading.of("pg.replication.lag_seconds", lag, "s"));
                }
                return;
            }
        }
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT application_name, EXTRACT(EPOCH FROM replay_lag) AS lag "
                     + "FROM pg_stat_replication")) {
            while (rows.next()) {
                double lag = rows.getDouble("lag");
                readings.add(Reading.of("pg.replication.lag_seconds", rows.wasNull() ? 0 : lag, "s")
                        .labelled(Map.of("replica", String.valueOf(rows.getString("application_name")))));
            }
        }
    }

    private static double single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return Double.parseDouble(rows.getString(1));
        }
    }

    @Override
    public List<Reading> failed(CollectorContext context, String cause) {
        return List.of(Reading.of("pg.up", 0));
    }
}

package io.homeostat.plugins.postgres;

import io.homeostat.plugin.api.ActionContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the postgres actions look for in pg_stat_activity, which of it the target's limits let them
 * touch, and the signals (cancel, then terminate) with a wait for each to take effect.
 */
final class Backends {
    /** A long-running active query. */
    static final String LONG_QUERY = "a.state = 'active' AND a.query_start < clock_timestamp() - make_interval(secs => ?)";
    /** A session idle inside an open transaction. */
    static final String IDLE_IN_TRANSACTION = "a.state IN ('idle in transaction', 'idle in transaction (aborted)') "
            + "AND a.state_change < clock_timestamp() - make_interval(secs => ?)";
    /**
     * The head of a lock chain: a backend that blocks one waiting longer than the bound, and is not waiting itself
     * (killing a backend in the middle of the chain would free nothing).
     */
    static final String CHAIN_HEAD = "cardinality(pg_blocking_pids(a.pid)) = 0 AND a.pid IN (SELECT unnest(pg_blocking_pids(b.pid)) "
            + "FROM pg_stat_activity b WHERE cardinality(pg_blocking_pids(b.pid)) > 0 "
            + "AND b.query_start < clock_timestamp() - make_interval(secs => ?))";

    private Backends() {
    }

    /** The client backends (never this connection's own, never a WAL sender) that match {@code condition} for {@code seconds}. */
    static List<Backend> find(Connection connection, PostgresTarget target, String condition, int seconds) throws SQLException {
        String sql = "SELECT a.pid, a.usename, a.datname, a.state, "
                + "CASE WHEN a.state = 'active' THEN a.query_start ELSE a.state_change END AS since, "
                + "EXTRACT(EPOCH FROM clock_timestamp() - CASE WHEN a.state = 'active' THEN a.query_start ELSE a.state_change END) AS seconds, "
                + "COALESCE(r.rolsuper, false) AS superuser "
                + "FROM pg_stat_activity a LEFT JOIN pg_roles r ON r.oid = a.usesysid "
                + "WHERE a.backend_type = 'client backend' AND a.pid <> pg_backend_pid() "
                + (target.allDatabases() ? "" : "AND a.datname = current_database() ")
                + "AND " + condition + " ORDER BY since LIMIT 1000";
        List<Backend> out = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setInt(1, seconds);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    out.add(new Backend(rows.getLong("pid"), String.valueOf(rows.getString("usename")), String.valueOf(rows.getString("datname")),
                            rows.getString("state"), rows.getTimestamp("since"), rows.getDouble("seconds"), rows.getBoolean("superuser")));
                }
            }
        }
        return out;
    }

    /** Why the target's limits keep this backend out of reach, or null when the action may signal it. */
    static String protectedBecause(PostgresTarget target, Backend backend) {
        if (backend.superuser() && !target.allowSuperuser()) {
            return "superuser";
        }
        if (target.protectUsers().contains(backend.user())) {
            return "protected user";
        }
        if (!target.onlyUsers().isEmpty() && !target.onlyUsers().contains(backend.user())) {
            return "not in onlyUsers";
        }
        return null;
    }

    /** Sends {@code function} (pg_cancel_backend or pg_terminate_backend) to the backend if it still runs the same work. */
    static boolean signal(Connection connection, Backend backend, String function) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + function + "(a.pid) FROM pg_stat_activity a "
                + "WHERE a.pid = ? AND CASE WHEN a.state = 'active' THEN a.query_start ELSE a.state_change END = ?")) {
            statement.setLong(1, backend.pid());
            statement.setTimestamp(2, backend.since());
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() && rows.getBoolean(1);
            }
        }
    }

    /** Whether the backend still does the same work (same pid, same start), e.g. after a cancel it ignored. */
    static boolean stillThere(Connection connection, Backend backend, String condition, int seconds) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM pg_stat_activity a WHERE a.pid = ? "
                + "AND CASE WHEN a.state = 'active' THEN a.query_start ELSE a.state_change END = ? AND " + condition)) {
            statement.setLong(1, backend.pid());
            statement.setTimestamp(2, backend.since());
            statement.setInt(3, seconds);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }

    /** The backends still there after waiting up to the grace period (or the call's deadline) for them to go. */
    static List<Backend> awaitGone(Connection connection, List<Backend> signalled, String condition, int seconds, Duration grace,
                                   ActionContext context) throws SQLException, InterruptedException {
        Instant until = Instant.now().plus(grace);
        List<Backend> left = new ArrayList<>(signalled);
        while (true) {
            List<Backend> still = new ArrayList<>();
            for (Backend backend : left) {
                if (stillThere(connection, backend, condition, seconds)) {
                    still.add(backend);
                }
            }
            left = still;
            if (left.isEmpty() || Instant.now().isAfter(until) || context.remaining().compareTo(Duration.ofMillis(500)) < 0) {
                return left;
            }
            Thread.sleep(100);
        }
    }

    static Map<String, Integer> count(List<String> reasons) {
        Map<String, Integer> out = new LinkedHashMap<>();
        reasons.forEach(reason -> out.merge(reason, 1, Integer::sum));
        return out;
    }
}

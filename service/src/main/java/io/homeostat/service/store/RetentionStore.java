package io.homeostat.service.store;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.sql.Clob;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The rows retention archives and then deletes, read as plain column → value maps (times as ISO-8601
 * text, text columns as strings) so that the archive holds every column as it was, whatever the
 * database. Each read is of a bounded batch, and each delete one short transaction, so that the
 * outbox writer and the API are never held behind a long one.
 */
public final class RetentionStore {
    /** Everything recorded about one incident: the issue and the rows that belong to it, archived as one line. */
    public record IssueBundle(String issueId, Map<String, Object> bundle) {
    }

    /** A batch of rows of one table and the condition that deletes exactly them. */
    public record Batch(List<Map<String, Object>> rows, Instant through) {
    }

    private final Jdbi jdbi;

    RetentionStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Resolved issues whose resolution is older than {@code before}, oldest first, each with all its rows. */
    public List<IssueBundle> resolvedIssues(Instant before, int limit) {
        return jdbi.withHandle(handle -> {
            // Ordered as the index issues_state_resolved is (state is one value here), so that the database reads the
            // oldest `limit` from the index and stops: ordered by resolved_at and id, H2 read and sorted every resolved
            // issue past the age for each batch (a backlog of 100,000 took minutes of CPU beside the engine).
            List<Map<String, Object>> issues = rows(handle.createQuery("SELECT * FROM issues WHERE state = 'resolved' AND resolved_at < :before "
                    + "ORDER BY state, resolved_at LIMIT :limit").bind("before", before).bind("limit", limit).mapToMap().list());
            if (issues.isEmpty()) {
                return List.<IssueBundle>of();
            }
            List<String> ids = issues.stream().map(issue -> (String) issue.get("id")).toList();
            // Each table read once for the whole batch (not once per issue), then grouped by issue.
            Map<String, Map<String, Object>> bundles = new LinkedHashMap<>();
            for (Map<String, Object> issue : issues) {
                Map<String, Object> bundle = new LinkedHashMap<>();
                bundle.put("issue", issue);
                bundles.put((String) issue.get("id"), bundle);
            }
            for (String table : List.of("proposals", "decisions", "remediations", "approvals", "escalations")) {
                group(bundles, table, rows(handle.createQuery("SELECT * FROM " + table + " WHERE issue_id IN (<ids>)").bindList("ids", ids)
                        .mapToMap().list()), row -> (String) row.get("issue_id"));
            }
            group(bundles, "escalation_deliveries", rows(handle.createQuery("SELECT e.issue_id AS homeostat_issue_id, d.* FROM escalation_deliveries d "
                    + "JOIN escalations e ON e.id = d.escalation_id WHERE e.issue_id IN (<ids>)").bindList("ids", ids).mapToMap().list()),
                    row -> (String) row.remove("homeostat_issue_id"));
            return bundles.entrySet().stream().map(entry -> new IssueBundle(entry.getKey(), entry.getValue())).toList();
        });
    }

    @SuppressWarnings("unchecked")
    private static void group(Map<String, Map<String, Object>> bundles, String table, List<Map<String, Object>> rows,
                              java.util.function.Function<Map<String, Object>, String> issueOf) {
        bundles.values().forEach(bundle -> bundle.put(table, new ArrayList<Map<String, Object>>()));
        for (Map<String, Object> row : rows) {
            Map<String, Object> bundle = bundles.get(issueOf.apply(row));
            if (bundle != null) {
                ((List<Map<String, Object>>) bundle.get(table)).add(row);
            }
        }
    }

    /** Deletes the issues and every row that belongs to them, in one transaction, children first (the foreign keys). */
    public int deleteIssues(List<String> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        return jdbi.inTransaction(handle -> {
            // Only issues still resolved: one that came back since it was read stays, with everything it has.
            List<String> resolved = handle.createQuery("SELECT id FROM issues WHERE id IN (<ids>) AND state = 'resolved' FOR UPDATE")
                    .bindList("ids", ids).mapTo(String.class).list();
            if (resolved.isEmpty()) {
                return 0;
            }
            handle.createUpdate("DELETE FROM escalation_deliveries WHERE escalation_id IN (SELECT id FROM escalations WHERE issue_id IN (<ids>))")
                    .bindList("ids", resolved).execute();
            for (String table : List.of("escalations", "approvals", "proposals", "remediations", "decisions")) {
                handle.createUpdate("DELETE FROM " + table + " WHERE issue_id IN (<ids>)").bindList("ids", resolved).execute();
            }
            return handle.createUpdate("DELETE FROM issues WHERE id IN (<ids>)").bindList("ids", resolved).execute();
        });
    }

    /** Remediations of resolved issues created before {@code before}, oldest first. */
    public List<Map<String, Object>> remediations(Instant before, int limit) {
        return jdbi.withHandle(handle -> rows(handle.createQuery("SELECT r.* FROM remediations r JOIN issues i ON i.id = r.issue_id "
                + "WHERE i.state = 'resolved' AND r.created_at < :before ORDER BY r.created_at, r.id LIMIT :limit")
                .bind("before", before).bind("limit", limit).mapToMap().list()));
    }

    /**
     * Decisions of resolved issues decided before {@code before} whose remediation is gone (a remediation refers
     * to its decision), oldest first.
     */
    public List<Map<String, Object>> decisions(Instant before, int limit) {
        return jdbi.withHandle(handle -> rows(handle.createQuery("SELECT d.* FROM decisions d JOIN issues i ON i.id = d.issue_id "
                + "WHERE i.state = 'resolved' AND d.decided_at < :before "
                + "AND NOT EXISTS (SELECT 1 FROM remediations r WHERE r.decision_id = d.id) ORDER BY d.decided_at, d.id LIMIT :limit")
                .bind("before", before).bind("limit", limit).mapToMap().list()));
    }

    /** Deletes rows of {@code table} by id, in one transaction. */
    public int deleteByIds(String table, List<String> ids) {
        if (!List.of("remediations", "decisions").contains(table)) {
            throw new IllegalArgumentException("not a table retention deletes by id: " + table);
        }
        if (ids.isEmpty()) {
            return 0;
        }
        return jdbi.inTransaction(handle -> handle.createUpdate("DELETE FROM " + table + " WHERE id IN (<ids>)").bindList("ids", ids).execute());
    }

    /**
     * Health points older than {@code before} and newer than {@code after} (null: from the oldest): about {@code limit}
     * of the oldest, and every point of the last instant among them (the table has no key: a batch ends at a whole
     * instant, so the delete takes exactly what was read). Each batch starts after the last one's end, so that the
     * index scan does not walk again over the entries of rows just deleted (PostgreSQL keeps them until vacuum).
     */
    public Batch healthHistory(Instant after, Instant before, int limit) {
        String from = after == null ? "" : " AND at > :after";
        return jdbi.withHandle(handle -> {
            List<Map<String, Object>> last = bindAfter(handle.createQuery("SELECT at FROM health_history WHERE at < :before" + from + " ORDER BY at "
                    + "OFFSET :skip ROWS FETCH FIRST 1 ROWS ONLY"), after).bind("before", before).bind("skip", limit - 1).mapToMap().list();
            Instant through;
            if (last.isEmpty()) {
                Map<String, Object> newest = bindAfter(handle.createQuery("SELECT MAX(at) AS at FROM health_history WHERE at < :before" + from), after)
                        .bind("before", before).mapToMap().one();
                if (newest.get("at") == null) {
                    return new Batch(List.of(), null);
                }
                through = instant(newest.get("at"));
            } else {
                through = instant(last.get(0).get("at"));
            }
            return new Batch(rows(bindAfter(handle.createQuery("SELECT * FROM health_history WHERE at <= :through" + from
                    + " ORDER BY at, tenant, category"), after).bind("through", through).mapToMap().list()), through);
        });
    }

    /** Deletes the health points of a batch: newer than {@code after} (null: from the oldest), up to {@code through}. */
    public int deleteHealthHistory(Instant after, Instant through) {
        String from = after == null ? "" : " AND at > :after";
        return jdbi.inTransaction(handle -> bindAfter(handle.createUpdate("DELETE FROM health_history WHERE at <= :through" + from), after)
                .bind("through", through).execute());
    }

    private static <T extends org.jdbi.v3.core.statement.SqlStatement<T>> T bindAfter(T statement, Instant after) {
        return after == null ? statement : statement.bind("after", after);
    }

    private static List<Map<String, Object>> rows(List<Map<String, Object>> raw) {
        List<Map<String, Object>> rows = new ArrayList<>(raw.size());
        for (Map<String, Object> row : raw) {
            Map<String, Object> plain = new LinkedHashMap<>();
            row.forEach((column, value) -> plain.put(column.toLowerCase(java.util.Locale.ROOT), plain(value)));
            rows.add(plain);
        }
        return rows;
    }

    /** A value as JSON can hold it: times as ISO-8601 instants, large text read out of its CLOB. */
    private static Object plain(Object value) {
        if (value instanceof Timestamp || value instanceof OffsetDateTime || value instanceof Instant) {
            return instant(value).toString();
        }
        if (value instanceof Clob clob) {
            try (Reader reader = clob.getCharacterStream(); StringWriter text = new StringWriter()) {
                reader.transferTo(text);
                return text.toString();
            } catch (SQLException | IOException e) {
                throw new IllegalStateException("a text column could not be read for the archive: " + e.getMessage(), e);
            }
        }
        return value;
    }

    private static Instant instant(Object value) {
        if (value instanceof Timestamp timestamp) {
            return timestamp.toInstant();
        }
        if (value instanceof OffsetDateTime time) {
            return time.toInstant();
        }
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof String text) {
            return Instant.parse(text);
        }
        throw new IllegalStateException("not a time: " + value);
    }
}

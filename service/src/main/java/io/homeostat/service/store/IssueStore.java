package io.homeostat.service.store;

import io.homeostat.service.model.IssueRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Issues: written by the engine's output path, read by the API. */
public final class IssueStore {
    /** The listing filter for every issue that is not resolved. */
    public static final String ACTIVE = "active";
    private static final String COLUMNS = "id, tenant, fingerprint, resource, type, severity, category, state, summary, opened_by, "
            + "evidence_count, opened_at, last_evidence_at, resolved_at, updated_at, reporters, last_clear_at, root_cause, root_cause_chain";

    private final Jdbi jdbi;

    public IssueStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Inserts the issue or updates it in place; called inside the output transaction. */
    void upsert(Handle handle, IssueRecord issue) {
        int updated = handle.createUpdate("UPDATE issues SET severity = :severity, state = :state, summary = :summary, "
                        + "evidence_count = :evidenceCount, last_evidence_at = :lastEvidenceAt, resolved_at = :resolvedAt, "
                        + "updated_at = :updatedAt, reporters = :reporterList, last_clear_at = :lastClearAt, root_cause = :rootCause, "
                        + "root_cause_chain = :rootCauseChain WHERE id = :id")
                .bindMethods(issue)
                .bind("reporterList", reporters(issue))
                .execute();
        if (updated == 0) {
            handle.createUpdate("INSERT INTO issues (" + COLUMNS + ") VALUES (:id, :tenant, :fingerprint, :resource, :type, "
                            + ":severity, :category, :state, :summary, :openedBy, :evidenceCount, :openedAt, :lastEvidenceAt, "
                            + ":resolvedAt, :updatedAt, :reporterList, :lastClearAt, :rootCause, :rootCauseChain)")
                    .bindMethods(issue)
                    .bind("reporterList", reporters(issue))
                    .execute();
        }
    }

    private static String reporters(IssueRecord issue) {
        return DecisionStore.truncate(String.join(",", issue.reporters()), 2000);
    }

    /** Issues that are not resolved: re-asserted into the session at start-up. */
    public List<IssueRecord> active() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM issues WHERE state <> 'resolved' "
                        + "ORDER BY opened_at, id")
                .map((rs, ctx) -> read(rs)).list());
    }

    /** One tenant's issues that are not resolved (the health score of one tenant reads no other's). */
    public List<IssueRecord> active(String tenant) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM issues WHERE state <> 'resolved' "
                        + "AND tenant = :tenant ORDER BY opened_at, id")
                .bind("tenant", tenant).map((rs, ctx) -> read(rs)).list());
    }

    /** How many of one tenant's issues were fixed by an action and resolved since {@code since}. */
    public long countFixedSince(String tenant, Instant since) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(DISTINCT i.id) FROM issues i JOIN proposals p ON p.issue_id = i.id "
                        + "WHERE i.tenant = :tenant AND i.state = 'resolved' AND p.state = 'succeeded' AND i.resolved_at >= :since")
                .bind("tenant", tenant).bind("since", since).mapTo(Long.class).one());
    }

    /**
     * Issues resolved since {@code since}: the session keeps them as tombstones for a signal's
     * lifetime, so that evidence from before the recovery does not open the problem again.
     */
    public List<IssueRecord> resolvedSince(Instant since) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM issues WHERE state = 'resolved' "
                        + "AND resolved_at >= :since ORDER BY opened_at, id")
                .bind("since", since).map((rs, ctx) -> read(rs)).list());
    }

    /** How many issues of {@code tenant} opened since {@code since}. */
    public long openedSince(String tenant, Instant since) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM issues WHERE tenant = :tenant AND opened_at >= :since")
                .bind("tenant", tenant).bind("since", since).mapTo(Long.class).one());
    }

    /** Counts by state, for the statistics totals. */
    public Map<String, Long> countByState(String tenant) {
        return Counts.by(jdbi, "issues", "state", tenant);
    }

    public Optional<IssueRecord> find(String id) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM issues WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> read(rs))
                .findOne());
    }

    /** Issues newest first; {@code state} {@value #ACTIVE} means every state but resolved. */
    public Page<IssueRecord> list(String tenant, String state, String resource, int limit, int offset) {
        boolean active = ACTIVE.equals(state);
        Filter filter = new Filter().equal("tenant", tenant).equal("state", active ? null : state)
                .notEqual("state", active ? "resolved" : null).equal("resource", resource);
        return jdbi.withHandle(handle -> {
            long total = handle.createQuery("SELECT COUNT(*) FROM issues" + filter.where())
                    .bindMap(filter.bindings()).mapTo(Long.class).one();
            var items = handle.createQuery("SELECT " + COLUMNS + " FROM issues" + filter.where()
                            + " ORDER BY opened_at DESC, id LIMIT :limit OFFSET :offset")
                    .bindMap(filter.bindings()).bind("limit", limit).bind("offset", offset)
                    .map((rs, ctx) -> read(rs)).list();
            return new Page<>(items, total, limit, offset);
        });
    }

    /** An issue an action fixed (a succeeded strategy) that resolved at {@code resolvedAt}. */
    public record Fixed(String tenant, String resource, String type, String fixedBy, Instant resolvedAt) {
    }

    /** Issues fixed by an action and resolved since {@code since}: their probation may still run. */
    public List<Fixed> fixedSince(Instant since) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT i.tenant, i.resource, i.type, p.action_id, i.resolved_at "
                        + "FROM issues i JOIN proposals p ON p.issue_id = i.id "
                        + "WHERE i.state = 'resolved' AND p.state = 'succeeded' AND i.resolved_at >= :since ORDER BY i.resolved_at")
                .bind("since", since)
                .map((rs, ctx) -> new Fixed(rs.getString("tenant"), rs.getString("resource"), rs.getString("type"),
                        rs.getString("action_id"), instant(rs, "resolved_at")))
                .list());
    }

    private static IssueRecord read(ResultSet rs) throws SQLException {
        return new IssueRecord(rs.getString("id"), rs.getString("tenant"), rs.getString("fingerprint"), rs.getString("resource"),
                rs.getString("type"), rs.getString("severity"), rs.getString("category"), rs.getString("state"),
                rs.getString("summary"), rs.getString("opened_by"), rs.getInt("evidence_count"), instant(rs, "opened_at"),
                instant(rs, "last_evidence_at"), instant(rs, "resolved_at"), instant(rs, "updated_at"),
                splitReporters(rs.getString("reporters")), instant(rs, "last_clear_at"), rs.getString("root_cause"),
                rs.getString("root_cause_chain"));
    }

    private static List<String> splitReporters(String value) {
        return value == null || value.isEmpty() ? List.of() : List.of(value.split(","));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}

package io.homeostat.service.store;

import io.homeostat.service.model.Actor;
import io.homeostat.service.model.ApprovalRecord;
import io.homeostat.service.model.AuditEvent;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Approval requests: written by the engine's output path, answered through the API. */
public final class ApprovalStore {
    private static final String COLUMNS = "id, decision_id, proposal_id, issue_id, tenant, resource, action_id, risk, state, "
            + "requested_at, expires_at, decided_by, reason, decided_at";

    private final Jdbi jdbi;
    private final AuditStore audit;

    ApprovalStore(Jdbi jdbi, AuditStore audit) {
        this.jdbi = jdbi;
        this.audit = audit;
    }

    void upsert(Handle handle, ApprovalRecord approval) {
        // A human's answer is written by answer() first; the engine's later copy must not undo it.
        int updated = handle.createUpdate("UPDATE approvals SET state = :state, decided_by = :decidedBy, reason = :reason, "
                        + "decided_at = :decidedAt WHERE id = :id AND (state = :pending OR state = :state)")
                .bindMethods(approval).bind("pending", ApprovalRecord.PENDING).execute();
        if (updated == 0 && find(handle, approval.id()).isEmpty()) {
            handle.createUpdate("INSERT INTO approvals (" + COLUMNS + ") VALUES (:id, :decisionId, :proposalId, :issueId, :tenant, "
                            + ":resource, :actionId, :risk, :state, :requestedAt, :expiresAt, :decidedBy, :reason, :decidedAt)")
                    .bindMethods(approval).execute();
        }
    }

    /**
     * Records a human's answer if the approval is still pending and has not expired; false
     * otherwise (already answered, expired, or unknown).
     */
    public boolean answer(String id, boolean approved, Actor by, String reason, Instant now) {
        return jdbi.inTransaction(handle -> {
            boolean answered = handle.createUpdate("UPDATE approvals SET state = :state, decided_by = :by, reason = :reason, "
                            + "decided_at = :now WHERE id = :id AND state = :pending AND expires_at > :now")
                    .bind("state", approved ? "approved" : "rejected").bind("by", by.name())
                    .bind("reason", DecisionStore.truncate(reason, 2000))
                    .bind("now", now).bind("id", id).bind("pending", ApprovalRecord.PENDING).execute() == 1;
            if (answered) {
                ApprovalRecord approval = find(handle, id).orElseThrow();
                audit.append(handle, AuditEvent.of(approval.tenant(), by, approved ? "approval.approved" : "approval.rejected", id, reason,
                        Map.of("before", "pending", "after", approval.state(), "decisionId", approval.decisionId(),
                                "resource", approval.resource(), "action", approval.actionId())), now);
            }
            return answered;
        });
    }

    public Optional<ApprovalRecord> find(String id) {
        return jdbi.withHandle(handle -> find(handle, id));
    }

    private Optional<ApprovalRecord> find(Handle handle, String id) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM approvals WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> read(rs)).findOne();
    }

    public Page<ApprovalRecord> list(String tenant, String state, int limit, int offset) {
        Filter filter = new Filter().equal("tenant", tenant).equal("state", state);
        return jdbi.withHandle(handle -> {
            long total = handle.createQuery("SELECT COUNT(*) FROM approvals" + filter.where())
                    .bindMap(filter.bindings()).mapTo(Long.class).one();
            List<ApprovalRecord> items = handle.createQuery("SELECT " + COLUMNS + " FROM approvals" + filter.where()
                            + " ORDER BY requested_at DESC, id LIMIT :limit OFFSET :offset")
                    .bindMap(filter.bindings()).bind("limit", limit).bind("offset", offset).map((rs, ctx) -> read(rs)).list();
            return new Page<>(items, total, limit, offset);
        });
    }

    /** Pending approvals, and those approved whose proposal has not been decided again yet, for start-up. */
    public List<ApprovalRecord> ofActiveIssues() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT a.* FROM approvals a JOIN issues i ON i.id = a.issue_id "
                        + "WHERE i.state <> 'resolved' ORDER BY a.requested_at, a.id")
                .map((rs, ctx) -> read(rs)).list());
    }

    private static ApprovalRecord read(ResultSet rs) throws SQLException {
        return new ApprovalRecord(rs.getString("id"), rs.getString("decision_id"), rs.getString("proposal_id"), rs.getString("issue_id"),
                rs.getString("tenant"), rs.getString("resource"), rs.getString("action_id"), rs.getString("risk"), rs.getString("state"),
                IssueStore.instant(rs, "requested_at"), IssueStore.instant(rs, "expires_at"), rs.getString("decided_by"),
                rs.getString("reason"), IssueStore.instant(rs, "decided_at"));
    }
}

package io.homeostat.service.store;

import io.homeostat.service.model.EscalationRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Escalations, one per issue, and whether the notifier delivered them. */
public final class EscalationStore {
    private static final String COLUMNS = "id, issue_id, tenant, resource, issue_type, reason, created_at, state, message, sent_at";

    private final Jdbi jdbi;

    EscalationStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Inserts it unless the issue already has one; true when it is new (and must be delivered). */
    boolean insertIfNew(Handle handle, EscalationRecord escalation) {
        boolean exists = handle.createQuery("SELECT COUNT(*) FROM escalations WHERE issue_id = :issueId")
                .bind("issueId", escalation.issueId()).mapTo(Long.class).one() > 0;
        if (exists) {
            return false;
        }
        handle.createUpdate("INSERT INTO escalations (" + COLUMNS + ") VALUES (:id, :issueId, :tenant, :resource, :issueType, :reason, "
                + ":createdAt, :state, :message, :sentAt)").bindMethods(escalation).execute();
        return true;
    }

    /**
     * Records how a delivery ended. Called also from a sender the shutdown interrupted: the write runs
     * with the interrupt status cleared (and restored after), because an interrupt during H2's file I/O
     * closes its file channel and H2 then refuses every write until the database is reopened.
     */
    public void delivered(String id, String state, String message, Instant sentAt) {
        boolean interrupted = Thread.interrupted();
        try {
            jdbi.useHandle(handle -> handle.createUpdate("UPDATE escalations SET state = :state, message = :message, sent_at = :sentAt "
                            + "WHERE id = :id")
                    .bind("state", state).bind("message", DecisionStore.truncate(message, 4000)).bind("sentAt", sentAt).bind("id", id)
                    .execute());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public Optional<EscalationRecord> forIssue(String issueId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM escalations WHERE issue_id = :issueId")
                .bind("issueId", issueId).map((rs, ctx) -> read(rs)).findOne());
    }

    /**
     * What a stop or crash left undelivered: every escalation still pending (committed, but the
     * sender never ran), and failed deliveries of issues that are not resolved (the notify settings
     * may have been fixed since: a restart is how they change).
     */
    public List<EscalationRecord> undelivered() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT e.* FROM escalations e JOIN issues i ON i.id = e.issue_id "
                        + "WHERE e.state = :pending OR (e.state = :failed AND i.state <> 'resolved') ORDER BY e.created_at, e.id")
                .bind("pending", EscalationRecord.PENDING).bind("failed", EscalationRecord.FAILED)
                .map((rs, ctx) -> read(rs)).list());
    }

    /** Escalations of unresolved issues (the rules' deduplication after a restart). */
    public List<EscalationRecord> ofActiveIssues() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT e.* FROM escalations e JOIN issues i ON i.id = e.issue_id "
                        + "WHERE i.state <> 'resolved' ORDER BY e.created_at, e.id")
                .map((rs, ctx) -> read(rs)).list());
    }

    /** Escalations of one tenant, or of all when {@code tenant} is null. */
    public long count(String tenant) {
        Filter filter = new Filter().equal("tenant", tenant);
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM escalations" + filter.where())
                .bindMap(filter.bindings()).mapTo(Long.class).one());
    }

    private static EscalationRecord read(ResultSet rs) throws SQLException {
        return new EscalationRecord(rs.getString("id"), rs.getString("issue_id"), rs.getString("tenant"), rs.getString("resource"),
                rs.getString("issue_type"), rs.getString("reason"), IssueStore.instant(rs, "created_at"), rs.getString("state"),
                rs.getString("message"), IssueStore.instant(rs, "sent_at"));
    }
}

package io.homeostat.service.store;

import io.homeostat.service.model.EscalationDelivery;
import io.homeostat.service.model.EscalationRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Escalations, one per issue, and whether the notifier delivered them: each channel's delivery, and the escalation's state from all of them. */
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
     * Records how one channel's delivery ended, and sets the escalation's own state from all its
     * channels: sent when every channel has it, failed when one failed (redelivery tries the ones not
     * sent), pending otherwise. Called also from a sender the shutdown interrupted: the write runs with
     * the interrupt status cleared (and restored after), because an interrupt during H2's file I/O closes
     * its file channel and H2 then refuses every write until the database is reopened.
     */
    public void deliveredTo(String id, String channel, String state, String message, Instant at, List<String> channels) {
        boolean interrupted = Thread.interrupted();
        try {
            jdbi.useTransaction(handle -> {
                String text = DecisionStore.truncate(message, 4000);
                int updated = handle.createUpdate("UPDATE escalation_deliveries SET state = :state, message = :message, attempts = attempts + 1, "
                                + "updated_at = :at WHERE escalation_id = :id AND channel = :channel")
                        .bind("state", state).bind("message", text).bind("at", at).bind("id", id).bind("channel", channel).execute();
                if (updated == 0) {
                    handle.createUpdate("INSERT INTO escalation_deliveries (escalation_id, channel, state, message, attempts, updated_at) "
                                    + "VALUES (:id, :channel, :state, :message, 1, :at)")
                            .bind("state", state).bind("message", text).bind("at", at).bind("id", id).bind("channel", channel).execute();
                }
                Map<String, EscalationDelivery> byChannel = new LinkedHashMap<>();
                for (EscalationDelivery delivery : deliveries(handle, id)) {
                    byChannel.put(delivery.channel(), delivery);
                }
                String overall = overall(channels, byChannel);
                String summary = channels.size() == 1 ? text : String.join("; ", channels.stream().map(name -> {
                    EscalationDelivery delivery = byChannel.get(name);
                    return delivery == null ? name + ": pending" : name + ": " + delivery.state() + " (" + delivery.message() + ")";
                }).toList());
                handle.createUpdate("UPDATE escalations SET state = :state, message = :message, sent_at = :sentAt WHERE id = :id")
                        .bind("state", overall).bind("message", DecisionStore.truncate(summary, 4000)).bind("sentAt", at).bind("id", id)
                        .execute();
            });
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String overall(List<String> channels, Map<String, EscalationDelivery> byChannel) {
        boolean failed = false;
        boolean pending = false;
        for (String channel : channels) {
            EscalationDelivery delivery = byChannel.get(channel);
            String state = delivery == null ? EscalationRecord.PENDING : delivery.state();
            failed |= EscalationRecord.FAILED.equals(state);
            pending |= EscalationRecord.PENDING.equals(state);
        }
        return failed ? EscalationRecord.FAILED : pending ? EscalationRecord.PENDING : EscalationRecord.SENT;
    }

    /** Each channel's delivery of one escalation, in the order they were first tried. */
    public List<EscalationDelivery> deliveries(String escalationId) {
        return jdbi.withHandle(handle -> deliveries(handle, escalationId));
    }

    private static List<EscalationDelivery> deliveries(Handle handle, String escalationId) {
        return handle.createQuery("SELECT escalation_id, channel, state, message, attempts, updated_at FROM escalation_deliveries "
                        + "WHERE escalation_id = :id ORDER BY updated_at, channel")
                .bind("id", escalationId)
                .map((rs, ctx) -> new EscalationDelivery(rs.getString("escalation_id"), rs.getString("channel"), rs.getString("state"),
                        rs.getString("message"), rs.getInt("attempts"), IssueStore.instant(rs, "updated_at")))
                .list();
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

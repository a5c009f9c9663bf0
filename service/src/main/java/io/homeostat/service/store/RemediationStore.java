package io.homeostat.service.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.homeostat.service.model.Actor;
import io.homeostat.service.model.AuditEvent;
import io.homeostat.service.model.RemediationRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Remediation records. A pending row is written in the same transaction as its decision; the
 * executor moves it to running and then to succeeded or failed. Each state change is guarded by
 * the state it expects, so that an attempt can never be started twice.
 */
public final class RemediationStore {
    private static final String COLUMNS = "id, decision_id, issue_id, tenant, resource, action_id, plugin_id, state, message, details, "
            + "created_at, started_at, finished_at, duration_ms, attempts, rollback_state, rollback_message";
    private static final TypeReference<Map<String, String>> DETAILS = new TypeReference<>() { };

    private final Jdbi jdbi;
    private final JsonColumns json;
    private final AuditStore audit;

    RemediationStore(Jdbi jdbi, JsonColumns json, AuditStore audit) {
        this.jdbi = jdbi;
        this.json = json;
        this.audit = audit;
    }

    /** Records a state change of one attempt in the audit, inside the transaction that made it. */
    private void audited(Handle handle, String id, String kind, String reason, Map<String, Object> detail, Instant at, Actor actor) {
        var row = handle.createQuery("SELECT tenant, resource, action_id, decision_id FROM remediations WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> new String[] {rs.getString("tenant"), rs.getString("resource"), rs.getString("action_id"),
                        rs.getString("decision_id")}).findOne();
        if (row.isEmpty()) {
            return;
        }
        Map<String, Object> all = new java.util.LinkedHashMap<>();
        all.put("resource", row.get()[1]);
        all.put("action", row.get()[2]);
        all.put("decisionId", row.get()[3]);
        all.putAll(detail);
        audit.append(handle, AuditEvent.of(row.get()[0], actor, kind, id, reason, all), at);
    }

    void insertPending(Handle handle, RemediationRecord remediation) {
        handle.createUpdate("INSERT INTO remediations (" + COLUMNS + ") VALUES (:id, :decisionId, :issueId, :tenant, :resource, "
                        + ":actionId, :pluginId, :state, :message, :detailsJson, :createdAt, :startedAt, :finishedAt, :durationMillis, "
                        + ":attempts, :rollbackState, :rollbackMessage)")
                .bindMethods(remediation)
                .bind("detailsJson", json.write(remediation.details()))
                .execute();
    }

    /**
     * pending → cancelled for the attempt of {@code decisionId}, with why; empty when it is not pending
     * (it started, or there is none): then nothing changes.
     */
    public Optional<RemediationRecord> cancelPending(String decisionId, String reason, Instant at) {
        return jdbi.inTransaction(handle -> {
            Optional<RemediationRecord> pending = handle.createQuery("SELECT " + COLUMNS + " FROM remediations WHERE decision_id = :did "
                    + "AND state = :pending").bind("did", decisionId).bind("pending", RemediationRecord.PENDING)
                    .map((rs, ctx) -> read(rs)).findOne();
            if (pending.isEmpty()) {
                return Optional.empty();
            }
            boolean cancelled = handle.createUpdate("UPDATE remediations SET state = :cancelled, message = :message, finished_at = :at "
                            + "WHERE id = :id AND state = :pending")
                    .bind("cancelled", RemediationRecord.CANCELLED).bind("pending", RemediationRecord.PENDING)
                    .bind("message", DecisionStore.truncate(reason, 4000)).bind("at", at).bind("id", pending.get().id()).execute() == 1;
            if (!cancelled) {
                return Optional.empty();
            }
            audited(handle, pending.get().id(), "remediation.cancelled", reason, Map.of("before", "pending", "after", "cancelled"), at,
                    Actor.EXECUTOR);
            return pending;
        });
    }

    /** pending → running; false when the attempt is not pending any more (it already ran). */
    public boolean markRunning(String id, String pluginId, Instant startedAt) {
        return jdbi.inTransaction(handle -> {
            boolean started = handle.createUpdate("UPDATE remediations SET state = :running, plugin_id = :pluginId, "
                            + "started_at = :startedAt, message = :message WHERE id = :id AND state = :pending")
                    .bind("running", RemediationRecord.RUNNING).bind("pending", RemediationRecord.PENDING)
                    .bind("pluginId", pluginId).bind("startedAt", startedAt).bind("message", "running").bind("id", id)
                    .execute() == 1;
            if (started) {
                audited(handle, id, "remediation.running", null, Map.of("before", "pending", "after", "running", "plugin", pluginId),
                        startedAt, Actor.EXECUTOR);
            }
            return started;
        });
    }

    /** Keeps a reversible action's snapshot, before it acts. */
    public void saveSnapshot(String id, String snapshot) {
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE remediations SET snapshot = :snapshot WHERE id = :id")
                .bind("snapshot", snapshot).bind("id", id).execute());
    }

    public Optional<String> snapshot(String id) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT snapshot FROM remediations WHERE id = :id")
                .bind("id", id).mapTo(String.class).findOne());
    }

    /** pending or running → succeeded or failed, with what happened. */
    public void finish(String id, String state, String message, Map<String, String> details, Instant finishedAt, Long durationMillis,
                       int attempts) {
        jdbi.useTransaction(handle -> {
            String before = handle.createQuery("SELECT state FROM remediations WHERE id = :id").bind("id", id).mapTo(String.class)
                    .findOne().orElse(null);
            int updated = handle.createUpdate("UPDATE remediations SET state = :state, message = :message, details = :details, "
                            + "finished_at = :finishedAt, duration_ms = :durationMillis, attempts = :attempts "
                            + "WHERE id = :id AND state IN (:pending, :running)")
                    .bind("state", state).bind("message", DecisionStore.truncate(message, 4000)).bind("details", json.write(details))
                    .bind("finishedAt", finishedAt).bind("durationMillis", durationMillis).bind("attempts", attempts).bind("id", id)
                    .bind("pending", RemediationRecord.PENDING).bind("running", RemediationRecord.RUNNING)
                    .execute();
            if (updated == 1) {
                audited(handle, id, "remediation." + state, message, Map.of("before", before, "after", state, "attempts", attempts),
                        finishedAt, Actor.EXECUTOR);
            }
        });
    }

    public void recordRollback(String id, String state, String message) {
        jdbi.useTransaction(handle -> {
            handle.createUpdate("UPDATE remediations SET rollback_state = :state, rollback_message = :message WHERE id = :id")
                    .bind("state", state).bind("message", DecisionStore.truncate(message, 4000)).bind("id", id).execute();
            audited(handle, id, "rollback." + state, message, Map.of(), Instant.now(), Actor.EXECUTOR);
        });
    }

    /**
     * Start-up reconciliation: every attempt a crash left pending is marked interrupted and returned
     * as it was, so that the gates decide it again. Nothing is ever run again under the same id.
     */
    public List<RemediationRecord> interruptPending(Instant now) {
        return jdbi.inTransaction(handle -> {
            List<RemediationRecord> pending = handle.createQuery("SELECT " + COLUMNS + " FROM remediations "
                            + "WHERE state = :pending ORDER BY created_at, id")
                    .bind("pending", RemediationRecord.PENDING).map((rs, ctx) -> read(rs)).list();
            for (RemediationRecord remediation : pending) {
                interrupt(handle, remediation, "interrupted by a restart before it started; the gates decide again", now);
            }
            return pending;
        });
    }

    /** Attempts a crash left running: the executor asks their plugins to look at the world and finish them (reconcile). */
    public List<RemediationRecord> running() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM remediations WHERE state = :running "
                        + "ORDER BY created_at, id")
                .bind("running", RemediationRecord.RUNNING).map((rs, ctx) -> read(rs)).list());
    }

    /** running → interrupted: its plugin could not tell whether it acted, so verification decides whether it helped. */
    public void interruptRunning(RemediationRecord remediation, String message, Instant now) {
        jdbi.useTransaction(handle -> interrupt(handle, remediation, message, now));
    }

    private void interrupt(org.jdbi.v3.core.Handle handle, RemediationRecord remediation, String message, Instant now) {
        int updated = handle.createUpdate("UPDATE remediations SET state = :interrupted, message = :message, finished_at = :now "
                        + "WHERE id = :id AND state = :state")
                .bind("interrupted", RemediationRecord.INTERRUPTED).bind("message", message).bind("now", now)
                .bind("id", remediation.id()).bind("state", remediation.state()).execute();
        if (updated == 1) {
            audited(handle, remediation.id(), "remediation.interrupted", message,
                    Map.of("before", remediation.state(), "after", RemediationRecord.INTERRUPTED), now, Actor.START_UP);
        }
    }

    /** Attempts that passed the gates since {@code since}: the rate windows' events, re-asserted at start-up. */
    public List<RemediationRecord> startedSince(Instant since) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM remediations WHERE created_at >= :since "
                        + "ORDER BY created_at, id")
                .bind("since", since).map((rs, ctx) -> read(rs)).list());
    }

    /** Counts by state, for the statistics totals. */
    public Map<String, Long> countByState(String tenant) {
        return Counts.by(jdbi, "remediations", "state", tenant);
    }

    public Optional<RemediationRecord> find(String id) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM remediations WHERE id = :id")
                .bind("id", id).map((rs, ctx) -> read(rs)).findOne());
    }

    public Optional<RemediationRecord> forDecision(String decisionId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM remediations WHERE decision_id = :decisionId")
                .bind("decisionId", decisionId).map((rs, ctx) -> read(rs)).findOne());
    }

    public List<RemediationRecord> forIssue(String issueId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM remediations WHERE issue_id = :issueId "
                        + "ORDER BY created_at, id")
                .bind("issueId", issueId).map((rs, ctx) -> read(rs)).list());
    }

    public Page<RemediationRecord> list(String tenant, String state, String resource, String issueId, int limit, int offset) {
        Filter filter = new Filter().equal("tenant", tenant).equal("state", state).equal("resource", resource).equal("issue_id", issueId);
        return jdbi.withHandle(handle -> {
            long total = handle.createQuery("SELECT COUNT(*) FROM remediations" + filter.where())
                    .bindMap(filter.bindings()).mapTo(Long.class).one();
            var items = handle.createQuery("SELECT " + COLUMNS + " FROM remediations" + filter.where()
                            + " ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset")
                    .bindMap(filter.bindings()).bind("limit", limit).bind("offset", offset)
                    .map((rs, ctx) -> read(rs)).list();
            return new Page<>(items, total, limit, offset);
        });
    }

    private RemediationRecord read(ResultSet rs) throws SQLException {
        long duration = rs.getLong("duration_ms");
        Long durationMillis = rs.wasNull() ? null : duration;
        return new RemediationRecord(rs.getString("id"), rs.getString("decision_id"), rs.getString("issue_id"), rs.getString("tenant"),
                rs.getString("resource"), rs.getString("action_id"), rs.getString("plugin_id"), rs.getString("state"),
                rs.getString("message"), json.read(rs.getString("details"), DETAILS), IssueStore.instant(rs, "created_at"),
                IssueStore.instant(rs, "started_at"), IssueStore.instant(rs, "finished_at"), durationMillis, rs.getInt("attempts"),
                rs.getString("rollback_state"), rs.getString("rollback_message"));
    }
}

package io.homeostat.service.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.homeostat.service.model.Actor;
import io.homeostat.service.model.AuditEvent;
import io.homeostat.service.model.Lease;
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
            + "created_at, started_at, finished_at, duration_ms, attempts, rollback_state, rollback_message, replica_id";
    private static final TypeReference<Map<String, String>> DETAILS = new TypeReference<>() { };

    private final Jdbi jdbi;
    private final JsonColumns json;
    private final AuditStore audit;
    private final LeaseStore leases;

    RemediationStore(Jdbi jdbi, JsonColumns json, AuditStore audit, LeaseStore leases) {
        this.jdbi = jdbi;
        this.json = json;
        this.audit = audit;
        this.leases = leases;
    }

    /**
     * The cluster's last word before an attempt starts, inside the transaction that marks it running
     * (the one {@code cluster_admission} row locked, so that replicas count one after the other): empty
     * to start it, or why not and when to ask again.
     */
    @FunctionalInterface
    public interface Admission {
        Optional<Refusal> refuse(Shared shared);

        Admission ALWAYS = shared -> Optional.empty();
    }

    /** Why the cluster does not start an attempt now: the gate's name, what it found, and when to decide again. */
    public record Refusal(String gate, String reason, java.time.Duration retryAfter, Map<String, Object> figures) {
    }

    /** The shared database's view, as one admission sees it inside its transaction. */
    public final class Shared {
        private final Handle handle;
        private final Instant now;
        private final String excluding;

        private Shared(Handle handle, String excluding) {
            this.handle = handle;
            this.now = LeaseStore.now(handle);
            this.excluding = excluding;
        }

        /** The database's clock now. */
        public Instant now() {
            return now;
        }

        /** The latest attempt on the resource decided by a replica other than {@code replica} that ran or runs. */
        public Optional<RemediationRecord> latestOfOthers(String tenant, String resource, String replica) {
            return handle.createQuery("SELECT " + COLUMNS + " FROM remediations WHERE tenant = :tenant AND resource = :resource "
                            + "AND replica_id <> :replica AND started_at IS NOT NULL ORDER BY started_at DESC, id LIMIT 1")
                    .bind("tenant", tenant).bind("resource", resource).bind("replica", replica).map((rs, ctx) -> read(rs)).findOne();
        }

        /**
         * Attempts admitted (started) since {@code since} by any replica, other than the one being admitted; null tenant or
         * resource: all. Admissions are one at a time, so this is exact; attempts still pending are not counted (another
         * replica's pending ones have not passed their admission, and counting them held every replica back in a storm).
         */
        public long startedSince(String tenant, String resource, Instant since) {
            Filter filter = new Filter().equal("tenant", tenant).equal("resource", resource);
            String where = filter.where().isEmpty() ? " WHERE" : filter.where() + " AND";
            return handle.createQuery("SELECT COUNT(*) FROM remediations" + where + " started_at >= :since AND id <> :excluding")
                    .bindMap(filter.bindings()).bind("since", since).bind("excluding", excluding).mapTo(Long.class).one();
        }

        /** Attempts running now in the tenant on resources of a decision counted in blast-radius group {@code group}. */
        public long runningInGroup(String tenant, String group) {
            return handle.createQuery("SELECT COUNT(*) FROM remediations r JOIN decisions d ON d.id = r.decision_id "
                            + "WHERE r.state = :running AND r.tenant = :tenant AND d.blast_group = :group AND r.id <> :excluding")
                    .bind("running", RemediationRecord.RUNNING).bind("tenant", tenant).bind("group", group).bind("excluding", excluding)
                    .mapTo(Long.class).one();
        }

        /** The scopes ("*" or the tenant) whose auto-remediation switch is off, as any replica's operator left it. */
        public List<String> switchedOff(String tenant) {
            return handle.createQuery("SELECT scope FROM auto_remediation WHERE enabled = FALSE AND (scope = '*' OR scope = :tenant) "
                            + "ORDER BY scope")
                    .bind("tenant", tenant).mapTo(String.class).list();
        }

        /** When the breaker of the action on the resource opened, if it is open (written by whichever replica's engine opened it). */
        public Optional<Instant> breakerOpenedAt(String tenant, String resource, String actionId) {
            return handle.createQuery("SELECT opened_at FROM breakers WHERE tenant = :tenant AND resource = :resource "
                            + "AND action_id = :action AND state = 'open'")
                    .bind("tenant", tenant).bind("resource", resource).bind("action", actionId)
                    .map((rs, ctx) -> {
                        Instant at = IssueStore.instant(rs, "opened_at");
                        return at == null ? now : at; // open with no time: its cooldown counts from now
                    }).findOne();
        }

        /** Attempts running now, by any replica. */
        public long running() {
            return handle.createQuery("SELECT COUNT(*) FROM remediations WHERE state = :running AND id <> :excluding")
                    .bind("running", RemediationRecord.RUNNING).bind("excluding", excluding).mapTo(Long.class).one();
        }
    }

    /** How marking an attempt running went. */
    public record Start(boolean started, Optional<Refusal> refused) {
        static final Start STARTED = new Start(true, Optional.empty());
        static final Start NOT_PENDING = new Start(false, Optional.empty());
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
                        + ":attempts, :rollbackState, :rollbackMessage, :replicaId)")
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

    /**
     * pending → running, fenced by {@code lease} and admitted by {@code admission} in one transaction. Not
     * pending any more (it already ran, or was called off): not started. Refused: the attempt is recorded
     * {@code cancelled} with the reason, and the refusal returned so that the rules decide again later.
     * A lease that is no longer held throws {@link LeaseLostException}, and nothing changes.
     */
    public Start markRunning(String id, String pluginId, Instant startedAt, Lease lease, Admission admission) {
        return jdbi.inTransaction(handle -> {
            leases.fence(handle, lease);
            handle.createQuery("SELECT id FROM cluster_admission WHERE id = 1 FOR UPDATE").mapTo(Integer.class).one();
            boolean pending = handle.createQuery("SELECT COUNT(*) FROM remediations WHERE id = :id AND state = :pending")
                    .bind("id", id).bind("pending", RemediationRecord.PENDING).mapTo(Long.class).one() == 1;
            if (!pending) {
                return Start.NOT_PENDING;
            }
            Optional<Refusal> refused = admission.refuse(new Shared(handle, id));
            if (refused.isPresent()) {
                String reason = refused.get().gate() + ": " + refused.get().reason();
                handle.createUpdate("UPDATE remediations SET state = :cancelled, message = :message, finished_at = :at "
                                + "WHERE id = :id AND state = :pending")
                        .bind("cancelled", RemediationRecord.CANCELLED).bind("pending", RemediationRecord.PENDING)
                        .bind("message", DecisionStore.truncate(reason, 4000)).bind("at", startedAt).bind("id", id).execute();
                audited(handle, id, "remediation.cancelled", reason, Map.of("before", "pending", "after", "cancelled",
                        "gate", refused.get().gate()), startedAt, Actor.EXECUTOR);
                return new Start(false, refused);
            }
            handle.createUpdate("UPDATE remediations SET state = :running, plugin_id = :pluginId, started_at = :startedAt, "
                            + "message = :message, lease_token = :token WHERE id = :id AND state = :pending")
                    .bind("running", RemediationRecord.RUNNING).bind("pending", RemediationRecord.PENDING)
                    .bind("pluginId", pluginId).bind("startedAt", startedAt).bind("message", "running").bind("token", lease.token())
                    .bind("id", id).execute();
            audited(handle, id, "remediation.running", null, Map.of("before", "pending", "after", "running", "plugin", pluginId,
                    "leaseToken", lease.token()), startedAt, Actor.EXECUTOR);
            return Start.STARTED;
        });
    }

    /** Keeps a reversible action's snapshot, before it acts. */
    public void saveSnapshot(String id, String snapshot, Lease lease) {
        jdbi.useTransaction(handle -> {
            leases.fence(handle, lease);
            handle.createUpdate("UPDATE remediations SET snapshot = :snapshot WHERE id = :id").bind("snapshot", snapshot).bind("id", id)
                    .execute();
        });
    }

    public Optional<String> snapshot(String id) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT snapshot FROM remediations WHERE id = :id")
                .bind("id", id).mapTo(String.class).findOne());
    }

    /** pending or running → succeeded or failed, with what happened; fenced by {@code lease} when one is held (null: no plugin ran). */
    public void finish(String id, String state, String message, Map<String, String> details, Instant finishedAt, Long durationMillis,
                       int attempts, Lease lease) {
        jdbi.useTransaction(handle -> {
            if (lease != null) {
                leases.fence(handle, lease);
            }
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

    public void recordRollback(String id, String state, String message, Lease lease) {
        jdbi.useTransaction(handle -> {
            leases.fence(handle, lease);
            handle.createUpdate("UPDATE remediations SET rollback_state = :state, rollback_message = :message WHERE id = :id")
                    .bind("state", state).bind("message", DecisionStore.truncate(message, 4000)).bind("id", id).execute();
            audited(handle, id, "rollback." + state, message, Map.of(), Instant.now(), Actor.EXECUTOR);
        });
    }

    /**
     * Start-up reconciliation: every attempt this replica's engine decided and a crash left pending (and
     * those from before replicas were named) is marked interrupted and returned as it was, so that the
     * gates decide it again. Another replica's pending attempts are its own. Nothing is ever run again
     * under the same id.
     */
    public List<RemediationRecord> interruptPending(Instant now, String replica) {
        return jdbi.inTransaction(handle -> {
            List<RemediationRecord> pending = handle.createQuery("SELECT " + COLUMNS + " FROM remediations "
                            + "WHERE state = :pending AND (replica_id = :replica OR replica_id IS NULL) ORDER BY created_at, id")
                    .bind("pending", RemediationRecord.PENDING).bind("replica", replica).map((rs, ctx) -> read(rs)).list();
            for (RemediationRecord remediation : pending) {
                interrupt(handle, remediation, "interrupted by a restart before it started; the gates decide again", now);
            }
            return pending;
        });
    }

    /**
     * Attempts left running with no live lease on their resource: whoever ran them stopped (a crash, a
     * kill, a pause past the lease). The executor asks their plugins to look at the world and finish them
     * (reconcile), each under a lease of its own.
     */
    public List<RemediationRecord> orphaned() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + prefixed("r") + " FROM remediations r "
                        + "LEFT JOIN resource_leases l ON l.tenant = r.tenant AND l.resource = r.resource AND l.expires_at > CURRENT_TIMESTAMP "
                        + "WHERE r.state = :running AND l.tenant IS NULL ORDER BY r.created_at, r.id")
                .bind("running", RemediationRecord.RUNNING).map((rs, ctx) -> read(rs)).list());
    }

    private static String prefixed(String alias) {
        return java.util.Arrays.stream(COLUMNS.split(",\\s*")).map(column -> alias + "." + column)
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** running → interrupted, fenced by {@code lease}: its plugin could not tell whether it acted, so verification decides whether it helped. */
    public void interruptRunning(RemediationRecord remediation, String message, Instant now, Lease lease) {
        jdbi.useTransaction(handle -> {
            if (lease != null) {
                leases.fence(handle, lease);
            }
            interrupt(handle, remediation, message, now);
        });
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
                rs.getString("rollback_state"), rs.getString("rollback_message"), rs.getString("replica_id"));
    }
}

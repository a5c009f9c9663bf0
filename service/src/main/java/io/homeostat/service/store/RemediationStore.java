package io.homeostat.service.store;

import com.fasterxml.jackson.core.type.TypeReference;
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
            + "created_at, started_at, finished_at, duration_ms";
    private static final TypeReference<Map<String, String>> DETAILS = new TypeReference<>() { };

    private final Jdbi jdbi;
    private final JsonColumns json;

    RemediationStore(Jdbi jdbi, JsonColumns json) {
        this.jdbi = jdbi;
        this.json = json;
    }

    void insertPending(Handle handle, RemediationRecord remediation) {
        handle.createUpdate("INSERT INTO remediations (" + COLUMNS + ") VALUES (:id, :decisionId, :issueId, :tenant, :resource, "
                        + ":actionId, :pluginId, :state, :message, :detailsJson, :createdAt, :startedAt, :finishedAt, :durationMillis)")
                .bindMethods(remediation)
                .bind("detailsJson", json.write(remediation.details()))
                .execute();
    }

    /** pending → running; false when the attempt is not pending any more (it already ran). */
    public boolean markRunning(String id, String pluginId, Instant startedAt) {
        return jdbi.withHandle(handle -> handle.createUpdate("UPDATE remediations SET state = :running, plugin_id = :pluginId, "
                        + "started_at = :startedAt, message = :message WHERE id = :id AND state = :pending")
                .bind("running", RemediationRecord.RUNNING).bind("pending", RemediationRecord.PENDING)
                .bind("pluginId", pluginId).bind("startedAt", startedAt).bind("message", "running").bind("id", id)
                .execute()) == 1;
    }

    /** pending or running → succeeded or failed, with what happened. */
    public void finish(String id, String state, String message, Map<String, String> details, Instant finishedAt, Long durationMillis) {
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE remediations SET state = :state, message = :message, details = :details, "
                        + "finished_at = :finishedAt, duration_ms = :durationMillis WHERE id = :id AND state IN (:pending, :running)")
                .bind("state", state).bind("message", DecisionStore.truncate(message, 4000)).bind("details", json.write(details))
                .bind("finishedAt", finishedAt).bind("durationMillis", durationMillis).bind("id", id)
                .bind("pending", RemediationRecord.PENDING).bind("running", RemediationRecord.RUNNING)
                .execute());
    }

    public Optional<RemediationRecord> find(String id) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM remediations WHERE id = :id")
                .bind("id", id).map((rs, ctx) -> read(rs)).findOne());
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
        return new RemediationRecord(rs.getString("id"), rs.getString("decision_id"), rs.getString("issue_id"), rs.getString("tenant"),
                rs.getString("resource"), rs.getString("action_id"), rs.getString("plugin_id"), rs.getString("state"),
                rs.getString("message"), json.read(rs.getString("details"), DETAILS), IssueStore.instant(rs, "created_at"),
                IssueStore.instant(rs, "started_at"), IssueStore.instant(rs, "finished_at"), rs.wasNull() ? null : duration);
    }
}

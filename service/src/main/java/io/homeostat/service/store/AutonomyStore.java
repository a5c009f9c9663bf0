package io.homeostat.service.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.homeostat.service.model.AutonomyChangeRecord;
import io.homeostat.service.model.AutonomyRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/** Earned autonomy: each (tenant, issue type, action) pair's mode and record, and every change of it. */
public final class AutonomyStore {
    private static final TypeReference<Map<String, Object>> FIGURES = new TypeReference<>() {
    };
    private final Jdbi jdbi;
    private final JsonColumns json;

    AutonomyStore(Jdbi jdbi, JsonColumns json) {
        this.jdbi = jdbi;
        this.json = json;
    }

    void upsert(Handle handle, AutonomyRecord pair) {
        // The mode, the pin and what counts since the last change are the newest change's: an engine that has not yet
        // heard of a pin set through another replica writes its outcomes, not its stale mode over the pin.
        String stale = "CASE WHEN changed_at > :changedAt THEN ";
        int updated = handle.createUpdate("UPDATE autonomy SET outcomes = :outcomes, "
                        + "mode = " + stale + "mode ELSE :mode END, pinned = " + stale + "pinned ELSE :pinned END, "
                        + "failure_run = " + stale + "failure_run ELSE :failureRun END, "
                        + "successes_since_change = " + stale + "successes_since_change ELSE :successesSinceChange END, "
                        + "observed = " + stale + "observed ELSE :observed END, changed_by = " + stale + "changed_by ELSE :changedBy END, "
                        + "changed_at = " + stale + "changed_at ELSE :changedAt END "
                        + "WHERE tenant = :tenant AND issue_type = :issueType AND action_id = :actionId")
                .bindMethods(pair).execute();
        if (updated == 0) {
            handle.createUpdate("INSERT INTO autonomy (tenant, issue_type, action_id, mode, pinned, outcomes, failure_run, "
                            + "successes_since_change, observed, changed_by, changed_at) VALUES (:tenant, :issueType, :actionId, :mode, "
                            + ":pinned, :outcomes, :failureRun, :successesSinceChange, :observed, :changedBy, :changedAt)")
                    .bindMethods(pair).execute();
        }
    }

    void insert(Handle handle, AutonomyChangeRecord change) {
        handle.createUpdate("INSERT INTO autonomy_changes (id, tenant, issue_type, action_id, kind, from_mode, to_mode, changed_by, "
                        + "reason, figures, changed_at) VALUES (:id, :tenant, :issueType, :actionId, :kind, :fromMode, :toMode, "
                        + ":changedBy, :reason, :figuresJson, :changedAt)")
                .bindMethods(change).bind("figuresJson", json.write(change.figures())).execute();
    }

    /** Every pair, or one tenant's ({@code tenant} null: all), by tenant, issue type and action. */
    public List<AutonomyRecord> pairs(String tenant) {
        return jdbi.withHandle(handle -> scoped(handle.createQuery("SELECT * FROM autonomy "
                        + (tenant == null ? "" : "WHERE tenant = :tenant ") + "ORDER BY tenant, issue_type, action_id"), tenant)
                .map((rs, ctx) -> new AutonomyRecord(rs.getString("tenant"), rs.getString("issue_type"), rs.getString("action_id"),
                        rs.getString("mode"), rs.getBoolean("pinned"), rs.getString("outcomes"), rs.getInt("failure_run"),
                        rs.getInt("successes_since_change"), rs.getInt("observed"), rs.getString("changed_by"),
                        IssueStore.instant(rs, "changed_at")))
                .list());
    }

    /** The latest changes, newest first, of every tenant or one ({@code tenant} null: all). */
    public List<AutonomyChangeRecord> changes(String tenant, int limit, int offset) {
        return jdbi.withHandle(handle -> scoped(handle.createQuery("SELECT * FROM autonomy_changes "
                        + (tenant == null ? "" : "WHERE tenant = :tenant ") + "ORDER BY changed_at DESC, id LIMIT :limit OFFSET :offset"), tenant)
                .bind("limit", limit).bind("offset", offset)
                .map((rs, ctx) -> new AutonomyChangeRecord(rs.getString("id"), rs.getString("tenant"), rs.getString("issue_type"),
                        rs.getString("action_id"), rs.getString("kind"), rs.getString("from_mode"), rs.getString("to_mode"),
                        rs.getString("changed_by"), rs.getString("reason"), json.read(rs.getString("figures"), FIGURES),
                        IssueStore.instant(rs, "changed_at")))
                .list());
    }

    private static Query scoped(Query query, String tenant) {
        return tenant == null ? query : query.bind("tenant", tenant);
    }

    /** Promotions and demotions per tenant ({@code tenant} null: all) since {@code since}, by kind. */
    public Map<String, Long> countChanges(String tenant, Instant since) {
        return jdbi.withHandle(handle -> {
            java.util.Map<String, Long> counts = new java.util.TreeMap<>();
            scoped(handle.createQuery("SELECT kind, COUNT(*) AS n FROM autonomy_changes WHERE changed_at >= :since "
                            + (tenant == null ? "" : "AND tenant = :tenant ") + "GROUP BY kind"), tenant)
                    .bind("since", since)
                    .map((rs, ctx) -> Map.entry(rs.getString("kind"), rs.getLong("n")))
                    .forEach(entry -> counts.put(entry.getKey(), entry.getValue()));
            return counts;
        });
    }
}

package io.homeostat.service.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.homeostat.service.model.ProposalRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The strategies of each issue and where they stand, so that a restart resumes every issue where it was. */
public final class ProposalStore {
    private static final String COLUMNS = "id, issue_id, action_id, parameters, strategy_order, proposed_by, state, dry_run, manual_by, "
            + "override_reason, deferred_since, decision_id, escalation_reason, updated_at";
    private static final TypeReference<Map<String, String>> PARAMETERS = new TypeReference<>() { };

    private final Jdbi jdbi;
    private final JsonColumns json;

    ProposalStore(Jdbi jdbi, JsonColumns json) {
        this.jdbi = jdbi;
        this.json = json;
    }

    void upsert(Handle handle, ProposalRecord proposal) {
        int updated = handle.createUpdate("UPDATE proposals SET state = :state, deferred_since = :deferredSince, "
                        + "decision_id = :decisionId, escalation_reason = :escalationReason, updated_at = :updatedAt WHERE id = :id")
                .bindMethods(proposal).execute();
        if (updated == 0) {
            handle.createUpdate("INSERT INTO proposals (" + COLUMNS + ") VALUES (:id, :issueId, :actionId, :parametersJson, "
                            + ":strategyOrder, :proposedBy, :state, :dryRun, :manualBy, :overrideReason, :deferredSince, :decisionId, "
                            + ":escalationReason, :updatedAt)")
                    .bindMethods(proposal).bind("parametersJson", json.write(proposal.parameters())).execute();
        }
    }

    /** The proposals of issues that are not resolved, for start-up. */
    public List<ProposalRecord> ofActiveIssues() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT p.* FROM proposals p JOIN issues i ON i.id = p.issue_id "
                        + "WHERE i.state <> 'resolved' ORDER BY p.issue_id, p.strategy_order, p.id")
                .map((rs, ctx) -> read(rs)).list());
    }

    /**
     * The strategies a limit is holding back now (deferred, of issues not resolved), oldest first, of
     * {@code tenant} (null: every tenant), at most {@code limit}.
     */
    public List<ProposalRecord> deferred(String tenant, int limit) {
        // No ":tenant IS NULL" test: PostgreSQL cannot type a null parameter there.
        String ofTenant = tenant == null ? "" : " AND i.tenant = :tenant";
        return jdbi.withHandle(handle -> {
            var query = handle.createQuery("SELECT p.* FROM proposals p JOIN issues i ON i.id = p.issue_id "
                    + "WHERE p.state = 'deferred' AND i.state <> 'resolved'" + ofTenant + " ORDER BY p.deferred_since, p.id LIMIT :limit");
            if (tenant != null) {
                query.bind("tenant", tenant);
            }
            return query.bind("limit", limit).map((rs, ctx) -> read(rs)).list();
        });
    }

    public List<ProposalRecord> forIssue(String issueId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM proposals WHERE issue_id = :issueId "
                        + "ORDER BY strategy_order, id")
                .bind("issueId", issueId).map((rs, ctx) -> read(rs)).list());
    }

    private ProposalRecord read(ResultSet rs) throws SQLException {
        return new ProposalRecord(rs.getString("id"), rs.getString("issue_id"), rs.getString("action_id"),
                json.read(rs.getString("parameters"), PARAMETERS), rs.getInt("strategy_order"), rs.getString("proposed_by"),
                rs.getString("state"), rs.getBoolean("dry_run"), rs.getString("manual_by"), rs.getString("override_reason"),
                IssueStore.instant(rs, "deferred_since"), rs.getString("decision_id"), rs.getString("escalation_reason"),
                IssueStore.instant(rs, "updated_at"));
    }
}

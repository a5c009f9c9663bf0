package io.homeostat.service.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.homeostat.service.model.DecisionRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Decisions with their explanations; written once, when the engine concludes them. */
public final class DecisionStore {
    private static final String COLUMNS = "id, issue_id, proposal_id, tenant, resource, issue_type, severity, action_id, parameters, outcome, "
            + "reason, explanation, decided_at, blast_group";
    private static final TypeReference<Map<String, String>> PARAMETERS = new TypeReference<>() { };
    private static final TypeReference<List<DecisionRecord.ExplanationEntry>> EXPLANATION = new TypeReference<>() { };

    private final Jdbi jdbi;
    private final JsonColumns json;

    DecisionStore(Jdbi jdbi, JsonColumns json) {
        this.jdbi = jdbi;
        this.json = json;
    }

    void insert(Handle handle, DecisionRecord decision) {
        handle.createUpdate("INSERT INTO decisions (" + COLUMNS + ") VALUES (:id, :issueId, :proposalId, :tenant, :resource, :issueType, "
                        + ":severity, :actionId, :parametersJson, :outcome, :reason, :explanationJson, :decidedAt, :blastGroup)")
                .bindMethods(decision)
                .bind("parametersJson", json.write(decision.parameters()))
                .bind("explanationJson", json.write(decision.explanation()))
                .bind("reason", truncate(decision.reason(), 2000))
                .execute();
    }

    public Optional<DecisionRecord> find(String id) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM decisions WHERE id = :id")
                .bind("id", id).map((rs, ctx) -> read(rs)).findOne());
    }

    public List<DecisionRecord> forIssue(String issueId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM decisions WHERE issue_id = :issueId "
                        + "ORDER BY decided_at, id")
                .bind("issueId", issueId).map((rs, ctx) -> read(rs)).list());
    }

    /** Counts by outcome, for the statistics totals. */
    public Map<String, Long> countByOutcome(String tenant) {
        return Counts.by(jdbi, "decisions", "outcome", tenant);
    }

    private DecisionRecord read(ResultSet rs) throws SQLException {
        return new DecisionRecord(rs.getString("id"), rs.getString("issue_id"), rs.getString("proposal_id"), rs.getString("tenant"), rs.getString("resource"),
                rs.getString("issue_type"), rs.getString("severity"), rs.getString("action_id"),
                json.read(rs.getString("parameters"), PARAMETERS), rs.getString("outcome"), rs.getString("reason"),
                json.read(rs.getString("explanation"), EXPLANATION), IssueStore.instant(rs, "decided_at"),
                rs.getString("blast_group"));
    }

    static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }
}

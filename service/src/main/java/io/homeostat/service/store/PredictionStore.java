package io.homeostat.service.store;

import io.homeostat.service.model.PredictionRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Predictions as the rules made them, and how each turned out once its horizon passed. */
public final class PredictionStore {
    private static final String COLUMNS = "id, tenant, resource, kind, metric, threshold, bucket, hours_left, confidence, issue_type, "
            + "predicted_at, horizon_at, outcome, scored_at";
    private final Jdbi jdbi;

    PredictionStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    void insert(Handle handle, PredictionRecord prediction) {
        handle.createUpdate("INSERT INTO predictions (" + COLUMNS + ") VALUES (:id, :tenant, :resource, :kind, :metric, :threshold, :bucket, "
                + ":hoursLeft, :confidence, :issueType, :predictedAt, :horizonAt, :outcome, :scoredAt)").bindMethods(prediction).execute();
    }

    /** Predictions whose horizon is still ahead: back into the session at start-up, so that none is made twice. */
    public List<PredictionRecord> pending(Instant now) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM predictions WHERE horizon_at > :now ORDER BY predicted_at")
                .bind("now", now).map((rs, ctx) -> read(rs)).list());
    }

    /** One tenant's predictions whose horizon is still ahead. */
    public List<PredictionRecord> pending(String tenant, Instant now) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM predictions WHERE tenant = :tenant AND horizon_at > :now "
                        + "ORDER BY predicted_at")
                .bind("tenant", tenant).bind("now", now).map((rs, ctx) -> read(rs)).list());
    }

    /**
     * Scores every prediction whose horizon has passed and that is not scored yet, in one statement
     * (no query per prediction): came true when its issue type opened on its resource within the
     * horizon, prevented when instead an issue of its kind (the preventive action's) was fixed then,
     * otherwise did not. Returns how many were scored.
     */
    public int scoreDue(Instant now) {
        return jdbi.withHandle(handle -> handle.createUpdate("UPDATE predictions SET scored_at = :now, outcome = CASE "
                        + "WHEN EXISTS (SELECT 1 FROM issues i WHERE i.tenant = predictions.tenant AND i.resource = predictions.resource "
                        + "AND i.type = predictions.issue_type AND i.opened_at >= predictions.predicted_at "
                        + "AND i.opened_at <= predictions.horizon_at) THEN :cameTrue "
                        + "WHEN EXISTS (SELECT 1 FROM issues i JOIN proposals p ON p.issue_id = i.id WHERE i.tenant = predictions.tenant "
                        + "AND i.resource = predictions.resource AND i.type = predictions.kind AND i.opened_at >= predictions.predicted_at "
                        + "AND i.opened_at <= predictions.horizon_at AND p.state = 'succeeded') THEN :prevented "
                        + "ELSE :didNot END "
                        + "WHERE outcome IS NULL AND horizon_at <= :now")
                .bind("now", now).bind("cameTrue", PredictionRecord.CAME_TRUE).bind("prevented", PredictionRecord.PREVENTED)
                .bind("didNot", PredictionRecord.DID_NOT).execute());
    }

    /** Per kind: how many were scored, came true, were prevented; {@code tenant} null for all. */
    public record Accuracy(String kind, long scored, long cameTrue, long prevented, long didNot) {
        /** Came true of those that could (a prevented one says nothing of the prediction); null before any. */
        public Double getAccuracy() {
            long judged = cameTrue + didNot;
            return judged == 0 ? null : (double) cameTrue / judged;
        }
    }

    public List<Accuracy> accuracy(String tenant) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT kind, COUNT(*) AS scored, "
                        + "SUM(CASE WHEN outcome = 'came_true' THEN 1 ELSE 0 END) AS came_true, "
                        + "SUM(CASE WHEN outcome = 'prevented' THEN 1 ELSE 0 END) AS prevented, "
                        + "SUM(CASE WHEN outcome = 'did_not' THEN 1 ELSE 0 END) AS did_not "
                        + "FROM predictions WHERE outcome IS NOT NULL AND (:tenant IS NULL OR tenant = :tenant) GROUP BY kind ORDER BY kind")
                .bind("tenant", tenant)
                .map((rs, ctx) -> new Accuracy(rs.getString("kind"), rs.getLong("scored"), rs.getLong("came_true"), rs.getLong("prevented"),
                        rs.getLong("did_not")))
                .list());
    }

    private static PredictionRecord read(ResultSet rs) throws SQLException {
        return new PredictionRecord(rs.getString("id"), rs.getString("tenant"), rs.getString("resource"), rs.getString("kind"),
                rs.getString("metric"), rs.getDouble("threshold"), rs.getString("bucket"), rs.getDouble("hours_left"),
                rs.getDouble("confidence"), rs.getString("issue_type"), IssueStore.instant(rs, "predicted_at"),
                IssueStore.instant(rs, "horizon_at"), rs.getString("outcome"), IssueStore.instant(rs, "scored_at"));
    }
}

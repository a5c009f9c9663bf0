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

    /** Scores every prediction whose horizon has passed and that is not scored yet; returns how many. */
    public int scoreDue(Instant now) {
        return jdbi.inTransaction(handle -> {
            List<PredictionRecord> due = handle.createQuery("SELECT " + COLUMNS + " FROM predictions WHERE outcome IS NULL AND horizon_at <= :now")
                    .bind("now", now).map((rs, ctx) -> read(rs)).list();
            for (PredictionRecord prediction : due) {
                boolean cameTrue = handle.createQuery("SELECT COUNT(*) FROM issues WHERE tenant = :tenant AND resource = :resource "
                                + "AND type = :type AND opened_at >= :from AND opened_at <= :to")
                        .bind("tenant", prediction.tenant()).bind("resource", prediction.resource()).bind("type", prediction.issueType())
                        .bind("from", prediction.predictedAt()).bind("to", prediction.horizonAt()).mapTo(Long.class).one() > 0;
                boolean prevented = !cameTrue && handle.createQuery("SELECT COUNT(*) FROM issues i JOIN proposals p ON p.issue_id = i.id "
                                + "WHERE i.tenant = :tenant AND i.resource = :resource AND i.type = :kind AND i.opened_at >= :from "
                                + "AND i.opened_at <= :to AND p.state = 'succeeded'")
                        .bind("tenant", prediction.tenant()).bind("resource", prediction.resource()).bind("kind", prediction.kind())
                        .bind("from", prediction.predictedAt()).bind("to", prediction.horizonAt()).mapTo(Long.class).one() > 0;
                handle.createUpdate("UPDATE predictions SET outcome = :outcome, scored_at = :now WHERE id = :id")
                        .bind("outcome", cameTrue ? PredictionRecord.CAME_TRUE : prevented ? PredictionRecord.PREVENTED : PredictionRecord.DID_NOT)
                        .bind("now", now).bind("id", prediction.id()).execute();
            }
            return due.size();
        });
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

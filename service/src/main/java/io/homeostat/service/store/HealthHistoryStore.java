package io.homeostat.service.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/** The health score's history: one row a minute per tenant and category ("overall" among them). */
public final class HealthHistoryStore {
    /** One stored point. */
    public record Point(String tenant, String category, Instant at, double score) {
    }

    private final Jdbi jdbi;

    HealthHistoryStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Records the scores of {@code at}: per tenant, per category. */
    public void record(Instant at, Map<String, Map<String, Double>> scores) {
        jdbi.useTransaction(handle -> {
            PreparedBatch insert = handle.prepareBatch("INSERT INTO health_history (tenant, category, at, score) "
                    + "VALUES (:tenant, :category, :at, :score)");
            scores.forEach((tenant, categories) -> categories.forEach((category, score) ->
                    insert.bind("tenant", tenant).bind("category", category).bind("at", at).bind("score", score).add()));
            if (insert.size() > 0) {
                insert.execute();
            }
        });
    }

    /** A tenant's points since {@code since}, oldest first; {@code category} null for every category. */
    public List<Point> since(String tenant, String category, Instant since, int limit) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT tenant, category, at, score FROM health_history "
                        + "WHERE tenant = :tenant AND (:category IS NULL OR category = :category) AND at >= :since "
                        + "ORDER BY at, category LIMIT :limit")
                .bind("tenant", tenant).bind("category", category).bind("since", since).bind("limit", limit)
                .map((rs, ctx) -> new Point(rs.getString("tenant"), rs.getString("category"), IssueStore.instant(rs, "at"),
                        rs.getDouble("score")))
                .list());
    }

}

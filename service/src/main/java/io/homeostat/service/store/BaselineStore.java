package io.homeostat.service.store;

import io.homeostat.service.model.BaselineRecord;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/** Learned baselines, one row per (tenant, resource, metric): written in batches, read back whole at start-up. */
public final class BaselineStore {
    private static final String COLUMNS = "tenant, resource, metric, mean, variance, samples, updated_at";
    private final Jdbi jdbi;

    BaselineStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Writes {@code changed} in one transaction: updates in one batch, then inserts for the series not stored yet. */
    public void upsert(List<BaselineRecord> changed) {
        if (changed.isEmpty()) {
            return;
        }
        jdbi.useTransaction(handle -> {
            PreparedBatch update = handle.prepareBatch("UPDATE baselines SET mean = :mean, variance = :variance, samples = :samples, "
                    + "updated_at = :updatedAt WHERE tenant = :tenant AND resource = :resource AND metric = :metric");
            changed.forEach(record -> update.bindMethods(record).add());
            int[] counts = update.execute();
            List<BaselineRecord> fresh = new ArrayList<>();
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] == 0) {
                    fresh.add(changed.get(i));
                }
            }
            if (!fresh.isEmpty()) {
                PreparedBatch insert = handle.prepareBatch("INSERT INTO baselines (" + COLUMNS + ") VALUES (:tenant, :resource, :metric, "
                        + ":mean, :variance, :samples, :updatedAt)");
                fresh.forEach(record -> insert.bindMethods(record).add());
                insert.execute();
            }
        });
    }

    /** Every stored baseline. */
    public List<BaselineRecord> all() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM baselines")
                .map((rs, ctx) -> new BaselineRecord(rs.getString("tenant"), rs.getString("resource"), rs.getString("metric"),
                        rs.getDouble("mean"), rs.getDouble("variance"), rs.getInt("samples"), IssueStore.instant(rs, "updated_at")))
                .list());
    }
}

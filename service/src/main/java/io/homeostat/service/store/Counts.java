package io.homeostat.service.store;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** Row counts grouped by one column, for the statistics totals. */
final class Counts {
    private Counts() {
    }

    /** {@code table} and {@code column} are constants of the stores, never input; {@code tenant} null counts every tenant. */
    static Map<String, Long> by(Jdbi jdbi, String table, String column, String tenant) {
        Map<String, Long> counts = new LinkedHashMap<>();
        Filter filter = new Filter().equal("tenant", tenant);
        jdbi.useHandle(handle -> handle.createQuery("SELECT " + column + " AS k, COUNT(*) AS n FROM " + table + filter.where()
                        + " GROUP BY " + column + " ORDER BY " + column)
                .bindMap(filter.bindings())
                .map((rs, ctx) -> Map.entry(rs.getString("k"), rs.getLong("n")))
                .forEach(entry -> counts.put(entry.getKey(), entry.getValue())));
        return counts;
    }
}

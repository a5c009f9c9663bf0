package io.homeostat.service.store;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** Row counts grouped by one column, for the statistics totals. */
final class Counts {
    private Counts() {
    }

    /** {@code table} and {@code column} are constants of the stores, never input. */
    static Map<String, Long> by(Jdbi jdbi, String table, String column) {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbi.useHandle(handle -> handle.createQuery("SELECT " + column + " AS k, COUNT(*) AS n FROM " + table + " GROUP BY " + column
                        + " ORDER BY " + column)
                .map((rs, ctx) -> Map.entry(rs.getString("k"), rs.getLong("n")))
                .forEach(entry -> counts.put(entry.getKey(), entry.getValue())));
        return counts;
    }
}

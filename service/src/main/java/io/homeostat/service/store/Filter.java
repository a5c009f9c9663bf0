package io.homeostat.service.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the WHERE clause of a listing from optional (in)equality filters, bound as parameters. */
final class Filter {
    private final List<String> clauses = new ArrayList<>();
    private final Map<String, Object> bindings = new LinkedHashMap<>();

    Filter equal(String column, Object value) {
        if (value != null) {
            clauses.add(column + " = :" + column);
            bindings.put(column, value);
        }
        return this;
    }

    /** {@code column <> value}, when value is not null. */
    Filter notEqual(String column, Object value) {
        if (value != null) {
            clauses.add(column + " <> :not_" + column);
            bindings.put("not_" + column, value);
        }
        return this;
    }

    String where() {
        return clauses.isEmpty() ? "" : " WHERE " + String.join(" AND ", clauses);
    }

    Map<String, Object> bindings() {
        return bindings;
    }
}

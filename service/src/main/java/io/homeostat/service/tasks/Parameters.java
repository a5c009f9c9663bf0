package io.homeostat.service.tasks;

import java.util.List;
import java.util.Map;

/** A task's query parameters: each at most once. */
final class Parameters {
    private Parameters() {
    }

    static String single(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new IllegalArgumentException("parameter '" + name + "' given " + values.size() + " times");
        }
        return values.get(0);
    }
}

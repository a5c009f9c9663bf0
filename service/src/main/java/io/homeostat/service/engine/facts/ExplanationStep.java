package io.homeostat.service.engine.facts;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One line of a decision's explanation: which rule said what, with the figures it used.
 *
 * @param rule the name of the rule that fired
 * @param gate the gate's name for gate verdicts, {@code null} for classification and proposal steps
 * @param verdict {@code pass}, {@code block} or {@code info}
 * @param message a sentence for operators
 * @param figures the numbers behind it (counts in windows, limits, ...), in insertion order
 */
public record ExplanationStep(String rule, String gate, String verdict, String message, Map<String, Object> figures) {
    public ExplanationStep {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(message, "message");
        figures = java.util.Collections.unmodifiableMap(plainMap(Objects.requireNonNull(figures, "figures")));
    }

    /**
     * Figures are stored as JSON, so they are kept as numbers, booleans, strings, maps and lists;
     * anything else a rule passes (a fact, say) is recorded as its string form.
     */
    private static Map<String, Object> plainMap(Map<?, ?> values) {
        Map<String, Object> plain = new LinkedHashMap<>();
        values.forEach((key, value) -> plain.put(String.valueOf(key), plain(value)));
        return plain;
    }

    private static Object plain(Object value) {
        if (value == null || value instanceof Number || value instanceof Boolean || value instanceof String) {
            return value;
        }
        if (value instanceof Map<?, ?> map) {
            return plainMap(map);
        }
        if (value instanceof java.util.Collection<?> collection) {
            return collection.stream().map(ExplanationStep::plain).toList();
        }
        return String.valueOf(value);
    }
}

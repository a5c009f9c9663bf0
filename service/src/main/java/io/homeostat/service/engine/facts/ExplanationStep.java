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
        figures = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(figures, "figures")));
    }
}

package io.homeostat.plugin.api;

import java.util.Map;
import java.util.Objects;

/**
 * One observation a collector made: a metric's value, of the target's resource unless it names its
 * own (one PostgreSQL target reports several backends, a PromQL query one series per resource).
 *
 * @param resource {@code kind:name}, or null for the target's resource
 * @param unit optional, for people ("ms", "percent")
 * @param labels added to the target's labels
 * @since 1.6.0
 */
public record Reading(String resource, String metric, double value, String unit, Map<String, String> labels) {
    public Reading {
        Objects.requireNonNull(metric, "metric");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** {@code metric} = {@code value} of the target's resource. */
    public static Reading of(String metric, double value) {
        return new Reading(null, metric, value, null, Map.of());
    }

    /** {@code metric} = {@code value} in {@code unit} of the target's resource. */
    public static Reading of(String metric, double value, String unit) {
        return new Reading(null, metric, value, unit, Map.of());
    }

    /** The same reading of another resource. */
    public Reading about(String otherResource) {
        return new Reading(otherResource, metric, value, unit, labels);
    }

    /** The same reading with these labels. */
    public Reading labelled(Map<String, String> more) {
        return new Reading(resource, metric, value, unit, more);
    }
}

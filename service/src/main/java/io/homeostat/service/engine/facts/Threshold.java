package io.homeostat.service.engine.facts;

import java.util.Locale;
import java.util.Objects;

/**
 * One issue type's threshold, written once (a row of rules/thresholds.csv): the metric, how a
 * reading compares with the limit, how many readings within how long open the issue, and what the
 * issue is. The generic rules of rules/thresholds.drl open the issue, count more evidence and note
 * a healthy reading (one that does not breach) from this one fact, so that changing the number in
 * the row changes all three and the summary, which is written from the same numbers.
 */
public final class Threshold {
    private final String ruleName;
    private final String type;
    private final String metric;
    private final String comparison;
    private final double limit;
    private final String window;
    private final long windowMillis;
    private final int readings;
    private final Severity severity;
    private final String category;

    public Threshold(String ruleName, String type, String metric, String comparison, double limit, String window, int readings,
                     Severity severity, String category) {
        this.ruleName = Objects.requireNonNull(ruleName, "ruleName");
        this.type = FactText.identifier("type", type, 128);
        this.metric = Objects.requireNonNull(metric, "metric");
        if (!java.util.List.of("<", "<=", "==", "!=", ">=", ">").contains(comparison)) {
            throw new IllegalArgumentException(ruleName + ": comparison must be one of <, <=, ==, !=, >=, >, was '" + comparison + "'");
        }
        this.comparison = comparison;
        this.limit = limit;
        this.window = Objects.requireNonNull(window, "window");
        this.windowMillis = millis(ruleName, window);
        if (readings < 1) {
            throw new IllegalArgumentException(ruleName + ": readings must be at least 1, was " + readings);
        }
        this.readings = readings;
        this.severity = Objects.requireNonNull(severity, "severity");
        this.category = FactText.identifier("category", category, 32);
    }

    private static long millis(String ruleName, String window) {
        String text = window.strip().toLowerCase(Locale.ROOT);
        long unit = text.endsWith("ms") ? 1 : text.endsWith("s") ? 1_000 : text.endsWith("m") ? 60_000 : text.endsWith("h") ? 3_600_000 : -1;
        String number = text.endsWith("ms") ? text.substring(0, text.length() - 2) : text.substring(0, Math.max(0, text.length() - 1));
        try {
            long value = Long.parseLong(number.strip());
            if (unit > 0 && value > 0) {
                return value * unit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(ruleName + ": window must be a positive duration such as 30s, 1m or 2h, was '" + window + "'");
    }

    /** True when the reading is on the wrong side of the limit. */
    public boolean breached(double value) {
        return switch (comparison) {
            case "<" -> value < limit;
            case "<=" -> value <= limit;
            case "==" -> value == limit;
            case "!=" -> value != limit;
            case ">=" -> value >= limit;
            default -> value > limit;
        };
    }

    /** What opens the issue, in words made from the numbers: the name the issue records as its opener. */
    public String describe() {
        return type + ": " + readings + (readings == 1 ? " reading of " : " readings of ") + condition() + " within " + window;
    }

    /** The opened issue's summary, from the same numbers. */
    public String summary(long count) {
        return count + (count == 1 ? " reading of " : " readings of ") + condition() + " within " + window;
    }

    private String condition() {
        String shown = limit == Math.rint(limit) && Math.abs(limit) < 1e15 ? Long.toString((long) limit) : Double.toString(limit);
        return metric + " " + comparison + " " + shown;
    }

    public String getRuleName() {
        return ruleName;
    }

    public String getType() {
        return type;
    }

    public String getMetric() {
        return metric;
    }

    public String getComparison() {
        return comparison;
    }

    public double getLimit() {
        return limit;
    }

    public long getWindowMillis() {
        return windowMillis;
    }

    public int getReadings() {
        return readings;
    }

    public Severity getSeverity() {
        return severity;
    }

    public String getCategory() {
        return category;
    }

    @Override
    public String toString() {
        return describe();
    }
}

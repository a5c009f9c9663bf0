package io.homeostat.service.alertmanager;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An alert's {@code severity} label as an issue severity. Prometheus rule authors write many words
 * for the same thing; these are the common ones, and anything else is medium (counted as
 * {@code homeostat.alerts.severity_unknown}, so that an operator can map it in config).
 */
public final class Severities {
    /** The issue severities a mapping may name. */
    public static final Set<String> NAMES = Set.of("info", "low", "medium", "high", "critical");
    private static final Map<String, String> WORDS = Map.ofEntries(
            Map.entry("critical", "critical"), Map.entry("page", "critical"), Map.entry("emergency", "critical"),
            Map.entry("high", "high"), Map.entry("error", "high"), Map.entry("major", "high"),
            Map.entry("warning", "medium"), Map.entry("warn", "medium"), Map.entry("medium", "medium"), Map.entry("minor", "medium"),
            Map.entry("low", "low"), Map.entry("info", "info"), Map.entry("informational", "info"), Map.entry("none", "info"));

    private Severities() {
    }

    /** The severity a label value means, or null when the word is not known. */
    public static String ofLabel(String value) {
        return value == null ? null : WORDS.get(value.strip().toLowerCase(Locale.ROOT));
    }
}

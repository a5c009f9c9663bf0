package io.homeostat.service.engine.helpers;

import io.homeostat.service.engine.facts.Severity;
import io.homeostat.service.engine.facts.Signal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Counting over a resource's readings in time order, for the temporal patterns of rule files (N in
 * a row, flapping): an accumulate collects the readings, these functions count, the rule decides.
 * See docs/RULES.md, "Temporal patterns".
 */
public final class Temporal {
    private Temporal() {
    }

    /** How often the value changed between one reading and the next, in time order. */
    public static int changes(Collection<?> readings) {
        List<Signal> ordered = ordered(readings);
        int changes = 0;
        for (int i = 1; i < ordered.size(); i++) {
            if (ordered.get(i).getValue() != ordered.get(i - 1).getValue()) {
                changes++;
            }
        }
        return changes;
    }

    /** How many of the newest readings in a row have exactly {@code value}: 0 when the newest does not. */
    public static int newestInARow(Collection<?> readings, double value) {
        List<Signal> ordered = ordered(readings);
        int run = 0;
        for (int i = ordered.size() - 1; i >= 0 && ordered.get(i).getValue() == value; i--) {
            run++;
        }
        return run;
    }

    /** The rise of a counter over the readings (newest minus oldest, in time order); 0 for fewer than two or a reset. */
    public static double rise(Collection<?> readings) {
        List<Signal> ordered = ordered(readings);
        if (ordered.size() < 2) {
            return 0;
        }
        return Math.max(0, ordered.get(ordered.size() - 1).getValue() - ordered.get(0).getValue());
    }

    /** The sum of the values of the readings whose label {@code name} is {@code value} (one source's share of a window). */
    public static double sum(Collection<?> readings, String name, String value) {
        double sum = 0;
        for (Object reading : readings) {
            Signal signal = (Signal) reading;
            if (value.equals(signal.label(name))) {
                sum += signal.getValue();
            }
        }
        return sum;
    }

    /** CVSS v3's qualitative rating of a base score: 9.0 critical, 7.0 high, 4.0 medium, 0.1 low, else info. */
    public static Severity cvss(double score) {
        return score >= 9 ? Severity.CRITICAL : score >= 7 ? Severity.HIGH : score >= 4 ? Severity.MEDIUM : score > 0 ? Severity.LOW : Severity.INFO;
    }

    private static List<Signal> ordered(Collection<?> readings) {
        List<Signal> ordered = new ArrayList<>(readings.size());
        for (Object reading : readings) {
            ordered.add((Signal) reading);
        }
        ordered.sort(Comparator.comparingLong(Signal::getTime));
        return ordered;
    }
}

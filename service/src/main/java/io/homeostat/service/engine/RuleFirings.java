package io.homeostat.service.engine;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.kie.api.event.rule.AfterMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;

/**
 * Counts rule firings, but only while {@link #watch} is on: the engine's watchdog turns it on when an
 * iteration runs long, so that it can name the rules that loop. Off, it costs one volatile read per
 * firing. Counts are kept by the engine thread and read by the watchdog after a halt.
 */
final class RuleFirings extends DefaultAgendaEventListener {
    private volatile boolean watching;
    private final Map<String, Integer> counts = new HashMap<>();

    void watch(boolean on) {
        if (on && !watching) {
            synchronized (counts) {
                counts.clear();
            }
        }
        watching = on;
    }

    @Override
    public void afterMatchFired(AfterMatchFiredEvent event) {
        if (watching) {
            synchronized (counts) {
                counts.merge(event.getMatch().getRule().getName(), 1, Integer::sum);
            }
        }
    }

    /** The rules fired most since watching began, most first, with their counts. */
    Map<String, Integer> top(int n) {
        synchronized (counts) {
            return counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(n)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, java.util.LinkedHashMap::new));
        }
    }

    static String describe(Map<String, Integer> top) {
        List<String> parts = top.entrySet().stream().map(e -> "\"" + e.getKey() + "\" ×" + e.getValue()).toList();
        return parts.isEmpty() ? "(none fired)" : String.join(", ", parts);
    }
}

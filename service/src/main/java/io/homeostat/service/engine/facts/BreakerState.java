package io.homeostat.service.engine.facts;

import java.util.Locale;

/** Closed: actions run. Open: they are blocked. Half-open: one trial may run. */
public enum BreakerState {
    CLOSED,
    OPEN,
    HALF_OPEN;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static BreakerState fromLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}

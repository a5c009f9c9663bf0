package io.homeostat.service.engine.facts;

import java.util.Locale;

/** How bad an issue is; gate rules weigh it. */
public enum Severity {
    INFO,
    LOW,
    MEDIUM,
    HIGH,
    CRITICAL;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

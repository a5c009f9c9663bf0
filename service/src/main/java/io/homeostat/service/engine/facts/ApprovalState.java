package io.homeostat.service.engine.facts;

import java.util.Locale;

public enum ApprovalState {
    PENDING,
    APPROVED,
    REJECTED,
    EXPIRED,
    /** What it was asked for stopped mattering (the alert resolved) before anyone answered. */
    CANCELLED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ApprovalState fromLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}

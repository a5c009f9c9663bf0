package io.homeostat.service.engine.facts;

import java.util.Locale;

/** open → remediating → resolved | escalated. */
public enum IssueState {
    OPEN,
    REMEDIATING,
    RESOLVED,
    ESCALATED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isActive() {
        return this == OPEN || this == REMEDIATING;
    }
}

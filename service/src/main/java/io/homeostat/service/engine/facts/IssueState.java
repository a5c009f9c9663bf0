package io.homeostat.service.engine.facts;

import java.util.Locale;

/**
 * open → remediating → verifying → recovering → resolved; an attempt that fails or does not
 * verify returns the issue to open (next strategy); escalated means automation has handed it to a
 * human. Every state but resolved is active: the problem is not over.
 */
public enum IssueState {
    OPEN,
    REMEDIATING,
    VERIFYING,
    RECOVERING,
    ESCALATED,
    RESOLVED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isActive() {
        return this != RESOLVED;
    }

    public static IssueState fromLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}

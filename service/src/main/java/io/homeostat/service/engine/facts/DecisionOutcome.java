package io.homeostat.service.engine.facts;

import java.util.Locale;

/**
 * What the gates made of a proposal. PENDING while gate rules are still recording verdicts; the
 * other values are final for this foundation (deferral, approval and dry-run outcomes follow).
 */
public enum DecisionOutcome {
    PENDING,
    RUN,
    BLOCKED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

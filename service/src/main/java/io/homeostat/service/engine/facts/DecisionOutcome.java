package io.homeostat.service.engine.facts;

import java.util.Locale;

/**
 * What the gates made of a proposal. PENDING while gate rules are still recording verdicts. RUN:
 * every gate passed (or an operator overrode them). BLOCKED: a gate stopped it. DEFERRED: a limit
 * was reached; the proposal is evaluated again when the window allows. AWAITING_APPROVAL: a human
 * must approve. DRY_RUN: it would have run; nothing was done.
 */
public enum DecisionOutcome {
    PENDING,
    RUN,
    BLOCKED,
    DEFERRED,
    AWAITING_APPROVAL,
    DRY_RUN;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package io.homeostat.service.engine.facts;

import java.util.Locale;

/**
 * A strategy's life: CANDIDATE until the strategy rules pick it, NEW while the gates decide, then
 * one of the gate outcomes (DEFERRED, AWAITING_APPROVAL, BLOCKED, DRY_RUN, RUNNING), and after a
 * run VERIFYING, ROLLING_BACK, SUCCEEDED or FAILED, or NOT_APPLICABLE when the action said it does
 * not apply to the resource and did nothing (proposals.state holds at most 32 characters).
 */
public enum ProposalState {
    CANDIDATE,
    NEW,
    DEFERRED,
    AWAITING_APPROVAL,
    RUNNING,
    VERIFYING,
    ROLLING_BACK,
    SUCCEEDED,
    FAILED,
    NOT_APPLICABLE,
    BLOCKED,
    DRY_RUN;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ProposalState fromLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }

    /** Picked and not finished: while one such proposal exists, no other strategy of the issue starts. */
    public boolean isInFlight() {
        return this == NEW || this == DEFERRED || this == AWAITING_APPROVAL || this == RUNNING || this == VERIFYING
                || this == ROLLING_BACK || this == DRY_RUN;
    }
}

package io.homeostat.service.engine.facts;

/** A proposal waits for the gates (NEW) and is DECIDED once its decision has an outcome. */
public enum ProposalState {
    NEW,
    DECIDED
}
